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
