// The package as a consumer installs it: built into dist/, resolved through package.json "exports"
// from a project whose node_modules/tessera links to this checkout, type-checked with skipLibCheck
// off, so errors in the declarations we ship (or in the libraries they pull in) show.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const tsc = join(root, 'node_modules/typescript/bin/tsc');

// Asynchronous, so the test worker keeps answering vitest while tsc runs for tens of seconds.
const run = promisify(execFile);

let consumer: string;

beforeAll(async () => {
  await run(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root });
  consumer = mkdtempSync(join(tmpdir(), 'tessera-consumer-'));
  mkdirSync(join(consumer, 'node_modules'));
  symlinkSync(root, join(consumer, 'node_modules/tessera'), 'dir');
  symlinkSync(join(root, 'node_modules/@types'), join(consumer, 'node_modules/@types'), 'dir');
}, 300_000);

/** Type-checks `code` as a consumer's file with skipLibCheck off; returns tsc's error lines. */
async function typeErrors(name: string, code: string): Promise<string[]> {
  writeFileSync(join(consumer, `${name}.ts`), code);
  const config = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      skipLibCheck: false,
      noEmit: true,
      types: ['node'],
    },
    files: [`${name}.ts`],
  };
  writeFileSync(join(consumer, `tsconfig.${name}.json`), JSON.stringify(config));
  try {
    await run(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], { cwd: consumer });
    return [];
  } catch (e) {
    const out = (e as { stdout?: string }).stdout ?? '';
    const errors = out.split('\n').filter((line) => line.includes('error TS'));
    if (errors.length === 0) throw e;
    return errors;
  }
}

/** Runs an ES module in the consumer project; returns its stdout. */
async function runModule(code: string, conditions: string[] = []): Promise<string> {
  const file = join(consumer, `run-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, code);
  const flags = conditions.map((c) => `--conditions=${c}`);
  return (await run(process.execPath, [...flags, file], { cwd: consumer })).stdout;
}

describe('tessera as an installed package', () => {
  it('tessera and tessera/core type-check with skipLibCheck off', { timeout: 300_000 }, async () => {
    const errors = await typeErrors(
      'root',
      `import { DataFrame, type TensorKernels, nodeKernels, read, TensorColumn } from 'tessera';
import { DataFrame as CoreFrame, tsKernels } from 'tessera/core';
import { generateListOps } from 'tessera/datasets';
const kernels: TensorKernels = nodeKernels();
const frame: CoreFrame = new DataFrame({ x: new TensorColumn(new Float32Array(4), [2]) });
export const used = [kernels, frame, read, tsKernels, generateListOps];
`,
    );
    expect(errors).toEqual([]);
  });

  it('tessera/models type-checks but for the errors in TensorFlow.js’s own declarations', {
    timeout: 300_000,
  }, async () => {
    const errors = await typeErrors(
      'models',
      `import { createOnnxEncoder, mobileNetV2Encoder, toTfDataset } from 'tessera/models';
export const used = [createOnnxEncoder, mobileNetV2Encoder, toTfDataset];
`,
    );
    // tfjs 4.22's declarations do not compile under strict checks (an undeclared Long, Keras
    // config types that break their own index signatures); only those errors may appear.
    expect(errors.filter((line) => !line.includes('node_modules/@tensorflow/'))).toEqual([]);
  });

  it('each entry loads from dist through "exports"', { timeout: 120_000 }, async () => {
    const out = await runModule(`
const root = await import('tessera');
const core = await import('tessera/core');
const models = await import('tessera/models');
const datasets = await import('tessera/datasets');
console.log(JSON.stringify([typeof root.nodeKernels, typeof root.DataFrame, typeof core.nodeKernels,
  core.DataFrame === root.DataFrame, typeof models.createOnnxEncoder, typeof root.createOnnxEncoder,
  typeof datasets.generateListOps, typeof root.generateListOps]));
`);
    expect(JSON.parse(out)).toEqual([
      'function',
      'function',
      'undefined',
      true,
      'function',
      'undefined',
      'function',
      'undefined',
    ]);
  });

  it('the "browser" condition gives the isomorphic core', { timeout: 120_000 }, async () => {
    const out = await runModule(
      `const m = await import('tessera');
console.log(JSON.stringify([typeof m.DataFrame, typeof m.nodeKernels, typeof m.read]));
`,
      ['browser'],
    );
    expect(JSON.parse(out)).toEqual(['function', 'undefined', 'undefined']);
  });

  it('the tessera command runs from the build', { timeout: 120_000 }, async () => {
    const { stdout } = await run(process.execPath, [join(root, 'dist/cli/main.js'), '--help']);
    expect(stdout).toContain('demo');
  });
});
