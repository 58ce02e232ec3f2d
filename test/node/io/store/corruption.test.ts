import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { crc32 as tableCrc32 } from '../../../../src/core/crc32.js';
import {
  CorruptDataError,
  DataFrame,
  type DataFrame as Frame,
  read,
  ScalarColumn,
  TensorColumn,
  write,
} from '../../../../src/index.js';
import { crc32 } from '../../../../src/node/io/store/checksum.js';
import { serializeManifest } from '../../../../src/node/io/store/manifest-write.js';
import { mulberry32 } from '../../../helpers/random.js';
import { replaceCurrentManifest } from './damage.js';
import { dataFiles, tempDatasets } from './helpers.js';

const dataset = tempDatasets('tessera-corrupt-');

/** Read every value of every column (loading and verifying all files). */
function readAll(df: Frame): void {
  for (const name of df.columnNames) df.column(name).toArray();
}

/** Expect `fn` to throw a CorruptDataError that names `file`. */
function expectCorrupt(fn: () => unknown, file: string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error, `no error for ${path.basename(file)}`).toBeInstanceOf(CorruptDataError);
  expect((error as CorruptDataError).file).toBe(file);
  expect((error as Error).message).toContain(file);
}

describe('damaged datasets', () => {
  let p: string;
  const rng = mulberry32(42);
  beforeAll(async () => {
    p = dataset();
    const n = 300;
    await write(
      new DataFrame({
        x: ScalarColumn.from(
          Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : i * 1.5)),
          'float64',
        ),
        s: Array.from({ length: n }, (_, i) => `value ${i}`),
        emb: TensorColumn.fromRows(
          Array.from({ length: n }, (_, i) => (i % 11 === 0 ? null : [i, i + 1, i + 2, i + 3])),
          'float32',
          [4],
        ),
        o: Array.from({ length: n }, (_, i) => ({ i, tags: ['a', 'b'].slice(0, i % 3) })),
      }),
      p,
      { fsync: false },
    );
  });

  it('the intact dataset reads back', async () => {
    readAll(await read(p));
  });

  it('checksums are CRC-32 (the fallback for older Node gives the same values)', () => {
    const bytes = Uint8Array.from({ length: 10_000 }, () => Math.floor(rng() * 256));
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(tableCrc32(bytes)).toBe(crc32(bytes));
    expect(tableCrc32(bytes.subarray(5000), tableCrc32(bytes.subarray(0, 5000)))).toBe(crc32(bytes));
  });

  it('a flipped bit anywhere in any data file is a CorruptDataError naming that file', async () => {
    const files = dataFiles(p);
    expect(files.map((f) => path.extname(f)).sort()).toEqual([
      '.arrow',
      '.arrow',
      '.blocks',
      '.blocks',
      '.crc',
      '.jsonl',
      '.npy',
      '.validity',
    ]);
    for (const file of files) {
      const original = fs.readFileSync(file);
      for (let trial = 0; trial < 8; trial++) {
        const damaged = Buffer.from(original);
        const bit = Math.floor(rng() * damaged.length * 8);
        damaged[bit >> 3] ^= 1 << (bit & 7);
        fs.writeFileSync(file, damaged);
        try {
          const df = await read(p); // opening reads only the manifest, so it still works
          expectCorrupt(() => readAll(df), file);
        } finally {
          fs.writeFileSync(file, original);
        }
      }
    }
    readAll(await read(p));
  });

  it('a flipped bit in tensor rows is caught by positioned reads of those rows', async () => {
    const npy = dataFiles(p).find((f) => f.endsWith('.npy'))!;
    const original = fs.readFileSync(npy);
    const damaged = Buffer.from(original);
    const row = 257;
    damaged[128 + row * 16 + 5] ^= 0x10;
    fs.writeFileSync(npy, damaged);
    try {
      const df = await read(p);
      expectCorrupt(() => df.take([3, row]).column('emb'), npy);
      expectCorrupt(() => df.row(row), npy);
      // Rows in other checksum blocks still read (each block is verified on its own).
      expect(Array.from(df.take([3]).column<TensorColumn<Float32Array>>('emb').data)).toEqual([3, 4, 5, 6]);
    } finally {
      fs.writeFileSync(npy, original);
    }
  });

  it('a truncated or missing data file is a CorruptDataError naming it', async () => {
    for (const file of dataFiles(p)) {
      const original = fs.readFileSync(file);
      try {
        fs.truncateSync(file, Math.floor(rng() * original.length));
        const truncated = await read(p);
        expectCorrupt(() => readAll(truncated), file);
        expect(() => readAll(truncated)).toThrow(/truncated/);
        fs.rmSync(file);
        const missing = await read(p);
        expectCorrupt(() => readAll(missing), file);
      } finally {
        fs.writeFileSync(file, original);
      }
    }
  });

  it('a damaged manifest is a CorruptDataError naming manifest.json', async () => {
    const manifest = path.join(p, 'manifest.json');
    const original = fs.readFileSync(manifest, 'utf8');
    const cases = [
      'garbage',
      '',
      '[]',
      original.slice(0, original.length >> 1),
      original.replace('"name": "emb"', '"name": "emc"'),
      original.replace('"rows": 300', '"rows": 301'),
      JSON.stringify({ ...JSON.parse(original), format: 'something-else' }),
    ];
    try {
      for (const text of cases) {
        expect(text).not.toBe(original);
        const undo = replaceCurrentManifest(p, text);
        await expect(read(p)).rejects.toThrow(CorruptDataError);
        await expect(read(p)).rejects.toThrow(manifest);
        undo();
      }
      // Bit flips anywhere in it.
      for (let trial = 0; trial < 20; trial++) {
        const bytes = Buffer.from(original);
        const bit = Math.floor(rng() * bytes.length * 8);
        bytes[bit >> 3] ^= 1 << (bit & 7);
        const undo = replaceCurrentManifest(p, bytes);
        await expect(read(p)).rejects.toThrow(CorruptDataError);
        undo();
      }
    } finally {
      fs.writeFileSync(manifest, original);
    }
  });

  it('a manifest with a valid checksum still cannot point outside the dataset or be inconsistent', async () => {
    const manifest = path.join(p, 'manifest.json');
    const original = fs.readFileSync(manifest, 'utf8');
    const parsed = JSON.parse(original);
    delete parsed.checksum;
    const edits: [string, (m: typeof parsed) => void][] = [
      ['bad file path', (m) => (m.columns[0].fragments[0].file.path = 'data/../../../etc/passwd')],
      ['bad file path', (m) => (m.columns[0].fragments[0].file.path = '/etc/passwd')],
      ['rows in its fragments', (m) => (m.length = 299)],
      ['unknown column kind', (m) => (m.columns[3].type = { kind: 'code' })],
      ['appears twice', (m) => (m.columns[1].name = 'x')],
      [
        'cycle',
        (m) =>
          m.columns.push(
            { name: 'a', type: { kind: 'deferred' }, deferred: { function: 'f', params: {}, inputs: ['b'] } },
            { name: 'b', type: { kind: 'deferred' }, deferred: { function: 'f', params: {}, inputs: ['a'] } },
          ),
      ],
      ['newer than this Tessera reads', (m) => (m.formatVersion = 99)],
    ];
    try {
      for (const [message, edit] of edits) {
        const m = structuredClone(parsed);
        edit(m);
        const undo = replaceCurrentManifest(p, serializeManifest(m));
        await expect(read(p)).rejects.toThrow(CorruptDataError);
        await expect(read(p)).rejects.toThrow(message);
        undo();
      }
    } finally {
      fs.writeFileSync(manifest, original);
    }
  });
});
