/**
 * The native reader fed damaged datasets: random edits (overwritten, inserted and cut bytes) to any
 * one file of a dataset. Reading every value must either give back exactly the data that was written
 * or throw one of Tessera's typed errors: never another error, a hang, or silently wrong values.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { VersionNotFoundError } from '../../../../src/core/errors.js';
import {
  append,
  DataFrame,
  read,
  ScalarColumn,
  TensorColumn,
  TesseraError,
  verify,
  write,
} from '../../../../src/index.js';
import { applyEdits, byteEdit } from '../../../helpers/corrupt.js';
import { plainRecords, tempDatasets } from './helpers.js';

const dataset = tempDatasets('tessera-fuzz-');

function frame(n: number, from: number): DataFrame {
  const ids = Array.from({ length: n }, (_, k) => from + k);
  return new DataFrame({
    x: ScalarColumn.from(
      ids.map((i) => (i % 7 === 0 ? null : i * 1.5)),
      'float64',
    ),
    s: ids.map((i) => `value ${i}`),
    emb: TensorColumn.fromRows(
      ids.map((i) => (i % 11 === 0 ? null : [i, i + 1, i + 2])),
      'float32',
      [3],
    ),
    o: ids.map((i) => ({ i, tags: ['a', 'b'].slice(0, i % 3) })),
  });
}

/** Every file of the dataset under `root`, relative to it. */
function allFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name !== '_lock') out.push(rel);
    }
  };
  walk('.');
  return out.sort();
}

async function readAll(root: string, version?: number): Promise<Record<string, unknown>[]> {
  const df = await read(root, version === undefined ? {} : { version });
  for (const name of df.columnNames) df.column(name).toArray();
  return plainRecords(df.toRecords());
}

describe('native reader on damaged datasets', () => {
  let root: string;
  let files: string[];
  let expected: Record<string, unknown>[];
  let expectedV1: Record<string, unknown>[];
  beforeAll(async () => {
    root = dataset();
    await write(frame(200, 0), root, { fsync: false });
    await append(root, frame(50, 200), { fsync: false });
    files = allFiles(root);
    expected = plainRecords(DataFrame.concat([frame(200, 0), frame(50, 200)]).toRecords());
    expectedV1 = plainRecords(frame(200, 0).toRecords());
  });

  it('reads back intact, both versions', async () => {
    expect(await readAll(root)).toEqual(expected);
    expect(await readAll(root, 1)).toEqual(expectedV1);
    expect(files.some((f) => f.endsWith('.npy'))).toBe(true);
  });

  it('gives the written data or a typed error for any edit of any file', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.array(byteEdit, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (pick, edits, old) => {
          const file = path.join(root, files[pick % files.length]);
          const valid = fs.readFileSync(file);
          fs.writeFileSync(file, applyEdits(valid, edits));
          try {
            expect(await readAll(root, old ? 1 : undefined)).toEqual(old ? expectedV1 : expected);
          } catch (e) {
            if (!(e instanceof TesseraError)) throw e;
          } finally {
            fs.writeFileSync(file, valid);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('verify() names the edited file, or the edit changed nothing a reader sees', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(byteEdit, { minLength: 1, maxLength: 4 }), async (pick, edits) => {
        const rel = files[pick % files.length];
        const file = path.join(root, rel);
        const valid = fs.readFileSync(file);
        fs.writeFileSync(file, applyEdits(valid, edits));
        try {
          const report = await verify(root);
          if (report.ok) {
            // e.g. whitespace in a manifest, which its checksum does not cover: both versions read back
            expect(await readAll(root)).toEqual(expected);
            expect(await readAll(root, 1)).toEqual(expectedV1);
          } else expect(report.problems.map((p) => p.file)).toContain(rel.split(path.sep).join('/'));
        } finally {
          fs.writeFileSync(file, valid);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a missing file: each version reads back its own data exactly or raises a typed error', async () => {
    for (const rel of files) {
      const file = path.join(root, rel);
      const valid = fs.readFileSync(file);
      fs.rmSync(file);
      try {
        const current = await outcome(() => readAll(root));
        const first = await outcome(() => readAll(root, 1));
        // Never other data: a read that succeeds gives exactly what its version holds.
        if (!(current instanceof TesseraError)) expect(current, `removing ${rel}`).toEqual(expected);
        if (!(first instanceof TesseraError)) expect(first, `removing ${rel}`).toEqual(expectedV1);
        if (rel === path.join('_versions', '1.json')) {
          // The first version's only manifest: that version is gone, the current one is intact.
          expect(first, `removing ${rel}`).toBeInstanceOf(VersionNotFoundError);
          expect(current, `removing ${rel}`).toEqual(expected);
        } else if (rel.startsWith('_versions')) {
          // The copy of the current version's manifest: manifest.json still describes it.
          expect(current, `removing ${rel}`).toEqual(expected);
          expect(first, `removing ${rel}`).toEqual(expectedV1);
        } else
          expect(
            current instanceof TesseraError || first instanceof TesseraError,
            `removing ${rel} went unnoticed`,
          ).toBe(true);
      } finally {
        fs.writeFileSync(file, valid);
      }
    }
    expect(files.filter((f) => f.startsWith('_versions')).sort()).toEqual([
      path.join('_versions', '1.json'),
      path.join('_versions', '2.json'),
    ]);
  });
});

/** What a read gives: its rows, or the typed error it raised (any other error fails the test). */
async function outcome<T>(run: () => Promise<T>): Promise<T | TesseraError> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof TesseraError) return e;
    throw e;
  }
}
