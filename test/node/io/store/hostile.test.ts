/**
 * Datasets from a hostile sender: one who can put links in the dataset, edit every file and
 * recompute every checksum. Reading such a dataset gives its own data or a typed error; it never
 * reads or deletes anything outside the dataset, never tells what an outside file holds, and never
 * runs away on a declared length its files cannot back.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Manifest } from '../../../../src/core/io/store/manifest.js';
import { npyHeader } from '../../../../src/core/io/store/npy.js';
import {
  CorruptDataError,
  DataFrame,
  read,
  ScalarColumn,
  TensorColumn,
  vacuum,
  write,
} from '../../../../src/index.js';
import { crc32 } from '../../../../src/node/io/store/checksum.js';
import { serializeManifest } from '../../../../src/node/io/store/manifest-write.js';
import { tempDatasets } from './helpers.js';

const dataset = tempDatasets('tessera-hostile-');

const SECRET = 'the secret of someone else: 0123456789abcdef\n';

async function writeSample(p: string): Promise<void> {
  await write(
    new DataFrame({
      x: ScalarColumn.from([1.5, null, 3.5, 4.5], 'float64'),
      emb: TensorColumn.fromRows([[1, 2], [3, 4], null, [7, 8]], 'float32', [2]),
      o: [{ a: 1 }, { b: 2 }, null, [3]],
    }),
    p,
    { fsync: false },
  );
}

function loadManifest(p: string): Manifest {
  const { checksum: _, ...m } = JSON.parse(fs.readFileSync(path.join(p, 'manifest.json'), 'utf8'));
  return m as Manifest;
}

/** Rewrite the manifest as the sender would: edited, with a correct checksum. */
function saveManifest(p: string, m: Manifest): void {
  const text = serializeManifest(m);
  fs.writeFileSync(path.join(p, 'manifest.json'), text);
  fs.writeFileSync(path.join(p, '_versions', `${m.version}.json`), text);
}

function column(m: Manifest, name: string) {
  return m.columns.find((c) => c.name === name)! as Manifest['columns'][number] & {
    fragments: { rows: number; file?: { path: string; bytes: number; crc32: number } }[];
  };
}

/** Everything in every column, loaded. */
function readAll(df: DataFrame): void {
  for (const name of df.columnNames) df.column(name).toArray();
}

async function errorOf(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('links inside a dataset', () => {
  let p: string;
  let outside: string;
  beforeEach(async () => {
    p = dataset();
    await writeSample(p);
    outside = dataset('outside');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'secret.txt'), SECRET);
  });

  it('a data file that links to a file outside is a typed error that tells nothing of that file', async () => {
    const m = loadManifest(p);
    for (const name of ['x', 'o']) {
      const entry = column(m, name).fragments[0].file!;
      const file = path.join(p, entry.path);
      fs.rmSync(file);
      fs.symlinkSync(path.join(outside, 'secret.txt'), file);
      const error = await errorOf(async () => readAll(await read(p)));
      expect(error, name).toBeInstanceOf(CorruptDataError);
      const message = (error as Error).message;
      expect(message).toContain('link');
      const secretBytes = Buffer.from(SECRET);
      // The size as a number of its own (a random temp folder name may hold the same digits).
      expect(message).not.toMatch(new RegExp(`(?<![\\w.])${secretBytes.length}(?![\\w.])`));
      expect(message).not.toContain(crc32(secretBytes).toString(16).padStart(8, '0'));
    }
  });

  it('a manifest that links to a file outside is refused without quoting it', async () => {
    await writeSample(p); // version 2, so version 1 is read from _versions/1.json
    for (const name of ['manifest.json', path.join('_versions', '1.json')]) {
      const file = path.join(p, name);
      fs.renameSync(file, `${file}.moved`);
      fs.symlinkSync(path.join(outside, 'secret.txt'), file);
      try {
        if (name === 'manifest.json') {
          // Refused, not followed: the read falls back to the intact copy in _versions/ (a warning).
          const df = await read(p);
          expect(df.length).toBe((await read(p, { version: 2 })).length);
          continue;
        }
        const error = await errorOf(() => read(p, { version: 1 }));
        expect(error, name).toBeInstanceOf(CorruptDataError);
        expect((error as Error).message).toContain('link');
        expect((error as Error).message).not.toContain(SECRET.slice(0, 6));
      } finally {
        fs.rmSync(file);
        fs.renameSync(`${file}.moved`, file);
      }
    }
  });

  it('a linked .npy file is refused too', async () => {
    const m = loadManifest(p);
    const emb = m.columns.find((c) => c.name === 'emb') as Extract<
      Manifest['columns'][number],
      { type: { kind: 'tensor' } }
    >;
    const file = path.join(p, emb.fragments[0].data.path);
    fs.renameSync(file, path.join(outside, 'emb.npy'));
    fs.symlinkSync(path.join(outside, 'emb.npy'), file);
    const error = await errorOf(async () => (await read(p)).column('emb').toArray());
    expect(error).toBeInstanceOf(CorruptDataError);
    expect((error as Error).message).toContain('link');
  });

  it('data/ as a link to another directory: read refuses, vacuum deletes nothing there', async () => {
    // The sender's data files sit in the linked directory beside files that are not theirs.
    const elsewhere = path.join(outside, 'photos');
    fs.renameSync(path.join(p, 'data'), elsewhere);
    fs.writeFileSync(path.join(elsewhere, 'holiday.jpg'), 'not yours');
    fs.symlinkSync(elsewhere, path.join(p, 'data'));
    const before = fs.readdirSync(elsewhere).sort();

    const readError = await errorOf(async () => readAll(await read(p)));
    expect(readError).toBeInstanceOf(CorruptDataError);
    expect((readError as Error).message).toContain('link');

    const vacuumError = await errorOf(() => vacuum(p));
    expect(vacuumError).toBeInstanceOf(CorruptDataError);
    expect(fs.readdirSync(elsewhere).sort()).toEqual(before);
  });

  it('_versions/ as a link is refused by read and vacuum', async () => {
    const elsewhere = path.join(outside, 'versions');
    fs.renameSync(path.join(p, '_versions'), elsewhere);
    fs.writeFileSync(path.join(elsewhere, '7.json'), 'not yours');
    fs.symlinkSync(elsewhere, path.join(p, '_versions'));
    expect(await errorOf(() => read(p))).toBeInstanceOf(CorruptDataError);
    expect(await errorOf(() => vacuum(p))).toBeInstanceOf(CorruptDataError);
    expect(fs.readdirSync(elsewhere)).toContain('7.json');
  });

  it('vacuum never deletes through a link inside data/', async () => {
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(p, 'data', 'stray-link'));
    const result = await vacuum(p);
    expect(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe(SECRET);
    expect(result.bytesFreed).toBe(0);
  });
});

describe('declared lengths', () => {
  let p: string;
  beforeEach(async () => {
    p = dataset();
    await writeSample(p);
  });

  /** Set the dataset's and every fragment's row count (one fragment per column here). */
  function claimRows(rows: number): Manifest {
    const m = loadManifest(p);
    m.length = rows;
    for (const c of m.columns) if ('fragments' in c) for (const f of c.fragments) f.rows = rows;
    return m;
  }

  it('9e15 rows (scalar and object columns whose files are small) is a typed error at read, fast', async () => {
    const m = claimRows(9e15);
    m.columns = m.columns.filter((c) => c.type.kind !== 'tensor');
    saveManifest(p, m);
    const started = performance.now();
    const error = await errorOf(() => read(p)); // at open: toRecords() would walk the length
    expect(error).toBeInstanceOf(CorruptDataError);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('the most rows a frame holds, in a file that declares a size to match, is caught against the real file', async () => {
    const m = claimRows(0x7fffffff);
    m.columns = m.columns.filter((c) => c.name === 'x');
    column(m, 'x').fragments[0].file!.bytes = 2 ** 28;
    saveManifest(p, m);
    const error = await errorOf(() => read(p)); // at open: toRecords() would walk the length
    expect(error).toBeInstanceOf(CorruptDataError);
    expect((error as CorruptDataError).file).toContain(`${path.sep}data${path.sep}`);
  });

  for (const rows of [9e15, 0x7fffffff])
    it(`${rows} rows of zero-size tensors (a file size that says nothing of the rows) are refused`, async () => {
      const m = loadManifest(p);
      m.length = rows;
      const npy = npyHeader('float32', [4, 0]);
      const sums = new Uint8Array(new Uint32Array([crc32(npy)]).buffer);
      m.columns = [
        {
          name: 'z',
          type: { kind: 'tensor', dtype: 'float32', shape: [0] },
          fragments: [
            {
              rows,
              data: {
                path: 'data/z.npy',
                bytes: npy.length,
                headerBytes: npy.length,
                rowsPerBlock: 1,
                checksums: { path: 'data/z.crc', bytes: 4, crc32: crc32(sums) },
              },
              validity: null,
            },
          ],
        },
      ];
      fs.writeFileSync(path.join(p, 'data', 'z.npy'), npy);
      fs.writeFileSync(path.join(p, 'data', 'z.crc'), sums);
      saveManifest(p, m);
      const started = performance.now();
      const error = await errorOf(() => read(p)); // at open: toRecords() would walk the length
      expect(error).toBeInstanceOf(CorruptDataError);
      expect(performance.now() - started).toBeLessThan(2000);
    });

  it('negative, fractional and mismatched lengths are typed errors at read', async () => {
    const edits: ((m: Manifest) => void)[] = [
      (m) => {
        m.length = -4;
        for (const c of m.columns) if ('fragments' in c) c.fragments[0].rows = -4;
      },
      (m) => {
        m.length = 4.5;
        for (const c of m.columns) if ('fragments' in c) c.fragments[0].rows = 4.5;
      },
      (m) => {
        m.length = 3;
        for (const c of m.columns) if ('fragments' in c && c.type.kind !== 'tensor') c.fragments[0].rows = 3;
      },
      (m) => {
        // Consistent manifest, but the object file holds 4 lines.
        m.length = 5;
        column(m, 'o').fragments[0].rows = 5;
        m.columns = m.columns.filter((c) => c.name === 'o');
      },
    ];
    const original = loadManifest(p);
    for (const edit of edits) {
      const m = structuredClone(original);
      edit(m);
      saveManifest(p, m);
      expect(await errorOf(async () => readAll(await read(p)))).toBeInstanceOf(CorruptDataError);
    }
  });
});

describe('.npy headers', () => {
  let p: string;
  beforeEach(async () => {
    p = dataset();
    await writeSample(p);
  });

  /** Replace the tensor file's header dict (same length) and recompute every checksum over it. */
  function rewriteHeader(edit: (dict: string) => string): string {
    const m = loadManifest(p);
    const emb = m.columns.find((c) => c.name === 'emb') as Extract<
      Manifest['columns'][number],
      { type: { kind: 'tensor' } }
    >;
    const entry = emb.fragments[0].data;
    const file = path.join(p, entry.path);
    const bytes = fs.readFileSync(file);
    const len = bytes[8] | (bytes[9] << 8);
    const dict = bytes.subarray(10, 10 + len).toString('latin1');
    const edited = edit(dict.trimEnd());
    expect(edited.length).toBeLessThan(len);
    bytes.set(Buffer.from(`${edited.padEnd(len - 1, ' ')}\n`, 'latin1'), 10);
    fs.writeFileSync(file, bytes);
    const sumsFile = path.join(p, entry.checksums.path);
    const sums = fs.readFileSync(sumsFile);
    sums.writeUInt32LE(crc32(bytes.subarray(0, entry.headerBytes)), 0);
    fs.writeFileSync(sumsFile, sums);
    entry.checksums.crc32 = crc32(sums);
    saveManifest(p, m);
    return file;
  }

  const cases: [string, (dict: string) => string][] = [
    ['object dtype', (d) => d.replace("'<f4'", "'|O'")],
    ['another dtype', (d) => d.replace("'<f4'", "'<i4'")],
    ['wrong shape', (d) => d.replace('(4, 2)', '(2, 4)')],
    ['fortran order', (d) => d.replace('False', 'True')],
  ];
  for (const [what, edit] of cases)
    it(`a header rewritten to ${what} is a CorruptDataError naming the file`, async () => {
      const file = rewriteHeader(edit);
      for (const access of [
        (df: DataFrame) => df.column('emb').toArray(),
        (df: DataFrame) => df.row(0).emb,
      ]) {
        const error = await errorOf(async () => access(await read(p)));
        expect(error, what).toBeInstanceOf(CorruptDataError);
        expect((error as CorruptDataError).file).toBe(file);
      }
    });
});
