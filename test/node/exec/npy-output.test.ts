import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CorruptDataError,
  DataFrame,
  InvalidArgumentError,
  type TensorColumn,
  TypeMismatchError,
} from '../../../src/core/index.js';
import { MappedTensorColumn } from '../../../src/node/io/store/mapped-tensor.js';
import '../../../src/node/exec/index.js';
import { needs, PYTHON } from '../../helpers/references.js';
import { ProjectionEncoder } from './fixtures/encoders.js';

const numpy = needs('numpy');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-npy-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** numpy's view of an .npy file: dtype, shape and values (as float64 lists). */
function numpyLoad(file: string): { dtype: string; shape: number[]; values: number[] } {
  const script =
    'import json, sys, numpy as np; a = np.load(sys.argv[1]); ' +
    'print(json.dumps({"dtype": str(a.dtype), "shape": list(a.shape), "values": a.astype("float64").ravel().tolist()}))';
  return JSON.parse(execFileSync(PYTHON, ['-c', script, file], { encoding: 'utf8' }));
}

const frame = (n: number) =>
  new DataFrame({
    id: Int32Array.from({ length: n }, (_, i) => i),
    x: Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 10),
  });

const vec = (r: Record<string, unknown>) => {
  const x = r.x as number;
  return Float32Array.of(x, x * 2, -x);
};

describe('output: { path } streams a tensor output to an .npy file', () => {
  numpy.it('equals the in-memory result, is a mapped column, and numpy loads it', async () => {
    const df = frame(3000);
    const file = path.join(dir, 'vec.npy');
    const memory = await df.map(vec, { batchSize: 257, outputs: 'v' });
    const streamed = await df.map(vec, { batchSize: 257, outputs: 'v', output: { path: file } });
    const col = streamed.column('v');
    expect(col).toBeInstanceOf(MappedTensorColumn);
    expect(col.type).toEqual(memory.column('v').type);
    const expected = (memory.column('v') as TensorColumn).data;
    expect((col as MappedTensorColumn).load().data).toEqual(expected);
    expect(Array.from(col.get(1234) as Float32Array)).toEqual(
      Array.from(memory.column('v').get(1234) as Float32Array),
    );
    const np = numpyLoad(file);
    expect(np.dtype).toBe('float32');
    expect(np.shape).toEqual([3000, 3]);
    expect(np.values).toEqual(Array.from(expected as Float32Array));
  });

  numpy.it('writes numbers as rows of shape [] and keeps null rows (validity beside the file)', async () => {
    const df = frame(100);
    const file = path.join(dir, 'scores.npy');
    const out = await df.map(
      (b: DataFrame) => Float64Array.from(b.column('x').toArray() as number[], (x) => x / 2),
      { batched: true, batchSize: 30, output: { path: file } },
    );
    expect(out.column('output').type).toEqual({ kind: 'tensor', dtype: 'float64', shape: [] });
    const np = numpyLoad(file);
    expect(np.shape).toEqual([100]);
    expect(np.values).toEqual((df.column('x').toArray() as number[]).map((x) => x / 2));

    const withNulls = path.join(dir, 'nulls.npy');
    const fnWithNulls = (r: Record<string, unknown>) => ((r.id as number) % 7 === 0 ? null : vec(r));
    const memory = await df.map(fnWithNulls, { batchSize: 9 });
    const streamed = await df.map(fnWithNulls, { batchSize: 9, output: { path: withNulls } });
    expect(fs.existsSync(`${withNulls}.validity`)).toBe(true);
    const col = streamed.column('output');
    expect(col.nullCount).toBe(memory.column('output').nullCount);
    for (let i = 0; i < 100; i++)
      expect(col.get(i) === null ? null : Array.from(col.get(i) as Float32Array)).toEqual(
        memory.column('output').get(i) === null
          ? null
          : Array.from(memory.column('output').get(i) as Float32Array),
      );
  });

  numpy.it('embeds straight to disk', async () => {
    const df = new DataFrame({
      v: Array.from({ length: 90 }, (_, i) => Float32Array.of(i, Math.cos(i), 1)),
    });
    const encoder = new ProjectionEncoder(3, 8, 7);
    const file = path.join(dir, 'emb.npy');
    const col = (await df.embed('v', encoder, {
      batchSize: 16,
      output: { path: file },
    })) as MappedTensorColumn;
    const direct = await encoder.encode(df.column('v').toArray());
    expect(col.load().data).toEqual(direct);
    expect(numpyLoad(file).shape).toEqual([90, 8]);
  });

  numpy.it(
    'refuses to replace a file unless asked, and leaves nothing behind when the run fails',
    async () => {
      const df = frame(40);
      const file = path.join(dir, 'once.npy');
      await df.map(vec, { output: { path: file } });
      await expect(df.map(vec, { output: { path: file } })).rejects.toThrow(InvalidArgumentError);
      const replaced = await df.map((r) => Float32Array.of(r.id as number), {
        output: { path: file, overwrite: true },
      });
      expect(numpyLoad(file).shape).toEqual([40, 1]);
      expect(replaced.column('output').get(39)).toEqual(Float32Array.of(39));

      const failing = path.join(dir, 'failing.npy');
      const before = fs.readdirSync(dir).length;
      await expect(
        df.map((r) => ((r.id as number) < 30 ? vec(r) : Float32Array.of(1)), {
          batchSize: 10,
          output: { path: failing },
        }),
      ).rejects.toThrow(TypeMismatchError);
      await expect(
        df.map(
          (r) => {
            if ((r.id as number) === 25) throw new Error('boom');
            return vec(r);
          },
          { batchSize: 10, retries: 0, output: { path: failing } },
        ),
      ).rejects.toThrow(/rows \[20, 30\)/);
      expect(fs.readdirSync(dir).length).toBe(before);
    },
  );

  it('checks every block it reads: a changed byte in the file is found', async () => {
    const file = path.join(dir, 'corrupt.npy');
    const out = await frame(2000).map(vec, { batchSize: 100, output: { path: file } });
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 5] ^= 0xff;
    fs.writeFileSync(file, bytes);
    expect(() => (out.column('output') as MappedTensorColumn).load()).toThrow(CorruptDataError);
    // Rows in untouched blocks still read.
    expect(Array.from(out.column('output').get(3) as Float32Array)).toEqual(
      Array.from(vec({ x: Math.sin(3) * 10 })),
    );
  });
});
