/**
 * The built-in image encoder: the pretrained MobileNetV2 that the `nsfwjs` package ships on npm,
 * cut before its classifier head. No download: the weights are inside the package.
 *
 * The network (loaded and converted to ONNX in src/core/models/mobilenet-v2-onnx.ts, shared with the
 * browser tab's encoder) is a Keras MobileNetV2 (ImageNet backbone,
 * width 1.0) followed by `average_pooling2d_1` (7 × 7, i.e. global average pooling), `flatten_1`,
 * dense 256 → dense 128 → dense 5 softmax, fine-tuned on 5 classes (drawing, hentai, neutral, porn,
 * sexy); it takes 224 × 224 RGB scaled to 0..1.
 */
import { InvalidArgumentError, ModelError } from '../../core/errors.js';
import type { Encoder } from '../../core/models/encoder.js';
import {
  MOBILENET_V2_IMAGE,
  MOBILENET_V2_LAYERS,
  MOBILENET_V2_NAME,
  type MobileNetV2Layer,
  mobileNetV2Onnx,
  nsfwjsMobileNetV2Artifacts,
} from '../../core/models/mobilenet-v2-onnx.js';
import { createOnnxEncoder } from './onnx.js';
import { TfjsEncoder } from './tfjs.js';

// The network, its layers and its pixels are defined once, in the core, for Node and the browser tab.
export {
  MOBILENET_V2_LAYERS,
  MOBILENET_V2_NAME,
  type MobileNetV2Layer,
  mobileNetV2Onnx,
  nsfwjsMobileNetV2Artifacts,
};

/** Plain, serialisable options of {@link mobileNetV2Encoder}. */
export interface MobileNetV2Options {
  /** Where to cut; default 'flatten_1' (1280-d pooled features). */
  layer?: MobileNetV2Layer;
  /** Scale every vector to unit length (for cosine search); default false. */
  normalize?: boolean;
  /** Directory that relative image paths resolve against. */
  baseDir?: string;
  /** Images run through the network at once; default 16. */
  batchSize?: number;
  /**
   * Which runtime runs the network: 'onnx' (default: converted to an ONNX graph in memory and run by
   * ONNX Runtime on every core) or 'tfjs' (TensorFlow.js, wasm backend, one thread; slower).
   */
  runtime?: 'onnx' | 'tfjs';
  /** ONNX Runtime threads; default: every core (use 1 inside worker threads). */
  threads?: number;
}

/**
 * MobileNetV2 image embeddings from the pretrained network in `nsfwjs@4.3.0`, run by
 * TensorFlow.js on its wasm backend, fully offline.
 *
 * - **Dimensions**: 1280 (the global-average-pooled features of the backbone, layer `flatten_1`,
 *   before the classifier head); other cuts: `dense_1` 256, `dense_2` 128, `dense_3` the 5 nsfwjs
 *   class probabilities.
 * - **Input**: 224 × 224 RGB. Images (decoded {@link ImageValue}s, paths or bytes) are stretched to
 *   224 × 224 with sharp (as nsfwjs stretches them), alpha dropped, grey replicated, scaled to
 *   0..1 (pixel / 255, no mean or std: how nsfwjs feeds this network), NHWC.
 * - **Speed** (`npm run bench -- encoders`, quiet 2-core AMD EPYC): 89.5 images/s on ONNX Runtime
 *   (the default; 64.5 from JPEG bytes, decoding included), 11.0 on TensorFlow.js wasm (single-
 *   threaded in Node), 9.9 for nsfwjs's own API on the same network: 9× nsfwjs.
 * - **Loading**: the first use converts the Keras graph to ONNX (once per process).
 * - The weights are quantised to 8 bits in the package (about 3.5 MB); the features are of an
 *   ImageNet backbone fine-tuned on 5 content classes, so they capture colour, texture and layout
 *   well, and object identity less well than a CLIP model would.
 *
 * The encoder loads the network on first use; the returned object is ready at once.
 *
 * @example
 * ```ts
 * const enc = mobileNetV2Encoder({ normalize: true });
 * const vectors = await enc.encode(['a.jpg', 'b.png']); // Float32Array of 2 × 1280
 * ```
 */
export function mobileNetV2Encoder(options: MobileNetV2Options = {}): Encoder {
  const layer = options.layer ?? 'flatten_1';
  if (!(layer in MOBILENET_V2_LAYERS))
    throw new InvalidArgumentError(
      `MobileNetV2 layer must be one of ${Object.keys(MOBILENET_V2_LAYERS).join(', ')}, got ${String(layer)}`,
    );
  const dimensions = MOBILENET_V2_LAYERS[layer];
  const image = MOBILENET_V2_IMAGE;
  const common = {
    name: `mobilenet_v2:${layer}`,
    normalize: options.normalize ?? false,
    batchSize: options.batchSize ?? 16,
    ...(options.baseDir !== undefined ? { baseDir: options.baseDir } : {}),
    image,
  };
  const runtime = options.runtime ?? 'onnx';
  if (runtime !== 'onnx' && runtime !== 'tfjs')
    throw new InvalidArgumentError(`MobileNetV2 runtime must be 'onnx' or 'tfjs', got ${String(runtime)}`);
  let loaded: Promise<Encoder> | undefined;
  const load = () => {
    loaded ??= (async () => {
      const artifacts = await nsfwjsMobileNetV2Artifacts();
      const encoder: Encoder =
        runtime === 'tfjs'
          ? await TfjsEncoder.fromArtifacts(
              artifacts,
              { ...common, modality: 'image', layer },
              'nsfwjs/models/mobilenet_v2',
            )
          : await createOnnxEncoder({
              ...common,
              model: await mobileNetV2Onnx(),
              output: layer,
              modality: 'image',
              ...(options.threads !== undefined ? { threads: options.threads } : {}),
            });
      if (encoder.dimensions !== dimensions)
        throw new ModelError(
          'nsfwjs MobileNetV2',
          `layer ${layer} gave ${encoder.dimensions} values, not ${dimensions}`,
        );
      return encoder;
    })();
    return loaded;
  };
  let disposed = false;
  return {
    name: `mobilenet_v2:${layer}`,
    dimensions,
    modality: 'image',
    // Only what changes the vectors (the runtimes agree to float precision; the rest is speed).
    spec: { name: MOBILENET_V2_NAME, options: { layer, normalize: common.normalize } },
    async encode(inputs) {
      if (disposed) throw new InvalidArgumentError('this MobileNetV2 encoder was disposed');
      if (inputs.length === 0) return new Float32Array(0);
      return await (await load()).encode(inputs);
    },
    async dispose() {
      disposed = true;
      if (loaded !== undefined) await (await loaded).dispose?.();
    },
  };
}

/**
 * {@link mobileNetV2Encoder} as an async factory, like the other runtimes' `create…Encoder`: it
 * resolves once the network is loaded.
 */
export async function createMobileNetV2Encoder(options: MobileNetV2Options = {}): Promise<Encoder> {
  const encoder = mobileNetV2Encoder(options);
  await encoder.encode([{ data: new Uint8Array(224 * 224 * 3), width: 224, height: 224, channels: 3 }]);
  return encoder;
}
