/**
 * Encoders on transformers.js (`@huggingface/transformers`): a Hugging Face model folder that a user
 * downloaded once (ONNX weights under `onnx/`, `config.json`, tokenizer or preprocessor files),
 * loaded with remote models switched off, so nothing is ever fetched.
 *
 * transformers.js loads the model (its feature-extraction or image-feature-extraction pipeline
 * picks the model class from `config.json`, e.g. `CLIPVisionModelWithProjection` for a CLIP folder)
 * and preprocesses images. Text is tokenised and pooled here, the same way as in the ONNX encoder,
 * because transformers.js truncates long texts after their closing [SEP] / </s> is added and so
 * drops it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, ModelError } from '../../core/errors.js';
import type { Encoder, Modality } from '../../core/models/encoder.js';
import { encodeInBatches } from './batched-encode.js';
import { rgbImage } from './image-input.js';
import { checkPooling, l2NormalizeRows, type Pooling, poolTokens } from './pooling.js';
import { tokenizeBatch } from './text-input.js';
import { localModelFolder, offlineTransformers } from './transformers-env.js';

type Transformers = Awaited<ReturnType<typeof offlineTransformers>>;

/** Plain, serialisable options of {@link createTransformersEncoder}. */
export interface TransformersEncoderOptions {
  /** A local model folder (with `config.json` and `onnx/model.onnx`, or the file `dtype` names). */
  model: string;
  /** 'text' (feature extraction) or 'image' (image feature extraction). */
  modality: 'text' | 'image';
  /** Name shown in progress output; default: the folder's name. */
  name?: string;
  /**
   * Which model output is the embedding; default: the first of `text_embeds`, `image_embeds`,
   * `sentence_embedding`, `pooler_output`, `last_hidden_state` that the model gives.
   */
  output?: string;
  /** Token outputs `[n, tokens, d]`: 'mean' (under the attention mask for text; default) or 'cls'. */
  pooling?: 'mean' | 'cls';
  /** Scale every vector to unit length; default false. */
  normalize?: boolean;
  /** Text: tokens kept per input; default: the tokenizer's `model_max_length`. */
  maxLength?: number;
  /** Weights variant, as transformers.js names them: 'fp32' (`onnx/model.onnx`, default), 'q8', 'fp16', ... */
  dtype?: 'auto' | 'fp32' | 'fp16' | 'q8' | 'int8' | 'uint8' | 'q4' | 'bnb4' | 'q4f16';
  /** Directory that relative image paths resolve against. */
  baseDir?: string;
  /** Inputs run through the model at once; default 32. */
  batchSize?: number;
}

/** Model types whose folders hold two towers, and the class that loads the text one (`onnx/text_model.onnx`). */
const TEXT_TOWERS: Record<string, 'CLIPTextModelWithProjection' | 'SiglipTextModel'> = {
  clip: 'CLIPTextModelWithProjection',
  siglip: 'SiglipTextModel',
};

/** `model_type` from a folder's config.json ('' when it cannot be read). */
function modelType(folder: string): string {
  try {
    return String(JSON.parse(fs.readFileSync(path.join(folder, 'config.json'), 'utf8')).model_type ?? '');
  } catch {
    return '';
  }
}

const DEFAULT_OUTPUTS = [
  'text_embeds',
  'image_embeds',
  'sentence_embedding',
  'pooler_output',
  'last_hidden_state',
];

type Pipe = Awaited<ReturnType<Transformers['pipeline']>> & {
  model: ((inputs: Record<string, unknown>) => Promise<Record<string, TensorLike>>) & {
    dispose(): Promise<unknown>;
  };
  tokenizer?: Parameters<typeof tokenizeBatch>[0];
  processor?: (images: unknown[]) => Promise<{ pixel_values: unknown }>;
  dispose(): Promise<void>;
};
interface TensorLike {
  dims: number[];
  data: ArrayLike<number>;
  type: string;
}

/**
 * An {@link Encoder} over a transformers.js model from a local folder. Build it with
 * {@link createTransformersEncoder}.
 */
export class TransformersEncoder implements Encoder {
  readonly name: string;
  readonly modality: Modality;
  /** Length of each output vector, found by running one probe input when the model loaded. */
  get dimensions(): number {
    return this.outputSize;
  }
  private outputSize = 0;
  private readonly pooling: Pooling;
  private readonly batchSize: number;
  private disposed = false;

  private constructor(
    private readonly t: Transformers,
    private readonly pipe: Pipe,
    private readonly options: TransformersEncoderOptions,
    private readonly folder: string,
  ) {
    this.modality = options.modality;
    this.name = options.name ?? path.basename(folder);
    this.pooling = checkPooling(options.pooling ?? 'mean');
    if (this.pooling === 'none') throw new InvalidArgumentError("pooling must be 'mean' or 'cls'");
    this.batchSize = options.batchSize ?? 32;
    if (!(Number.isInteger(this.batchSize) && this.batchSize > 0))
      throw new InvalidArgumentError(`batchSize must be a positive integer, got ${this.batchSize}`);
  }

  static async create(options: TransformersEncoderOptions): Promise<TransformersEncoder> {
    if (options.modality !== 'text' && options.modality !== 'image')
      throw new InvalidArgumentError(
        `a transformers.js encoder takes 'text' or 'image' inputs, got ${String(options.modality)}`,
      );
    const folder = localModelFolder(options.model, ['config.json']);
    const t = await offlineTransformers();
    const loadOptions = { local_files_only: true, dtype: options.dtype ?? 'fp32', device: 'cpu' } as const;
    const textTower = options.modality === 'text' ? TEXT_TOWERS[modelType(folder)] : undefined;
    let pipe: Pipe;
    try {
      if (textTower !== undefined) {
        // Two-tower models (CLIP, SigLIP): the feature-extraction pipeline would load the joint
        // model, which needs images too; the text tower alone gives text embeddings.
        const [model, tokenizer] = await Promise.all([
          t[textTower].from_pretrained(folder, loadOptions),
          t.AutoTokenizer.from_pretrained(folder, { local_files_only: true }),
        ]);
        pipe = { model, tokenizer, dispose: () => model.dispose() } as unknown as Pipe;
      } else {
        pipe = (await t.pipeline(
          options.modality === 'text' ? 'feature-extraction' : 'image-feature-extraction',
          folder,
          loadOptions,
        )) as unknown as Pipe;
      }
    } catch (e) {
      throw new ModelError(
        folder,
        `transformers.js cannot load it: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    const encoder = new TransformersEncoder(t, pipe, options, folder);
    const probe =
      options.modality === 'text'
        ? ['']
        : [{ data: new Uint8Array(32 * 32 * 3), width: 32, height: 32, channels: 3 }];
    encoder.outputSize = (await encoder.run(probe)).d;
    return encoder;
  }

  async encode(inputs: readonly unknown[]): Promise<Float32Array> {
    if (this.disposed) throw new InvalidArgumentError(`encoder ${this.name} was disposed`);
    return encodeInBatches(inputs, this.batchSize, this.dimensions, this.folder, (batch) => this.run(batch));
  }

  private async modelInputs(
    batch: readonly unknown[],
  ): Promise<{ inputs: Record<string, unknown>; mask?: BigInt64Array }> {
    const { Tensor, RawImage } = this.t;
    if (this.modality === 'text') {
      if (this.pipe.tokenizer === undefined)
        throw new ModelError(this.folder, 'has no tokenizer (tokenizer.json)');
      const tokens = tokenizeBatch(this.pipe.tokenizer, batch, this.options.maxLength);
      const dims = [tokens.n, tokens.length];
      return {
        inputs: {
          input_ids: new Tensor('int64', tokens.inputIds, dims),
          attention_mask: new Tensor('int64', tokens.attentionMask, dims),
          token_type_ids: new Tensor('int64', tokens.tokenTypeIds, dims),
        },
        mask: tokens.attentionMask,
      };
    }
    if (this.pipe.processor === undefined)
      throw new ModelError(this.folder, 'has no image processor (preprocessor_config.json)');
    const images = await Promise.all(batch.map((x) => rgbImage(x as never, this.options.baseDir)));
    const raw = images.map((img) => new RawImage(img.data as Uint8Array, img.width, img.height, 3));
    const { pixel_values } = await this.pipe.processor(raw);
    return { inputs: { pixel_values } };
  }

  private async run(batch: readonly unknown[]): Promise<{ data: Float32Array; d: number }> {
    const n = batch.length;
    const { inputs, mask } = await this.modelInputs(batch);
    let outputs: Record<string, TensorLike>;
    try {
      outputs = await this.pipe.model(inputs);
    } catch (e) {
      throw new ModelError(
        this.folder,
        `transformers.js could not run it: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    const name = this.options.output ?? DEFAULT_OUTPUTS.find((o) => o in outputs);
    const out = name === undefined ? undefined : outputs[name];
    if (out === undefined)
      throw new ModelError(
        this.folder,
        `has no output ${this.options.output ? `"${this.options.output}"` : `among ${DEFAULT_OUTPUTS.join(', ')}`}; it gives ${Object.keys(outputs).join(', ')}`,
      );
    if (out.type !== 'float32')
      throw new ModelError(this.folder, `output "${name}" is ${out.type}; an encoder needs float32`);
    const dims = out.dims;
    if (dims[0] !== n) throw new ModelError(this.folder, `output "${name}" has shape [${dims.join(', ')}]`);
    let data: Float32Array;
    let d: number;
    if (dims.length === 3) {
      d = dims[2];
      data = poolTokens(out.data, n, dims[1], d, this.pooling as 'mean' | 'cls', mask);
    } else {
      d = out.data.length / n;
      data = Float32Array.from(out.data);
    }
    if (this.options.normalize) l2NormalizeRows(data, d);
    return { data, d };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.pipe.dispose();
  }
}

/**
 * Loads a Hugging Face model folder with transformers.js as an {@link Encoder}, never touching the
 * network (`env.allowRemoteModels = false`; a missing file is an error). The options are plain
 * data, so an executor can build the same encoder in a worker thread.
 *
 * @example
 * ```ts
 * // After `huggingface-cli download Xenova/all-MiniLM-L6-v2 --local-dir models/minilm`:
 * const minilm = await createTransformersEncoder({ model: 'models/minilm', modality: 'text', normalize: true });
 * // A CLIP folder (Xenova/clip-vit-base-patch32): images → image_embeds (512-d).
 * const clip = await createTransformersEncoder({ model: 'models/clip', modality: 'image', normalize: true });
 * ```
 */
export function createTransformersEncoder(options: TransformersEncoderOptions): Promise<TransformersEncoder> {
  return TransformersEncoder.create(options);
}
