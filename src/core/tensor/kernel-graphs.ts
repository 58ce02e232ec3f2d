/**
 * The ONNX graphs behind each kernel of `OrtKernels`. Every dimension is symbolic, so one model (and
 * one inference session) serves every size; only the operation, its options and the element type
 * are fixed in a graph.
 */
import type { FloatDType, Reduction } from './kernels.js';
import { attr, type OnnxGraph } from './onnx-builder.js';

/** ONNX `TensorProto.DataType` code of int32, the target of the `Cast` after `TopK`. */
const INT32 = 6;

/** `c = a · b` (MatMul) or `c = a · bᵀ` (Gemm with transB, which reads b transposed in place). */
export function matmulGraph(dtype: FloatDType, transposeB: boolean): OnnxGraph {
  return {
    name: `matmul_${dtype}${transposeB ? '_tb' : ''}`,
    nodes: [
      transposeB
        ? { op: 'Gemm', inputs: ['a', 'b'], outputs: ['c'], attributes: [attr.int('transB', 1)] }
        : { op: 'MatMul', inputs: ['a', 'b'], outputs: ['c'] },
    ],
    inputs: [
      { name: 'a', type: dtype, shape: ['m', 'k'] },
      { name: 'b', type: dtype, shape: transposeB ? ['n', 'k'] : ['k', 'n'] },
    ],
    outputs: [{ name: 'c', type: dtype, shape: ['m', 'n'] }],
  };
}

/**
 * `c[s] = a[s] · b[s]` for every batch entry s (MatMul broadcasts over the leading axis). For bᵀ a
 * Transpose of the last two axes comes first; ONNX Runtime's optimiser folds it into the product.
 */
export function batchedMatmulGraph(dtype: FloatDType, transposeB: boolean): OnnxGraph {
  return {
    name: `batched_matmul_${dtype}${transposeB ? '_tb' : ''}`,
    nodes: transposeB
      ? [
          { op: 'Transpose', inputs: ['b'], outputs: ['bt'], attributes: [attr.ints('perm', [0, 2, 1])] },
          { op: 'MatMul', inputs: ['a', 'bt'], outputs: ['c'] },
        ]
      : [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['c'] }],
    inputs: [
      { name: 'a', type: dtype, shape: ['batch', 'm', 'k'] },
      { name: 'b', type: dtype, shape: transposeB ? ['batch', 'n', 'k'] : ['batch', 'k', 'n'] },
    ],
    outputs: [{ name: 'c', type: dtype, shape: ['batch', 'm', 'n'] }],
  };
}

/**
 * Top-k along the last axis, sorted best first; `k` is an input (int64, shape [1]) so one session
 * serves every k. ONNX specifies ties as lower index first, the same rule as the TypeScript kernel.
 * Indices are cast to int32 in the graph, which saves a BigInt64Array conversion in JavaScript.
 */
export function topkGraph(dtype: FloatDType, largest: boolean): OnnxGraph {
  return {
    name: `topk_${dtype}_${largest ? 'largest' : 'smallest'}`,
    nodes: [
      {
        op: 'TopK',
        inputs: ['x', 'k'],
        outputs: ['values', 'indices64'],
        attributes: [attr.int('axis', -1), attr.int('largest', largest ? 1 : 0), attr.int('sorted', 1)],
      },
      { op: 'Cast', inputs: ['indices64'], outputs: ['indices'], attributes: [attr.int('to', INT32)] },
    ],
    inputs: [
      { name: 'x', type: dtype, shape: ['rows', 'cols'] },
      { name: 'k', type: 'int64', shape: [1] },
    ],
    outputs: [
      { name: 'values', type: dtype, shape: ['rows', 'topk'] },
      { name: 'indices', type: 'int32', shape: ['rows', 'topk'] },
    ],
  };
}

const REDUCE_OP: Record<Reduction | 'l2', string> = {
  sum: 'ReduceSum',
  mean: 'ReduceMean',
  max: 'ReduceMax',
  min: 'ReduceMin',
  l2: 'ReduceL2',
};

/**
 * A reduction of a 2-d array along one axis, without kept dimensions (opset 18 takes the axes as an
 * input; here a constant). `l2` along axis 1 gives the row norms.
 */
export function reduceGraph(dtype: FloatDType, op: Reduction | 'l2', axis: 0 | 1): OnnxGraph {
  return {
    name: `reduce_${op}_${axis}_${dtype}`,
    nodes: [
      {
        op: REDUCE_OP[op],
        inputs: ['x', 'axes'],
        outputs: ['y'],
        attributes: [attr.int('keepdims', 0)],
      },
    ],
    initializers: [{ name: 'axes', type: 'int64', dims: [1], data: [axis] }],
    inputs: [{ name: 'x', type: dtype, shape: ['rows', 'cols'] }],
    outputs: [{ name: 'y', type: dtype, shape: [axis === 1 ? 'rows' : 'cols'] }],
  };
}
