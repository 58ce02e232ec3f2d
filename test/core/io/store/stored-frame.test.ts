/**
 * The core's dataset reader over bytes (src/core/io/store: what the in-tab app reads a dataset
 * folder with), on datasets the Node store wrote. The source data is made and read back by Python
 * (pandas for the table, numpy for the embeddings, json for the objects): the core reader's values
 * must be Python's. Damaged and missing files are CorruptDataErrors naming the file.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TensorColumn } from '../../../../src/core/column/tensor.js';
import type { ByteSource } from '../../../../src/core/io/store/byte-source.js';
import { parseManifest } from '../../../../src/core/io/store/manifest-parse.js';
import { parseNpyHeader } from '../../../../src/core/io/store/npy.js';
import { storedFrame } from '../../../../src/core/io/store/stored-frame.js';
import {
  append,
  CorruptDataError,
  DataFrame,
  FunctionNotRegisteredError,
  ObjectColumn,
  readCsv,
  registeredColumn,
  registerFunction,
  unregisterFunction,
  write,
} from '../../../../src/index.js';
import { needs, PYTHON } from '../../../helpers/references.js';
import { tempDatasets } from '../../../node/io/store/helpers.js';

const dataset = tempDatasets('tessera-core-store-');
const pandas = needs('pandas', 'numpy');

/**
 * Writes the source files (CSV by pandas, .npy by numpy, JSON lines by json) and prints the values
 * Python reads back from them.
 */
const MAKE = `
import json, sys, os
import numpy as np, pandas as pd
out, n = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(7)
names = [None if i % 7 == 3 else 'name-%d-%s' % (i, 'éü'[i % 2]) for i in range(n)]
pd.DataFrame({'id': np.arange(n, dtype=np.int64) * 3 - 50,
              'score': rng.normal(size=n).round(6),
              'name': names}).to_csv(os.path.join(out, 'table.csv'), index=False)
np.save(os.path.join(out, 'emb.npy'), rng.normal(size=(n, 8)).astype(np.float32))
with open(os.path.join(out, 'objs.jsonl'), 'w') as f:
    for i in range(n):
        f.write(json.dumps({'box': [i, i + 1.5], 'tags': ['t%d' % (i % 3)]}) + '\\n')
t = pd.read_csv(os.path.join(out, 'table.csv'))
e = np.load(os.path.join(out, 'emb.npy'))
objs = [json.loads(l) for l in open(os.path.join(out, 'objs.jsonl'))]
print(json.dumps({'id': t['id'].tolist(), 'score': t['score'].tolist(),
                  'name': [None if isinstance(v, float) else v for v in t['name']],
                  'emb': [[float(x) for x in r] for r in e], 'objs': objs}))
`;

interface Reference {
  id: number[];
  score: number[];
  name: (string | null)[];
  emb: number[][];
  objs: unknown[];
}

/** A dataset directory's files as a byte source (a naive one: every file read whole with node:fs). */
function directorySource(root: string): ByteSource {
  return {
    name: (p) => `ds/${p}`,
    size: (p) => (fs.existsSync(path.join(root, p)) ? fs.statSync(path.join(root, p)).size : null),
    read(p, size, from = 0, to = size) {
      const file = path.join(root, p);
      if (!fs.existsSync(file)) throw new CorruptDataError(`ds/${p}`, 'the file is missing');
      const bytes = new Uint8Array(fs.readFileSync(file));
      if (bytes.length !== size) throw new CorruptDataError(`ds/${p}`, `the file has ${bytes.length} bytes`);
      return bytes.slice(from, to);
    },
  };
}

function openOverBytes(root: string) {
  const manifest = parseManifest(
    fs.readFileSync(path.join(root, 'manifest.json'), 'utf8'),
    'ds/manifest.json',
  );
  return storedFrame(manifest, directorySource(root), { datasetRoot: 'ds', env: {} });
}

/** Python's source files imported with Tessera and written as a dataset of two versions' fragments. */
async function writeFromPython(n: number): Promise<{ root: string; ref: Reference }> {
  const dir = dataset('src');
  fs.mkdirSync(dir, { recursive: true });
  const made = spawnSync(PYTHON, ['-c', MAKE, dir, String(n)], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(made.stderr);
  const ref = JSON.parse(made.stdout) as Reference;
  const table = await readCsv(path.join(dir, 'table.csv'));
  const npy = new Uint8Array(fs.readFileSync(path.join(dir, 'emb.npy')));
  const header = parseNpyHeader(npy)!;
  const emb = new TensorColumn(
    new Float32Array(npy.slice(header.headerBytes).buffer),
    header.shape.slice(1),
    header.shape[0],
  );
  const objs = new ObjectColumn(
    fs
      .readFileSync(path.join(dir, 'objs.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l)),
  );
  const frame = table.withColumns({ emb, objs });
  const root = dataset();
  // Two versions: the second appends rows, so every column has two fragments.
  const cut = Math.floor(n * 0.7);
  await write(frame.slice(0, cut), root);
  await append(root, frame.slice(cut, n));
  return { root, ref };
}

describe('reading a stored dataset over bytes (src/core/io/store)', () => {
  pandas.it("gives pandas', numpy's and json's values of the source data", async () => {
    const n = 300;
    const { root, ref } = await writeFromPython(n);
    const frame = openOverBytes(root);
    expect(frame.length).toBe(n);
    expect(frame.columnNames).toEqual(['id', 'score', 'name', 'emb', 'objs']);
    const ids = frame.column('id');
    expect(Array.from({ length: n }, (_, i) => Number(ids.get(i)))).toEqual(ref.id);
    expect(frame.column('score').toArray()).toEqual(ref.score);
    expect(frame.column('name').toArray()).toEqual(ref.name);
    expect(frame.column('name').nullCount).toBe(ref.name.filter((v) => v === null).length);
    const emb = frame.column('emb') as TensorColumn;
    expect(emb.shape).toEqual([8]);
    for (let i = 0; i < n; i++) expect(Array.from(emb.get(i) as Float32Array)).toEqual(ref.emb[i]);
    expect(frame.column('objs').toArray()).toEqual(ref.objs);
  });

  pandas.it('names the file when a byte of a data file is flipped, or the file is missing', async () => {
    const { root } = await writeFromPython(40);
    const manifest = parseManifest(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8'), 'm');
    const files = manifest.columns.flatMap((c) =>
      'fragments' in c
        ? c.fragments.flatMap((f) =>
            'file' in f
              ? [
                  { column: c.name, path: f.file.path },
                  ...(f.blocks ? [{ column: c.name, path: f.blocks.file.path }] : []),
                ]
              : [
                  { column: c.name, path: f.data.path },
                  { column: c.name, path: f.data.checksums.path },
                ],
          )
        : [],
    );
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const { column, path: p } of files) {
      const file = path.join(root, p);
      const good = fs.readFileSync(file);
      const bad = Buffer.from(good);
      bad[Math.floor(bad.length / 2)] ^= 0x10;
      fs.writeFileSync(file, bad);
      const error = (() => {
        try {
          openOverBytes(root).column(column);
          return null;
        } catch (e) {
          return e;
        }
      })();
      expect(error, `${column}: ${p}`).toBeInstanceOf(CorruptDataError);
      expect((error as CorruptDataError).file).toBe(`ds/${p}`);
      fs.writeFileSync(file, good);
    }
    const [first] = files;
    fs.renameSync(path.join(root, first.path), path.join(root, `${first.path}.gone`));
    expect(() => openOverBytes(root).column(first.column)).toThrow(
      expect.objectContaining({ name: 'CorruptDataError', file: `ds/${first.path}` }),
    );
  });

  it('lists a deferred column whose function is not registered, which fails typed when computed', async () => {
    registerFunction('core-store-test-double', () => (x: unknown) => (x as number) * 2);
    const base = new DataFrame({ x: Int32Array.from([1, 2, 3]) });
    const root = dataset();
    await write(base.withColumn('y', registeredColumn('core-store-test-double', [base.column('x')])), root);
    unregisterFunction('core-store-test-double');
    const frame = openOverBytes(root);
    expect(frame.schema.map((f) => [f.name, f.type.kind])).toEqual([
      ['x', 'scalar'],
      ['y', 'deferred'],
    ]);
    expect(frame.column('x').toArray()).toEqual([1, 2, 3]);
    expect(() => frame.column('y')).toThrow(FunctionNotRegisteredError);
  });

  it('refuses a manifest whose checksum does not match', () => {
    expect(() =>
      parseManifest('{"format":"tessera-dataset","formatVersion":2,"checksum":"crc32:0"}', 'm'),
    ).toThrow(CorruptDataError);
  });
});
