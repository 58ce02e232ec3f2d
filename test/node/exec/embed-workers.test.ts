import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AbortedError,
  DataFrame,
  type EncoderRef,
  LengthMismatchError,
  type TensorColumn,
  TypeMismatchError,
  UnsupportedError,
} from '../../../src/core/index.js';
import { WorkerPoolExecutor } from '../../../src/node/exec/index.js';
import type { MappedTensorColumn } from '../../../src/node/io/store/mapped-tensor.js';
import { needs, PYTHON } from '../../helpers/references.js';
import { ProjectionEncoder } from './fixtures/encoders.js';

const numpy = needs('numpy');

const ENCODERS = new URL('./fixtures/encoders.ts', import.meta.url);
const pool = new WorkerPoolExecutor({ size: 2 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-embed-'));
afterAll(async () => {
  await pool.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const df = new DataFrame({
  id: Int32Array.from({ length: 75 }, (_, i) => i),
  v: Array.from({ length: 75 }, (_, i) => Float32Array.of(Math.sin(i), Math.cos(i), i / 75, 1)),
});

describe('embed', () => {
  it('gives what encode gives on the same rows: inline, from a ref inline, and on workers', async () => {
    const encoder = new ProjectionEncoder(4, 6, 42);
    // Reference: the model called directly, batch by batch.
    const direct = new Float32Array(75 * 6);
    for (let s = 0; s < 75; s += 10)
      direct.set(
        await encoder.encode(
          df
            .column('v')
            .toArray()
            .slice(s, s + 10),
        ),
        s * 6,
      );

    const inline = (await df.embed('v', encoder, { batchSize: 10 })) as TensorColumn;
    expect(inline.type).toEqual({ kind: 'tensor', dtype: 'float32', shape: [6] });
    expect(inline.data).toEqual(direct);

    const byClass: EncoderRef = { module: ENCODERS, export: 'ProjectionEncoder', args: [4, 6, 42] };
    const byFactory: EncoderRef = { module: ENCODERS, export: 'makeProjection', args: [4, 6, 42] };
    expect(((await df.embed('v', byClass, { batchSize: 10 })) as TensorColumn).data).toEqual(direct);
    for (const ref of [byClass, byFactory]) {
      const workers = (await df.embed('v', ref, { batchSize: 10, executor: pool })) as TensorColumn;
      expect(workers.type).toEqual(inline.type);
      expect(workers.data).toEqual(direct);
    }
  });

  numpy.it('streams vectors from workers to an .npy file that numpy loads', async () => {
    const file = path.join(dir, 'vectors.npy');
    const ref: EncoderRef = { module: ENCODERS, export: 'ProjectionEncoder', args: [4, 3, 1] };
    const col = (await df.embed('v', ref, {
      batchSize: 8,
      executor: pool,
      output: { path: file },
    })) as MappedTensorColumn;
    const direct = await new ProjectionEncoder(4, 3, 1).encode(df.column('v').toArray());
    expect(col.load().data).toEqual(direct);
    const loaded = JSON.parse(
      execFileSync(
        PYTHON,
        [
          '-c',
          'import json, sys, numpy as np; a = np.load(sys.argv[1]); print(json.dumps([list(a.shape), a.ravel().tolist()]))',
          file,
        ],
        { encoding: 'utf8' },
      ),
    ) as [number[], number[]];
    expect(loaded[0]).toEqual([75, 3]);
    expect(loaded[1]).toEqual(Array.from(direct));
  });

  it('fails runs in progress when the pool closes, and works again afterwards', async () => {
    const slow = { module: new URL('./fixtures/fns.ts', import.meta.url), export: 'slow' };
    const ids = new DataFrame({ id: Int32Array.from({ length: 100 }, (_, i) => i) });
    const run = ids.map(slow, { batched: true, batchSize: 5, executor: pool });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await pool.close();
    await expect(run).rejects.toThrow(AbortedError);
    expect(pool.threads).toBe(0);
    const again = (await df.embed(
      'v',
      { module: ENCODERS, export: 'ProjectionEncoder', args: [4, 2, 3] },
      {
        executor: pool,
      },
    )) as TensorColumn;
    expect(again.data).toEqual(await new ProjectionEncoder(4, 2, 3).encode(df.column('v').toArray()));
  });

  it('checks what the encoder returns, and asks for a ref on workers', async () => {
    const short = {
      name: 'short',
      dimensions: 6,
      modality: 'tensor' as const,
      encode: async (inputs: readonly unknown[]) => new Float32Array(inputs.length * 6 - 1),
    };
    await expect(df.embed('v', short)).rejects.toThrow(LengthMismatchError);
    const notFloats = { ...short, encode: async () => [1, 2, 3] as unknown as Float32Array };
    await expect(df.embed('v', notFloats)).rejects.toThrow(TypeMismatchError);
    await expect(df.embed('v', new ProjectionEncoder(4, 6, 1), { executor: pool })).rejects.toThrow(
      UnsupportedError,
    );
  });
});
