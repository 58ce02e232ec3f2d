/**
 * `tessera/models`: encoders over local models, one file per runtime: ONNX Runtime, transformers.js,
 * TensorFlow.js (wasm), and the built-in MobileNetV2 image encoder. A subpath of its own because its
 * declarations reference TensorFlow.js types. Each runtime (and sharp) is imported on first use, and
 * each encoder is built from plain options (`create…Encoder(options)`), so an executor can build
 * the same encoder inside a worker thread from a module path, an export name and the options.
 */

/** The error every encoder raises for a model it cannot load or run (also exported by `tessera`). */
export { ModelError } from '../../core/errors.js';
export {
  type EncoderFactory,
  encoderFromSpec,
  registerEncoder,
  registeredEncoders,
} from './encoder-registry.js';
export type { ImageInput, ImagePreprocessing } from './image-input.js';
export {
  createMobileNetV2Encoder,
  MOBILENET_V2_LAYERS,
  MOBILENET_V2_NAME,
  type MobileNetV2Layer,
  type MobileNetV2Options,
  mobileNetV2Encoder,
} from './mobilenet.js';
export { createOnnxEncoder, OnnxEncoder, type OnnxEncoderOptions } from './onnx.js';
export { l2NormalizeRows, type Pooling, poolTokens } from './pooling.js';
export { type TfBatch, type TfDatasetOptions, toTfDataset } from './tf-data.js';
export { createTfjsEncoder, TfjsEncoder, type TfjsEncoderOptions } from './tfjs.js';
export {
  createTransformersEncoder,
  TransformersEncoder,
  type TransformersEncoderOptions,
} from './transformers.js';
