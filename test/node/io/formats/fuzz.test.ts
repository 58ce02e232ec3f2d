/**
 * Readers fed random and corrupted bytes: each must return a frame or throw one of Tessera's typed
 * errors: never another error, a crash or a hang. Every value of a returned frame is read too.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DataFrame,
  formatArrow,
  formatCsv,
  formatParquet,
  jsonRecords,
  ParseError,
  parseArrow,
  parseCsv,
  parseJson,
  parseParquet,
  readParquetBatches,
  TesseraError,
} from '../../../../src/index.js';
import { frameOf } from '../../../helpers/arbitrary.js';
import { corrupted } from '../../../helpers/corrupt.js';

const sample = frameOf([
  { int: 1, float: 0.5, str: 'a,"b"\nc', bool: true, vec: [1, 2], obj: { k: 1 } },
  { int: null, float: Number.NaN, str: null, bool: false, vec: null, obj: null },
  { int: 3, float: -2, str: 'é😀', bool: null, vec: [3, 4], obj: { k: 2 } },
]);

function readsSafely(read: (bytes: Uint8Array) => DataFrame) {
  return (bytes: Uint8Array) => {
    try {
      const df = read(bytes);
      for (const name of df.columnNames) df.column(name).toArray();
    } catch (e) {
      if (!(e instanceof TesseraError)) throw e;
    }
  };
}

const readers: [string, (b: Uint8Array) => DataFrame, Uint8Array][] = [
  ['CSV', (b) => parseCsv(b), new TextEncoder().encode(formatCsv(sample))],
  [
    'JSON',
    (b) => parseJson(new TextDecoder().decode(b)),
    new TextEncoder().encode(JSON.stringify(jsonRecords(sample.drop('float')))),
  ],
  ['Arrow IPC (file)', (b) => parseArrow(b), formatArrow(sample)],
  ['Arrow IPC (stream)', (b) => parseArrow(b), formatArrow(sample, { format: 'stream' })],
  ['Parquet', (b) => parseParquet(b), formatParquet(sample, { compression: 'uncompressed' })],
];

describe.each(readers)('%s reader on bad bytes', (_name, read, valid) => {
  it('reads the valid bytes', () => {
    expect(read(valid).length).toBe(3);
  });

  it('throws only typed errors on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), readsSafely(read)), { numRuns: 200 });
  });

  it('throws only typed errors on corrupted files', () => {
    fc.assert(fc.property(corrupted(valid), readsSafely(read)), { numRuns: 300 });
  });

  it('boundary: empty input, and the file cut at each of its first and last 64 bytes', () => {
    readsSafely(read)(new Uint8Array(0));
    const cuts = new Set<number>();
    for (let k = 0; k <= 64; k++) {
      cuts.add(Math.min(k, valid.length));
      cuts.add(Math.max(0, valid.length - k));
    }
    for (const n of cuts) readsSafely(read)(valid.slice(0, n));
  });
});

describe('binary readers at their magic bytes', () => {
  const magic: [string, (b: Uint8Array) => DataFrame, string[]][] = [
    ['Arrow IPC', (b) => parseArrow(b), ['', 'ARROW1', 'ARROW1\0\0', 'ARROW1\0\0ARROW1', '\xff\xff\xff\xff']],
    [
      'Parquet',
      (b) => parseParquet(b),
      ['', 'PAR1', 'PAR1PAR1', 'PAR1\0\0\0\0PAR1', 'PAR1\xff\xff\xff\xffPAR1'],
    ],
  ];
  it.each(magic)('%s: empty input and files of magic bytes only are a ParseError', (_name, read, inputs) => {
    for (const text of inputs) {
      const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
      expect(() => read(bytes), JSON.stringify(text)).toThrow(ParseError);
    }
  });
});

describe('streaming Parquet reader on bad files', () => {
  it('throws only typed errors and never hangs on corrupted files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-fuzz-pq-'));
    const file = path.join(dir, 'f.parquet');
    const valid = formatParquet(sample, { compression: 'snappy', rowGroupSize: 2 });
    try {
      await fc.assert(
        fc.asyncProperty(corrupted(valid), async (bytes) => {
          fs.writeFileSync(file, bytes);
          try {
            for await (const df of readParquetBatches(file, { batchSize: 2 }))
              for (const name of df.columnNames) df.column(name).toArray();
          } catch (e) {
            if (!(e instanceof TesseraError)) throw e;
          }
        }),
        { numRuns: 25 },
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
