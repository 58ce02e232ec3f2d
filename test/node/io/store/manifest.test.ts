/**
 * The manifest's two mirrored halves: manifest-write.ts serialises, manifest-read.ts parses and
 * validates. The on-disk text is checked against Python's json and zlib (an independent writer of
 * the same format), and parsing is checked to give back exactly what was serialised.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CorruptDataError } from '../../../../src/core/errors.js';
import type { Manifest } from '../../../../src/core/io/store/manifest.js';
import { parseManifest } from '../../../../src/core/io/store/manifest-parse.js';
import { serializeManifest } from '../../../../src/node/io/store/manifest-write.js';

const PYTHON = ['/usr/bin/python3', 'python3'].find(
  (py) => spawnSync(py, ['-c', 'import json, zlib'], { stdio: 'ignore' }).status === 0,
);
if (PYTHON === undefined)
  console.warn('manifest.test.ts: (SKIPPED the Python check: python3 is not installed)');

const manifest: Manifest = {
  format: 'tessera-dataset',
  formatVersion: 1,
  version: 2,
  parent: 1,
  operation: 'index',
  createdAt: '2026-01-02T03:04:05.678Z',
  length: 3,
  primaryKey: 'id',
  columns: [
    {
      name: 'id',
      type: { kind: 'scalar', dtype: 'int32' },
      fragments: [{ rows: 3, file: { path: 'data/1-0-id-aa.arrow', bytes: 600, crc32: 4294967295 } }],
    },
    {
      name: 'emb',
      type: { kind: 'tensor', dtype: 'float32', shape: [2] },
      fragments: [
        {
          rows: 3,
          data: {
            path: 'data/1-1-emb-bb.npy',
            bytes: 128 + 3 * 8,
            headerBytes: 128,
            rowsPerBlock: 512,
            checksums: { path: 'data/1-1-emb-cc.crc', bytes: 8, crc32: 7 },
          },
          validity: null,
        },
      ],
    },
    {
      name: 'twice',
      type: { kind: 'deferred' },
      deferred: { function: 'double', params: { factor: 2, note: 'é' }, inputs: ['id'], batched: true },
    },
  ],
  indexes: {
    emb: {
      kind: 'simhash',
      rows: 3,
      version: 1,
      file: { path: 'data/2-1-emb-dd.lsh', bytes: 99, crc32: 12 },
    },
  },
};

describe('manifest text', () => {
  it('parses back to exactly what was serialised', () => {
    expect(parseManifest(serializeManifest(manifest), 'manifest.json')).toEqual(manifest);
  });

  it.skipIf(PYTHON === undefined)(
    'is what Python writes: JSON indented by one, with the CRC-32 of the compact JSON as checksum',
    () => {
      const script = `
import json, sys, zlib
m = json.loads(sys.stdin.read())
compact = json.dumps(m, separators=(',', ':'), ensure_ascii=False).encode('utf-8')
m['checksum'] = 'crc32:%08x' % zlib.crc32(compact)
sys.stdout.write(json.dumps(m, indent=1, separators=(',', ': '), ensure_ascii=False) + '\\n')
`;
      const python = spawnSync(PYTHON!, ['-c', script], {
        input: JSON.stringify(manifest),
        encoding: 'utf8',
      });
      expect(python.status, python.stderr).toBe(0);
      expect(serializeManifest(manifest)).toBe(python.stdout);
    },
  );

  it('a changed value, a wrong checksum or a missing field is CorruptDataError', () => {
    const text = serializeManifest(manifest);
    expect(() => parseManifest(text.replace('"length": 3', '"length": 4'), 'm')).toThrow(/checksum mismatch/);
    const { checksum: _c, ...plain } = JSON.parse(text);
    const withoutLength = serializeManifest({ ...plain, length: undefined });
    expect(() => parseManifest(withoutLength, 'm')).toThrow(CorruptDataError);
    const shortColumn = serializeManifest({ ...plain, length: 4 });
    expect(() => parseManifest(shortColumn, 'm')).toThrow(
      /has 3 rows in its fragments, but the dataset has 4/,
    );
  });
});
