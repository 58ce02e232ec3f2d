/**
 * The built-in image encoder's network as ONNX bytes, built the same way in Node (run by
 * onnxruntime-node, src/node/models/mobilenet.ts) and in the browser tab (run by onnxruntime-web,
 * ui/src/local/in-tab-encoder.ts): the pretrained MobileNetV2 that the `nsfwjs` package ships on npm,
 * converted from its Keras topology by keras-onnx.ts.
 *
 * nsfwjs keeps each model as browserify bundles (`dist/models/mobilenet_v2/model.min.js` and
 * `group1-shard1of1.min.js`, CommonJS) whose export is the `model.json` object and the weight
 * shard as base64; its `nsfwjs/models/mobilenet_v2` entry point imports them lazily
 * (`modelJson()`, `weightBundles[i]()`), so a browser build fetches the 3.5 MB of weights only when
 * an encoder is first used.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { ModelError } from '../errors.js';
import { joinBytes } from '../io/text-encoding.js';
import { encodeModel } from '../tensor/onnx-builder.js';
import { decodeWeights, kerasToOnnx } from './keras-onnx.js';

/** The registered name of the built-in encoder (`tessera app --encoder mobilenet-v2`, encoder-registry.ts). */
export const MOBILENET_V2_NAME = 'mobilenet-v2';

/** Layers of the nsfwjs MobileNetV2 one can cut at, and the length of their output. */
export const MOBILENET_V2_LAYERS = {
  /** Global-average-pooled backbone features (7 × 7 × 1280 → 1280): the image embedding. */
  flatten_1: 1280,
  /** First layer of the classifier head (ReLU). */
  dense_1: 256,
  /** Second layer of the head (ReLU). */
  dense_2: 128,
  /** The 5 class probabilities (drawing, hentai, neutral, porn, sexy), as nsfwjs gives them. */
  dense_3: 5,
} as const;

export type MobileNetV2Layer = keyof typeof MOBILENET_V2_LAYERS;

/**
 * How the network wants its pixels: 224 × 224 RGB, stretched (as nsfwjs stretches images), scaled
 * to 0..1 (pixel / 255, no mean or std), NHWC. Node's image pipeline (image-input.ts) and the tab's
 * read this one description.
 */
export const MOBILENET_V2_IMAGE = {
  width: 224,
  height: 224,
  fit: 'fill',
  layout: 'nhwc',
  rescale: 1 / 255,
} as const;

/** Base64 text as bytes (atob is in Node 20 and every browser; Buffer is not in the browser). */
function base64Bytes(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** The model.json and weights nsfwjs ships for MobileNetV2, as in-memory TensorFlow.js artifacts. */
export async function nsfwjsMobileNetV2Artifacts(): Promise<tfTypes.io.ModelArtifacts> {
  const { MobileNetV2Model } = await import('nsfwjs/models/mobilenet_v2');
  const json = (await MobileNetV2Model.modelJson()).default as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tfTypes.io.WeightsManifestEntry[] }[];
  };
  const shards: Uint8Array[] = [];
  const weightSpecs: tfTypes.io.WeightsManifestEntry[] = [];
  for (const group of json.weightsManifest) {
    for (const p of group.paths) {
      // nsfwjs names bundle i (0-based) `group1-shard{i+1}of{count}`, after the shard file it holds.
      const match = /^group1-shard(\d+)of\d+$/.exec(p);
      const bundle = match === null ? undefined : MobileNetV2Model.weightBundles[Number(match[1]) - 1];
      if (bundle === undefined)
        throw new ModelError('nsfwjs MobileNetV2', `nsfwjs ships no weight bundle for the shard ${p}`);
      shards.push(base64Bytes((await bundle()).default as string));
    }
    weightSpecs.push(...group.weights);
  }
  const weightData = joinBytes(shards);
  return {
    modelTopology: json.modelTopology,
    format: 'layers-model',
    weightSpecs,
    weightData: weightData.buffer,
  };
}

let onnxBytes: Promise<Uint8Array> | undefined;

/**
 * The nsfwjs MobileNetV2 converted to ONNX, with one output per layer of
 * {@link MOBILENET_V2_LAYERS} (the head costs a thousandth of the backbone): input `input`, NHWC
 * float32 `[n, 224, 224, 3]`. Converted once per process (or worker): encoding the 9 MB protobuf
 * takes a few seconds.
 */
export function mobileNetV2Onnx(): Promise<Uint8Array> {
  onnxBytes ??= (async () => {
    const artifacts = await nsfwjsMobileNetV2Artifacts();
    const weights = decodeWeights(artifacts.weightSpecs ?? [], artifacts.weightData as ArrayBuffer);
    const topology = artifacts.modelTopology as Parameters<typeof kerasToOnnx>[0];
    return encodeModel(kerasToOnnx(topology, weights, Object.keys(MOBILENET_V2_LAYERS)));
  })();
  onnxBytes.catch(() => {
    onnxBytes = undefined;
  });
  return onnxBytes;
}
