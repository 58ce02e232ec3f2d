import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DataFrame,
  type DeferredColumn,
  type ImageValue,
  imageColumn,
  type LazyCell,
  MissingVariableError,
  mediaInfo,
  read,
  TensorColumn,
  write,
} from '../../../src/index.js';
import { needs, PYTHON } from '../../helpers/references.js';

// A media column whose base directory is `${VAR}/...` with VAR unset: only loading that column's
// rows fails (naming the variable); printing, the other columns, search and saving all work, and
// the cells print as their paths under the unexpanded template.
const VARIABLE = 'TESSERA_TEST_MEDIA_ROOT';
const TEMPLATE = ['$', `{${VARIABLE}}`].join(''); // no JavaScript template syntax in the source
const data = path.resolve('node_modules/vega-datasets/data');
const files = ['7zip.png', 'ffox.png', 'gimp.png'];

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-basedir-'));
  delete process.env[VARIABLE];
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  delete process.env[VARIABLE];
});

function frame(env: Record<string, string> = {}): DataFrame {
  const base = new DataFrame({
    id: [1, 2, 3],
    file: files,
    emb: TensorColumn.fromRows(
      [
        [1, 0],
        [0, 1],
        [0.6, 0.8],
      ],
      'float32',
      [2],
    ),
  });
  return base.withColumn('image', imageColumn(base.column('file'), { baseDir: TEMPLATE, env }));
}

async function rejection(run: () => Promise<unknown>): Promise<unknown> {
  return await run().then(
    () => undefined,
    (e: unknown) => e,
  );
}

/** Loading the image column raises MissingVariableError naming the variable, by every route. */
async function expectLoadFails(df: DataFrame) {
  for (const error of [
    await rejection(() => df.column<DeferredColumn>('image').load([0])),
    await rejection(() => df.rowAsync(0)),
    await rejection(() => (df.row(0).image as LazyCell).load()),
    (() => {
      try {
        mediaInfo(df.column('image'), 0);
      } catch (e) {
        return e;
      }
    })(),
  ]) {
    expect(error).toBeInstanceOf(MissingVariableError);
    expect((error as MissingVariableError).variable).toBe(VARIABLE);
    expect((error as Error).message).toContain(VARIABLE);
  }
}

/** Everything that does not load the image column works, and prints the path unresolved. */
async function expectUnrelatedWorkWorks(df: DataFrame) {
  const table = df.toString({ maxWidth: 60 });
  expect(table).toContain(`${TEMPLATE}/7zip.png`);
  expect(table).toContain(`${TEMPLATE}/gimp.png`);
  expect(df.head(2).toString({ maxWidth: 60 })).toContain(`${TEMPLATE}/ffox.png`);
  expect(String(df.row(1).image)).toBe(`${TEMPLATE}/ffox.png`);
  expect(df.select(['id', 'file']).toRecords()).toEqual(files.map((file, i) => ({ id: i + 1, file })));
  expect(
    df
      .filter((r) => (r.id as number) >= 2)
      .column('file')
      .toArray(),
  ).toEqual(files.slice(1));
  const hits = await df.search([0.6, 0.8], { by: 'emb', k: 2 });
  expect(hits.column('file').toArray()).toEqual(['gimp.png', 'ffox.png']);
  expect(hits.toString({ maxWidth: 60 })).toContain(`${TEMPLATE}/gimp.png`);
}

describe('a media base directory whose variable is unset', () => {
  it('a column built in code: only loading it fails', async () => {
    const df = frame();
    await expectUnrelatedWorkWorks(df);
    await expectLoadFails(df);
    const saved = path.join(dir, 'built');
    await write(df, saved);
    expect(fs.readFileSync(path.join(saved, 'manifest.json'), 'utf8')).toContain(TEMPLATE);
  });

  it('a stored column: opening, printing, search and saving work; loading it fails', async () => {
    const stored = path.join(dir, 'stored');
    await write(frame({ [VARIABLE]: data }), stored);
    const back = await read(stored, { mediaRoots: [data] });
    await expectUnrelatedWorkWorks(back);
    await expectLoadFails(back);
    // Saving the frame keeps the template (not a path, not an error) for a machine that has it set.
    const copy = path.join(dir, 'copy');
    await write(
      back.filter((r) => (r.id as number) !== 2),
      copy,
    );
    expect(fs.readFileSync(path.join(copy, 'manifest.json'), 'utf8')).toContain(TEMPLATE);
    const there = await read(copy, { env: { [VARIABLE]: data }, mediaRoots: [data] });
    expect(String(there.row(1).image)).toBe('<image 100×100×4>');
    expect(((await there.rowAsync(1)).image as ImageValue).width).toBe(100);
  });

  it('setting the variable later makes the same frame load', async () => {
    const stored = path.join(dir, 'later');
    await write(frame({ [VARIABLE]: data }), stored);
    const back = await read(stored, { mediaRoots: [data] });
    await expectLoadFails(back);
    process.env[VARIABLE] = data;
    try {
      expect(mediaInfo(back.column('image'), 0)).toMatchObject({ width: 100, height: 100 });
      expect(((await back.rowAsync(0)).image as ImageValue).shape).toEqual([100, 100, 4]);
    } finally {
      delete process.env[VARIABLE];
    }
  });

  const pil = needs('PIL');
  pil.it('once set, the column decodes to the pixels PIL gives', async () => {
    const df = frame({ [VARIABLE]: data });
    const image = (await df.rowAsync(2)).image as ImageValue;
    const pixels = execFileSync(PYTHON, [
      '-c',
      'import sys,PIL.Image as I;sys.stdout.buffer.write(I.open(sys.argv[1]).convert("RGBA").tobytes())',
      path.join(data, 'gimp.png'),
    ]);
    expect(image.channels).toBe(4);
    expect(Buffer.from(image.data as Uint8Array).equals(pixels)).toBe(true);
  });
});
