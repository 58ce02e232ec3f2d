/**
 * The encoder that made an embedding column, recorded by `embed` (for encoders with a registered
 * name) and kept by the store: written into the column's manifest entry (read back here as plain
 * JSON), found again on the frame read, its views and renames, kept by an append, and validated
 * when a manifest is parsed (a dataset from someone else names an encoder; it never carries code).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../../../src/core/io/store/manifest.js';
import { parseManifest } from '../../../../src/core/io/store/manifest-parse.js';
import { columnEncoder } from '../../../../src/core/models/column-encoder.js';
import type { Encoder } from '../../../../src/core/models/encoder.js';
import { append, CorruptDataError, DataFrame, read } from '../../../../src/index.js';
import { serializeManifest } from '../../../../src/node/io/store/manifest-write.js';
import { tempDatasets } from './helpers.js';

const dataset = tempDatasets('tessera-column-encoder-');
const SPEC = { name: 'sum-and-count', options: { scale: 2 } };

/** A tiny tensor encoder: [scale · sum, length] of each input array. */
function sumEncoder(withSpec: boolean): Encoder {
  return {
    name: 'sum',
    dimensions: 2,
    modality: 'tensor',
    ...(withSpec ? { spec: SPEC } : {}),
    async encode(inputs) {
      return Float32Array.from(
        inputs.flatMap((x) => {
          const v = x as Float32Array;
          return [2 * v.reduce((a, b) => a + b, 0), v.length];
        }),
      );
    },
  };
}

function manifestEntry(root: string, column: string): Record<string, unknown> {
  const m = JSON.parse(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8'));
  return m.columns.find((c: { name: string }) => c.name === column);
}

describe('the encoder recorded with an embedding column', () => {
  const frame = new DataFrame({
    id: [1, 2, 3],
    x: [
      [1, 2],
      [3, 4],
      [5, 7],
    ],
  });

  it('goes from embed into the manifest and back onto the frame read, its views and renames', async () => {
    const root = dataset();
    const emb = await frame.embed('x', sumEncoder(true));
    expect(emb.toArray().map((v) => [...(v as Float32Array)])).toEqual([
      [6, 2],
      [14, 2],
      [24, 2],
    ]);
    const df = frame.withColumn('emb', emb);
    expect(columnEncoder(df, 'emb')).toEqual(SPEC);
    expect(columnEncoder(df, 'x')).toBeUndefined();
    await df.write(root);
    expect(manifestEntry(root, 'emb').encoder).toEqual(SPEC);
    expect(manifestEntry(root, 'x').encoder).toBeUndefined();
    const back = await read(root);
    expect(columnEncoder(back, 'emb')).toEqual(SPEC);
    expect(columnEncoder(back.sort('id', { descending: true }), 'emb')).toEqual(SPEC);
    expect(columnEncoder(back.rename({ emb: 'vectors' }), 'vectors')).toEqual(SPEC);
    // Written again from the frame read, and appended to: still recorded.
    const again = dataset();
    await back.write(again);
    expect(manifestEntry(again, 'emb').encoder).toEqual(SPEC);
    await append(again, back);
    expect(manifestEntry(again, 'emb').encoder).toEqual(SPEC);
    expect(columnEncoder(await read(again), 'emb')).toEqual(SPEC);
  });

  it('is not recorded for an encoder without a registered name', async () => {
    const root = dataset();
    const df = frame.withColumn('emb', await frame.embed('x', sumEncoder(false)));
    expect(columnEncoder(df, 'emb')).toBeUndefined();
    await df.write(root);
    expect('encoder' in manifestEntry(root, 'emb')).toBe(false);
  });

  it('is validated when a manifest is parsed', () => {
    const tensor = {
      name: 'emb',
      type: { kind: 'tensor', dtype: 'float32', shape: [2] },
      fragments: [
        {
          rows: 1,
          data: {
            path: 'data/1-0-emb-aa.npy',
            bytes: 128 + 8,
            headerBytes: 128,
            rowsPerBlock: 512,
            checksums: { path: 'data/1-0-emb-bb.crc', bytes: 8, crc32: 7 },
          },
          validity: null,
        },
      ],
    };
    const manifest = (encoder: unknown, column: object = tensor): Manifest =>
      ({
        format: 'tessera-dataset',
        formatVersion: 2,
        version: 1,
        parent: null,
        operation: 'write',
        createdAt: '2026-01-02T03:04:05.678Z',
        length: 1,
        primaryKey: null,
        columns: [{ ...column, encoder }],
      }) as unknown as Manifest;
    const good = manifest(SPEC);
    expect(parseManifest(serializeManifest(good), 'm')).toEqual(good);
    const scalar = {
      name: 'emb',
      type: { kind: 'scalar', dtype: 'int32' },
      fragments: [{ rows: 1, file: { path: 'data/1-0-emb-aa.arrow', bytes: 600, crc32: 1 } }],
    };
    for (const [bad, column] of [
      [{ name: 3, options: {} }, tensor],
      [{ name: '', options: {} }, tensor],
      [{ name: 'x' }, tensor],
      [{ name: 'x', options: [] }, tensor],
      [{ name: 'x', options: {}, module: '/tmp/evil.js' }, tensor],
      ['mobilenet-v2', tensor],
      [SPEC, scalar],
    ] as const)
      expect(() => parseManifest(serializeManifest(manifest(bad, column)), 'm'), JSON.stringify(bad)).toThrow(
        CorruptDataError,
      );
  });
});
