// The one interface every model that turns inputs into vectors implements, whatever runs it
// (ONNX Runtime, transformers.js, TensorFlow.js, plain TypeScript). Isomorphic: the frame's
// `embed` and `search` only see this.

/** What an encoder consumes: decides which column kinds it can be applied to. */
export type Modality = 'image' | 'text' | 'audio' | 'tensor';

/**
 * A model that maps a batch of inputs to one fixed-length float32 vector each.
 *
 * `encode` returns `inputs.length * dimensions` floats, row after row, in input order.
 * Inputs are whatever the column holds for `modality`: decoded image tensors or paths for images,
 * strings for text, sample arrays for audio, typed arrays for tensors.
 */
export interface Encoder {
  /** A short name, used in progress output and stored with the embedding column. */
  readonly name: string;
  /** Length of each output vector. */
  readonly dimensions: number;
  readonly modality: Modality;
  /**
   * How a registered encoder of the same name rebuilds this one (for encoders that have a
   * registered name, such as the built-in MobileNetV2). `embed` records it with the column it makes
   * and the dataset store keeps it, so the app can encode a query (an uploaded image) the same way.
   */
  readonly spec?: EncoderSpec;
  encode(inputs: readonly unknown[]): Promise<Float32Array>;
  /** Frees native resources (sessions, tensors); the encoder is unusable afterwards. */
  dispose?(): Promise<void>;
}

/**
 * An encoder by registered name and plain JSON options, e.g. `{ name: 'mobilenet-v2', options:
 * { layer: 'flatten_1', normalize: false } }`: data, never code, so a dataset can carry it and a
 * reader builds the encoder only from names it has registered itself.
 */
export interface EncoderSpec {
  readonly name: string;
  readonly options: Readonly<Record<string, unknown>>;
}
