/** Dense kernels: one interface, a plain TypeScript implementation and an ONNX Runtime one. */
export { SizeDispatchKernels, type SizeThresholds } from './dispatch-kernels.js';
export {
  canRunGraphs,
  type FloatArray,
  type FloatDType,
  type GraphKernels,
  type GraphTensor,
  type MatmulOptions,
  type Reduction,
  type TensorKernels,
  type TopKOptions,
  type TopKResult,
} from './kernels.js';
export {
  attr,
  type EncodeModelOptions,
  encodeModel,
  type OnnxAttribute,
  type OnnxDataType,
  type OnnxDim,
  type OnnxGraph,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './onnx-builder.js';
export { OrtKernels, type OrtKernelsOptions, type OrtModule, type OrtModuleSource } from './ort-kernels.js';
export { TsKernels, tsKernels } from './ts-kernels.js';
