import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../../src/core/errors.js';
import { attr, encodeModel, type OnnxGraph } from '../../../src/core/tensor/index.js';

// ONNX Runtime is the reference here: it must load what the builder writes and compute what the
// graph says. The graphs use every kind of field the builder writes.

describe('encodeModel', () => {
  it('writes initializers, float, int (negative too), ints, string and tensor attributes', async () => {
    const graph: OnnxGraph = {
      name: 'every_field',
      nodes: [
        {
          op: 'Gemm',
          inputs: ['x', 'w', 'bias'],
          outputs: ['y'],
          attributes: [attr.float('alpha', 0.5), attr.float('beta', 2)],
        },
        { op: 'Transpose', inputs: ['y'], outputs: ['yt'], attributes: [attr.ints('perm', [1, 0])] },
        {
          op: 'Constant',
          inputs: [],
          outputs: ['c32'],
          attributes: [attr.tensor('value', { type: 'int32', dims: [2], data: Int32Array.of(10, -20) })],
        },
        { op: 'Cast', inputs: ['c32'], outputs: ['cf'], attributes: [attr.int('to', 1)] },
        { op: 'Add', inputs: ['yt', 'cf'], outputs: ['sum'] },
        { op: 'ReduceSum', inputs: ['sum', 'last'], outputs: ['rs'], attributes: [attr.int('keepdims', 1)] },
        {
          op: 'Pad',
          inputs: ['rs', 'pads'],
          outputs: ['out'],
          attributes: [attr.string('mode', 'constant')],
        },
      ],
      initializers: [
        { name: 'w', type: 'float32', dims: [3, 2], data: Float32Array.of(1, 2, 3, 4, 5, 6) },
        { name: 'bias', type: 'float32', dims: [2], data: [0.5, -1] },
        { name: 'last', type: 'int64', dims: [1], data: BigInt64Array.of(-1n) },
        { name: 'pads', type: 'int64', dims: [4], data: [0, 0, 0, 1] },
      ],
      inputs: [{ name: 'x', type: 'float32', shape: [2, 3] }],
      outputs: [
        { name: 'yt', type: 'float32', shape: ['cols', 'rows'] },
        { name: 'out', type: 'float32' },
      ],
    };
    const session = await ort.InferenceSession.create(encodeModel(graph));
    const x = Float32Array.of(1, 0, -1, 2, 1, 0);
    const result = await session.run({ x: new ort.Tensor('float32', x, [2, 3]) });
    // x·w = [[-4, -4], [5, 8]]; y = 0.5 · x·w + 2 · bias = [[-1, -4], [3.5, 2]]; yt = yᵀ.
    expect(Array.from(result.yt.data as Float32Array)).toEqual([-1, 3.5, -4, 2]);
    // yt + [10, -20] per row, summed along the last axis (kept), padded with one 0 column.
    expect(result.out.dims).toEqual([2, 2]);
    expect(Array.from(result.out.data as Float32Array)).toEqual([-1 + 10 + 3.5 - 20, 0, -4 + 10 + 2 - 20, 0]);
    await session.release();
  });

  it('writes float64 tensors, multi-byte dimensions and symbolic shapes', async () => {
    const session = await ort.InferenceSession.create(
      encodeModel({
        name: 'double_add',
        nodes: [{ op: 'Add', inputs: ['x', 'quarter'], outputs: ['y'] }],
        initializers: [{ name: 'quarter', type: 'float64', dims: [], data: [0.25] }],
        inputs: [{ name: 'x', type: 'float64', shape: ['batch', 300] }],
        outputs: [{ name: 'y', type: 'float64', shape: ['batch', 300] }],
      }),
    );
    expect(session.inputMetadata[0]).toMatchObject({ shape: ['batch', 300] });
    const x = new Float64Array(600).map((_, i) => i / 3);
    const { y } = await session.run({ x: new ort.Tensor('float64', x, [2, 300]) });
    expect(y.data).toEqual(x.map((v) => v + 0.25));
    await session.release();
  });

  it('rejects a constant whose data does not match its dims', () => {
    const graph: OnnxGraph = {
      name: 'bad',
      nodes: [],
      initializers: [{ name: 'w', type: 'float32', dims: [2, 2], data: [1, 2, 3] }],
      inputs: [],
      outputs: [],
    };
    expect(() => encodeModel(graph)).toThrow(ShapeError);
  });
});
