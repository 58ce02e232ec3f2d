/**
 * Encoders on ONNX Runtime (`onnxruntime-node`, CPU): any `.onnx` model that maps images, text or
 * float rows to vectors, with the preprocessing in front of it (image resize and normalisation, a
 * Hugging Face tokenizer for text) and the pooling behind it (mean over tokens under the attention
 * mask, first token, L2 normalisation).
 */
import * as fs from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { InvalidArgumentError, ModelError, TypeMismatchError } from '../../core/errors.js';
import type { Encoder, Modality } from '../../core/models/encoder.js';
import { encodeInBatches } from './batched-encode.js';
import { checkImagePreprocessing, type ImagePreprocessing, imageBatch } from './image-input.js';
import { checkPooling, l2NormalizeRows, type Pooling, poolTokens } from './pooling.js';
import { tokenizeBatch } from './text-input.js';
import { loadLocalTokenizer } from './transformers-env.js';

/**
 * Plain, serialisable options of {@link createOnnxEncoder}, so a worker thread can build the same
 * encoder from a module path, an export name and these options.
 */
export interface OnnxEncoderOptions {
  /** Path of the `.onnx` file, or its bytes. */
  model: string | Uint8Array;
  /** What the model consumes: images, text (needs `tokenizer`) or float rows. */
  modality: 'image' | 'text' | 'tensor';
  /** Name shown in progress output; default: the model file's name. */
  name?: string;
  /** Which model output holds the embedding; default: the first. */
  output?: string;
  /** For images and float rows: which model input takes them; default: the first. */
  input?: string;
  /**
   * How a token output `[n, tokens, d]` becomes one vector per input: 'mean' (under the attention
   * mask for text; the default for such outputs), 'cls' (first token) or 'none' (flatten; needs a
   * fixed token count). Outputs `[n, d]` are used as they are.
   */
  pooling?: Pooling;
  /** Scale every vector to unit length (for cosine search); default false. */
  normalize?: boolean;
  /**
   * Image preprocessing. `width` and `height` may be left out when the model's input has a fixed
   * size; default normalisation: pixels / 255, NCHW, RGB.
   */
  image?: Partial<ImagePreprocessing>;
  /** Directory that relative image paths resolve against. */
  baseDir?: string;
  /** Text: a local folder holding the model's `tokenizer.json` (and `tokenizer_config.json`). */
  tokenizer?: string;
  /** Text: tokens kept per input (longer texts are truncated); default: the tokenizer's limit. */
  maxLength?: number;
  /** Inputs run through the model at once; default 32. */
  batchSize?: number;
  /** Threads ONNX Runtime may use; default: every core (use 1 inside worker threads). */
  threads?: number;
}

type Tokenizer = Awaited<ReturnType<typeof loadLocalTokenizer>>;

function tensorMeta(
  list: readonly ort.InferenceSession.ValueMetadata[],
  name: string,
): { type: string; shape: readonly (number | string)[] } | undefined {
  const m = list.find((v) => v.name === name);
  return m?.isTensor ? { type: m.type, shape: m.shape } : undefined;
}

/** A float row of a tensor input, as a typed array or plain numbers. */
function rowValues(x: unknown, i: number): ArrayLike<number> {
  if (
    Array.isArray(x) ||
    (ArrayBuffer.isView(x) &&
      !(x instanceof DataView) &&
      !(x instanceof BigInt64Array) &&
      !(x instanceof BigUint64Array))
  )
    return x as ArrayLike<number>;
  if (x instanceof BigInt64Array || x instanceof BigUint64Array)
    throw new TypeMismatchError(
      `input ${i} of a tensor encoder holds int64 values (bigints); the model takes float32 rows: convert the column first`,
    );
  throw new InvalidArgumentError(`input ${i} of a tensor encoder must be a numeric array, got ${typeof x}`);
}

/**
 * An {@link Encoder} that runs an ONNX model with ONNX Runtime. Build it with
 * {@link createOnnxEncoder}, which loads the model and finds the output size.
 */
export class OnnxEncoder implements Encoder {
  readonly name: string;
  readonly modality: Modality;
  /** Length of each output vector, found by running one probe input when the model loaded. */
  get dimensions(): number {
    return this.outputSize;
  }
  private outputSize = 0;
  private readonly outputName: string;
  private readonly inputName: string;
  private readonly pooling: Pooling | undefined;
  private readonly image: Required<ImagePreprocessing> | undefined;
  private readonly batchSize: number;
  private disposed = false;

  private constructor(
    private readonly ort: typeof import('onnxruntime-node'),
    private readonly session: ort.InferenceSession,
    private readonly options: OnnxEncoderOptions,
    private readonly tokenizer: Tokenizer | undefined,
    private readonly source: string,
  ) {
    this.modality = options.modality;
    this.name = options.name ?? path.basename(source, '.onnx');
    this.outputName = options.output ?? session.outputNames[0];
    this.inputName = options.input ?? session.inputNames[0];
    if (!session.outputNames.includes(this.outputName))
      throw new ModelError(
        source,
        `has no output "${this.outputName}"; its outputs are ${session.outputNames.join(', ')}`,
      );
    if (options.modality !== 'text' && !session.inputNames.includes(this.inputName))
      throw new ModelError(
        source,
        `has no input "${this.inputName}"; its inputs are ${session.inputNames.join(', ')}`,
      );
    this.pooling = options.pooling === undefined ? undefined : checkPooling(options.pooling);
    this.batchSize = options.batchSize ?? 32;
    if (!(Number.isInteger(this.batchSize) && this.batchSize > 0))
      throw new InvalidArgumentError(`batchSize must be a positive integer, got ${this.batchSize}`);
    if (options.modality === 'image') this.image = this.imagePreprocessing(options.image ?? {});
  }

  /** Loads the model (and tokenizer) and runs one probe input to learn the output size. */
  static async create(options: OnnxEncoderOptions): Promise<OnnxEncoder> {
    if (!['image', 'text', 'tensor'].includes(options.modality))
      throw new InvalidArgumentError(
        `modality must be 'image', 'text' or 'tensor', got ${String(options.modality)}`,
      );
    const source = typeof options.model === 'string' ? path.resolve(options.model) : '<bytes>';
    if (typeof options.model === 'string' && !fs.existsSync(source))
      throw new ModelError(source, 'the file does not exist');
    if (options.modality === 'text' && options.tokenizer === undefined)
      throw new InvalidArgumentError(
        'a text encoder needs a tokenizer: pass { tokenizer: FOLDER } with the tokenizer.json that goes with the model',
      );
    const threads = options.threads ?? availableParallelism();
    // Imported on first use: loading ONNX Runtime is not free, and many users never need it.
    const runtime = await import('onnxruntime-node');
    let session: ort.InferenceSession;
    try {
      const sessionOptions: ort.InferenceSession.SessionOptions = {
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      };
      session =
        typeof options.model === 'string'
          ? await runtime.InferenceSession.create(source, sessionOptions)
          : await runtime.InferenceSession.create(options.model, sessionOptions);
    } catch (e) {
      throw new ModelError(
        source,
        `ONNX Runtime cannot load it: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    const tokenizer =
      options.modality === 'text' ? await loadLocalTokenizer(options.tokenizer as string) : undefined;
    const encoder = new OnnxEncoder(runtime, session, options, tokenizer, source);
    encoder.outputSize = await encoder.probeDimensions();
    return encoder;
  }

  private imagePreprocessing(p: Partial<ImagePreprocessing>): Required<ImagePreprocessing> {
    let { width, height } = p;
    const layout = p.layout ?? 'nchw';
    const shape = tensorMeta(this.session.inputMetadata, this.inputName)?.shape;
    if ((width === undefined || height === undefined) && shape?.length === 4) {
      const [h, w] = layout === 'nchw' ? [shape[2], shape[3]] : [shape[1], shape[2]];
      if (typeof h === 'number' && typeof w === 'number' && h > 0 && w > 0) {
        height ??= h;
        width ??= w;
      }
    }
    if (width === undefined || height === undefined)
      throw new InvalidArgumentError(
        `the input "${this.inputName}" of ${this.source} has no fixed image size; pass image: { width, height }`,
      );
    return checkImagePreprocessing({ ...p, width, height, layout });
  }

  private async probeDimensions(): Promise<number> {
    let probe: unknown[];
    if (this.modality === 'text') probe = [''];
    else if (this.modality === 'image') {
      const { width, height } = this.image as Required<ImagePreprocessing>;
      probe = [{ data: new Uint8Array(width * height * 3), width, height, channels: 3 }];
    } else {
      const shape = tensorMeta(this.session.inputMetadata, this.inputName)?.shape;
      const d = shape?.[shape.length - 1];
      if (typeof d !== 'number' || shape?.length !== 2)
        throw new ModelError(
          this.source,
          `input "${this.inputName}" must have shape [batch, d] with a fixed d for a tensor encoder; ` +
            `it has [${shape?.join(', ') ?? 'unknown'}]`,
        );
      probe = [new Float32Array(d)];
    }
    const out = await this.run(probe);
    return out.d;
  }

  async encode(inputs: readonly unknown[]): Promise<Float32Array> {
    if (this.disposed) throw new InvalidArgumentError(`encoder ${this.name} was disposed`);
    return encodeInBatches(
      inputs,
      this.batchSize,
      this.dimensions,
      this.source,
      (batch) => this.run(batch),
      "a token output with pooling 'none' changes size with the text length; use 'mean' or 'cls'",
    );
  }

  /** Runs one batch; returns its vectors and their length. */
  private async run(batch: readonly unknown[]): Promise<{ data: Float32Array; d: number }> {
    const n = batch.length;
    const { feeds, mask } = await this.feeds(batch);
    let out: ort.Tensor;
    try {
      out = (await this.session.run(feeds, [this.outputName]))[this.outputName] as ort.Tensor;
    } catch (e) {
      throw new ModelError(
        this.source,
        `ONNX Runtime could not run it: ${e instanceof Error ? e.message : String(e)}`,
      );
    } finally {
      for (const t of Object.values(feeds)) (t as ort.Tensor).dispose();
    }
    try {
      if (out.type !== 'float32')
        throw new ModelError(
          this.source,
          `output "${this.outputName}" is ${out.type}; an encoder needs float32`,
        );
      const dims = out.dims;
      if (dims[0] !== n || dims.length < 2)
        throw new ModelError(
          this.source,
          `output "${this.outputName}" has shape [${dims.join(', ')}]; expected [${n}, ...] (batch first)`,
        );
      const values = out.data as Float32Array;
      const pooling = this.pooling ?? (dims.length === 3 ? 'mean' : 'none');
      let data: Float32Array;
      let d: number;
      if (dims.length === 3 && pooling !== 'none') {
        d = dims[2];
        data = poolTokens(values, n, dims[1], d, pooling, mask);
      } else {
        if (pooling !== 'none')
          throw new InvalidArgumentError(
            `pooling '${pooling}' needs a token output [n, tokens, d]; "${this.outputName}" has shape [${dims.join(', ')}]`,
          );
        d = values.length / n;
        data = Float32Array.from(values);
      }
      if (this.options.normalize) l2NormalizeRows(data, d);
      return { data, d };
    } finally {
      out.dispose();
    }
  }

  private async feeds(
    batch: readonly unknown[],
  ): Promise<{ feeds: Record<string, ort.Tensor>; mask?: ArrayLike<bigint | number> }> {
    const n = batch.length;
    if (this.modality === 'image') {
      const { data, dims } = await imageBatch(
        batch,
        this.image as Required<ImagePreprocessing>,
        this.options.baseDir,
      );
      return { feeds: { [this.inputName]: new this.ort.Tensor('float32', data, dims) } };
    }
    if (this.modality === 'tensor') {
      const shape = tensorMeta(this.session.inputMetadata, this.inputName)?.shape;
      const d = shape?.[shape.length - 1] as number;
      const data = new Float32Array(n * d);
      batch.forEach((x, i) => {
        const row = rowValues(x, i);
        if (row.length !== d)
          throw new InvalidArgumentError(`input ${i} has ${row.length} values; the model takes rows of ${d}`);
        data.set(row, i * d);
      });
      return { feeds: { [this.inputName]: new this.ort.Tensor('float32', data, [n, d]) } };
    }
    const tokens = tokenizeBatch(this.tokenizer as Tokenizer, batch, this.options.maxLength);
    const dims = [tokens.n, tokens.length];
    const byName: Record<string, BigInt64Array> = {
      input_ids: tokens.inputIds,
      attention_mask: tokens.attentionMask,
      token_type_ids: tokens.tokenTypeIds,
    };
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of this.session.inputNames) {
      const data = byName[name];
      if (data === undefined)
        throw new ModelError(
          this.source,
          `takes an input "${name}"; a text encoder feeds input_ids, attention_mask and token_type_ids`,
        );
      const type = tensorMeta(this.session.inputMetadata, name)?.type;
      feeds[name] =
        type === 'int32'
          ? new this.ort.Tensor('int32', Int32Array.from(data, Number), dims)
          : new this.ort.Tensor('int64', data, dims);
    }
    const mask = tokens.attentionMask;
    return { feeds, mask };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.session.release();
  }
}

/**
 * Loads an ONNX model as an {@link Encoder}. Everything is read from local files; the options are
 * plain data, so an executor can build the same encoder inside a worker thread.
 *
 * @example
 * ```ts
 * const clip = await createOnnxEncoder({
 *   model: 'models/clip-vit-b32-visual.onnx',
 *   modality: 'image',
 *   image: { width: 224, height: 224, mean: [0.4815, 0.4578, 0.4082], std: [0.2686, 0.2613, 0.2758] },
 *   normalize: true,
 * });
 * const minilm = await createOnnxEncoder({
 *   model: 'models/all-MiniLM-L6-v2/onnx/model.onnx',
 *   modality: 'text',
 *   tokenizer: 'models/all-MiniLM-L6-v2',
 *   pooling: 'mean',
 *   normalize: true,
 * });
 * ```
 */
export function createOnnxEncoder(options: OnnxEncoderOptions): Promise<OnnxEncoder> {
  return OnnxEncoder.create(options);
}
