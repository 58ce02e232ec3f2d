/**
 * Tensor kernels for Node: ONNX Runtime (`onnxruntime-node`, CPU) for large inputs and the plain
 * TypeScript kernels for small ones, chosen per call. ONNX Runtime loads at the first call that
 * needs it, so importing `tessera` stays light.
 */
import { availableParallelism } from 'node:os';
import { SizeDispatchKernels, type SizeThresholds } from '../../core/tensor/dispatch-kernels.js';
import type { TensorKernels } from '../../core/tensor/kernels.js';
import { OrtKernels, type OrtKernelsOptions, type OrtModule } from '../../core/tensor/ort-kernels.js';
import { tsKernels } from '../../core/tensor/ts-kernels.js';

export { tsKernels };

/**
 * Where ONNX Runtime starts to beat the TypeScript kernels, measured on a 2-core x86-64 machine
 * (AVX2) with onnxruntime-node 1.30: one call into ONNX Runtime costs 0.05 to 0.1 ms, so products pay
 * off from about 50 × 50 × 50 multiply-adds (the two tie at 48³, ONNX Runtime is 6× faster at 96³),
 * top-k from about 8 thousand elements, and the memory-bound norms and reductions from about 64
 * thousand.
 */
export const DEFAULT_THRESHOLDS: SizeThresholds = {
  matmul: 1 << 17,
  topk: 1 << 13,
  rowNorms: 1 << 16,
  reduce: 1 << 16,
};

/** Options of {@link nodeKernels}. */
export interface NodeKernelsOptions extends OrtKernelsOptions {
  /** Sizes from which ONNX Runtime is used; default {@link DEFAULT_THRESHOLDS}. */
  thresholds?: Partial<SizeThresholds>;
}

/**
 * The ONNX Runtime kernels alone, on the CPU, with one thread per available core unless told
 * otherwise.
 */
export function ortNodeKernels(options: OrtKernelsOptions = {}): OrtKernels {
  return new OrtKernels(loadOnnxRuntime, { intraOpNumThreads: availableParallelism(), ...options });
}

let onnxRuntime: Promise<OrtModule> | undefined;

/** `onnxruntime-node`, imported once, at first use. */
function loadOnnxRuntime(): Promise<OrtModule> {
  onnxRuntime ??= import('onnxruntime-node');
  return onnxRuntime;
}

let shared: TensorKernels | undefined;

/**
 * The kernels to use in Node: each call runs on the TypeScript kernels or on ONNX Runtime by its
 * size. Without options this returns one shared instance, so its ONNX Runtime sessions are created
 * once per process.
 */
export function nodeKernels(options?: NodeKernelsOptions): TensorKernels {
  if (options === undefined) {
    shared ??= nodeKernels({});
    return shared;
  }
  const { thresholds, ...ortOptions } = options;
  return new SizeDispatchKernels(tsKernels, ortNodeKernels(ortOptions), {
    ...DEFAULT_THRESHOLDS,
    ...thresholds,
  });
}
