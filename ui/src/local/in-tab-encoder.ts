/**
 * The built-in image encoder in the tab: the same MobileNetV2 ONNX graph that Node runs
 * (src/core/models/mobilenet-v2-onnx.ts), run by onnxruntime-web on WebAssembly, one thread (the
 * page is not cross-origin isolated). Loaded only when the user embeds: this module, onnxruntime-web
 * and the nsfwjs weights are chunks of their own, and the wasm binary an asset vite emits.
 */

import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import * as ort from 'onnxruntime-web/wasm';
import { InvalidArgumentError, ModelError } from '../../../src/core/errors.js';
import { resizePixels } from '../../../src/core/models/image-resize.js';
import {
  MOBILENET_V2_IMAGE,
  MOBILENET_V2_LAYERS,
  MOBILENET_V2_NAME,
  type MobileNetV2Layer,
  mobileNetV2Onnx,
} from '../../../src/core/models/mobilenet-v2-onnx.js';

/** A decoded image as an image column gives it: 8-bit HWC pixels (grey, grey + alpha, RGB or RGBA). */
export interface ImagePixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/**
 * An image as the network's input pixels: RGB (grey replicated, alpha dropped) stretched to
 * `width × height` with resizePixels (libvips' resize, as sharp resizes in Node's image-input.ts:
 * channels first, then the size). An image already of that size keeps its exact pixels.
 */
export function networkPixels(img: ImagePixels, width: number, height: number): Uint8Array {
  const { data, width: w, height: h, channels: c } = img;
  if (!(data instanceof Uint8Array) || ![1, 2, 3, 4].includes(c) || data.length !== w * h * c)
    throw new InvalidArgumentError(
      `the encoder takes 8-bit images of 1 to 4 channels; got ${data?.length} values for ${w}×${h}×${c}`,
    );
  let rgb = data;
  if (c !== 3) {
    rgb = new Uint8Array(w * h * 3);
    const grey = c < 3;
    for (let p = 0; p < w * h; p++) for (let k = 0; k < 3; k++) rgb[p * 3 + k] = data[p * c + (grey ? 0 : k)];
  }
  return resizePixels(rgb, w, h, 3, width, height);
}

/** One batch of images (files) in, their vectors out, row after row. */
export interface InTabEncoder {
  readonly name: typeof MOBILENET_V2_NAME;
  readonly layer: MobileNetV2Layer;
  readonly dimensions: number;
  encode(images: readonly ImagePixels[]): Promise<Float32Array>;
}

let session: Promise<ort.InferenceSession> | undefined;

function theSession(): Promise<ort.InferenceSession> {
  session ??= (async () => {
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.wasmPaths = { wasm: wasmUrl };
    // The same optimisation level as onnxruntime-node in src/node/models/onnx.ts.
    return await ort.InferenceSession.create(await mobileNetV2Onnx(), {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
    });
  })();
  session.catch(() => {
    session = undefined;
  });
  return session;
}

/** The built-in MobileNetV2 cut at `layer` (default its 1280-d pooled features), ready to encode. */
export async function mobileNetV2InTab(layer: MobileNetV2Layer = 'flatten_1'): Promise<InTabEncoder> {
  const s = await theSession();
  const { width, height, rescale } = MOBILENET_V2_IMAGE;
  const dimensions = MOBILENET_V2_LAYERS[layer];
  return {
    name: MOBILENET_V2_NAME,
    layer,
    dimensions,
    async encode(images) {
      const pixels = images.map((img) => networkPixels(img, width, height));
      // NHWC, pixel / 255: as Node's imageBatch lays out MOBILENET_V2_IMAGE.
      const input = new Float32Array(images.length * height * width * 3);
      pixels.forEach((px, i) => {
        const base = i * px.length;
        for (let k = 0; k < px.length; k++) input[base + k] = px[k] * rescale;
      });
      const feeds = { input: new ort.Tensor('float32', input, [images.length, height, width, 3]) };
      const outputs = await s.run(feeds, [layer]);
      const out = outputs[layer];
      if (out === undefined || out.data.length !== images.length * dimensions)
        throw new ModelError(
          'nsfwjs MobileNetV2',
          `layer ${layer} did not give ${dimensions} values per image`,
        );
      const vectors = new Float32Array(out.data as Float32Array);
      for (const t of Object.values(outputs)) t.dispose();
      return vectors;
    },
  };
}
