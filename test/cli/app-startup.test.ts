// `tessera app` opens fast because it loads only what the first screen needs: the CLI loads each
// command's modules when that command runs, the app's open path names no model runtime, image
// library or Parquet reader, and a dataset's manifest is parsed once. Structural checks on the
// static imports and on the work done, never on a clock.

import * as fs from 'node:fs';
import { readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as arrow from 'apache-arrow';
import { Table, writeParquet } from 'parquet-wasm/node';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { append, DataFrame, write } from '../../src/index.js';
import { openSource } from '../../src/node/server/open.js';
import { valueImportClosure } from '../helpers/import-graph.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function sourceTree(): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(path.join(ROOT, 'src'), { recursive: true, withFileTypes: true }))
    if (e.isFile() && e.name.endsWith('.ts')) {
      const file = path.join(e.parentPath, e.name);
      out.set(path.relative(ROOT, file).split(path.sep).join('/'), readFileSync(file, 'utf8'));
    }
  return out;
}

/** Packages that take long to load (model runtimes, WebAssembly, native image code) or serve HTTP. */
const MODEL_RUNTIMES = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-wasm',
  'onnxruntime-node',
  '@huggingface/transformers',
  'nsfwjs',
];
const SLOW_TO_LOAD = [...MODEL_RUNTIMES, 'parquet-wasm', 'sharp'];
const SERVER = ['fastify', '@fastify/static'];

describe('what `tessera` loads before it runs a command', () => {
  const tree = sourceTree();

  it('the CLI itself: no heavy module of any command, not even the server', () => {
    const { files, packages } = valueImportClosure(tree, 'src/cli/main.ts');
    expect(files.has('src/cli/main.ts')).toBe(true);
    expect([...packages].filter((p) => [...SLOW_TO_LOAD, ...SERVER].includes(p))).toEqual([]);
    // Not even the columnar code: `tessera --version` or a usage error answers at once.
    expect([...packages]).toEqual(['commander']);
    expect([...files].filter((f) => f.startsWith('src/node/server/') || f === 'src/cli/demo.ts')).toEqual([]);
  });

  it('`tessera app`: opening a source and serving it name no model runtime, image library or Parquet reader', () => {
    for (const start of ['src/node/server/serve.ts', 'src/node/server/open.ts']) {
      const { files, packages } = valueImportClosure(tree, start);
      expect(files.has('src/node/server/open.ts')).toBe(true);
      expect(
        [...packages].filter((p) => SLOW_TO_LOAD.includes(p)),
        start,
      ).toEqual([]);
    }
    // Fastify loads when the server is built, after the dataset is open.
    expect(
      [...valueImportClosure(tree, 'src/node/server/open.ts').packages].filter((p) => SERVER.includes(p)),
    ).toEqual([]);
  });
});

describe('opening each kind of source (its reader loaded on use)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-open-kinds-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  // The reference: the literal values the files were written with (by hand, or by apache-arrow and
  // parquet-wasm directly).
  const ids = [3, 1, 2];
  const names = ['c', 'a', 'b'];

  it('gives the values of a CSV, TSV, JSON, JSON-lines, Arrow and Parquet file', async () => {
    const table = arrow.tableFromArrays({ id: Int32Array.from(ids), name: names });
    const files: Record<string, string | Uint8Array> = {
      't.csv': `id,name\n${ids.map((v, i) => `${v},${names[i]}`).join('\n')}\n`,
      't.tsv': `id\tname\n${ids.map((v, i) => `${v}\t${names[i]}`).join('\n')}\n`,
      't.json': JSON.stringify(ids.map((id, i) => ({ id, name: names[i] }))),
      't.jsonl': ids.map((id, i) => JSON.stringify({ id, name: names[i] })).join('\n'),
      't.arrow': arrow.tableToIPC(table, 'file'),
      't.parquet': writeParquet(Table.fromIPCStream(arrow.tableToIPC(table, 'stream'))),
    };
    for (const [name, content] of Object.entries(files)) {
      fs.writeFileSync(path.join(dir, name), content);
      const { frame, kind } = await openSource(path.join(dir, name));
      expect(kind, name).toBe(name === 't.tsv' ? 'csv' : name.slice(2));
      expect(frame.column('id').toArray().map(Number), name).toEqual(ids);
      expect(frame.column('name').toArray(), name).toEqual(names);
    }
  });
});

describe('opening a stored dataset', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-open-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('parses its manifest once (the copy in _versions/ is compared, not parsed again)', async () => {
    const ds = path.join(dir, 'ds');
    await write(new DataFrame({ x: [1, 2, 3], s: ['a', 'b', 'c'] }), ds, { fsync: false });
    await append(ds, new DataFrame({ x: [4], s: ['d'] }), { fsync: false });
    const manifest = fs.readFileSync(path.join(ds, 'manifest.json'), 'utf8');
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const opened = await openSource(ds);
      expect(opened.frame.length).toBe(4);
      expect(parse.mock.calls.filter(([text]) => text === manifest)).toHaveLength(1);
    } finally {
      parse.mockRestore();
    }
  });
});
