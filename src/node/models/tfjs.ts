/**
 * Encoders on TensorFlow.js (wasm backend): a LayersModel or GraphModel saved as `model.json` plus
 * weight shards in a local folder, optionally cut at an inner layer (a classifier's penultimate
 * features are a good image embedding).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { InvalidArgumentError, ModelError, TypeMismatchError } from '../../core/errors.js';
import { joinBytes } from '../../core/io/text-encoding.js';
import type { Encoder, Modality } from '../../core/models/encoder.js';
import { encodeInBatches } from './batched-encode.js';
import { checkImagePreprocessing, type ImagePreprocessing, imageBatch } from './image-input.js';
import { checkPooling, l2NormalizeRows, type Pooling, poolTokens } from './pooling.js';
import { wasmTfjs } from './tfjs-env.js';

type Tfjs = Awaited<ReturnType<typeof wasmTfjs>>;

/** Plain, serialisable options of {@link createTfjsEncoder}. */
export interface TfjsEncoderOptions {
  /** A folder holding `model.json` and its weight files, or the path of the `model.json`. */
  model: string;
  /** What the model consumes: images (NHWC by default, as Keras models take them) or float rows. */
  modality: 'image' | 'tensor';
  /** Name shown in progress output; default: the folder's name (with the layer, when cut). */
  name?: string;
  /** LayersModel: cut the model at this layer and use its output. */
  layer?: string;
  /** GraphModel: the node whose output is the embedding (e.g. `'StatefulPartitionedCall:1'`). */
  output?: string;
  /**
   * How an output with inner axes (`[n, tokens, d]`, or `[n, h, w, c]` feature maps) becomes one
   * vector: 'mean' over the inner axes (global average pooling), 'cls' (first position) or 'none'
   * (flatten; the default).
   */
  pooling?: Pooling;
  /** Scale every vector to unit length; default false. */
  normalize?: boolean;
  /** Image preprocessing; size from the model's input when it is fixed; default layout NHWC, pixels / 255. */
  image?: Partial<ImagePreprocessing>;
  /** Directory that relative image paths resolve against. */
  baseDir?: string;
  /** Inputs run through the model at once; default 32. */
  batchSize?: number;
}

/** A model.json as TensorFlow.js writes it. */
interface ModelJson {
  format?: string;
  modelTopology: object;
  weightsManifest?: { paths: string[]; weights: tfTypes.io.WeightsManifestEntry[] }[];
  [key: string]: unknown;
}

/** Reads `model.json` and its shards into in-memory artifacts; shard paths must stay in the folder. */
export function readTfjsArtifacts(modelPath: string): tfTypes.io.ModelArtifacts {
  const abs = path.resolve(modelPath);
  const file = fs.existsSync(abs) && fs.statSync(abs).isDirectory() ? path.join(abs, 'model.json') : abs;
  if (!fs.existsSync(file)) throw new ModelError(abs, 'there is no model.json');
  let json: ModelJson;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8')) as ModelJson;
  } catch (e) {
    throw new ModelError(file, `is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof json.modelTopology !== 'object' || json.modelTopology === null)
    throw new ModelError(file, 'has no modelTopology; is it a TensorFlow.js model.json?');
  const dir = path.dirname(file);
  const weightSpecs: tfTypes.io.WeightsManifestEntry[] = [];
  const shards: Uint8Array[] = [];
  for (const group of json.weightsManifest ?? []) {
    for (const p of group.paths) {
      const shard = path.resolve(dir, p);
      if (path.isAbsolute(p) || path.relative(dir, shard).startsWith('..'))
        throw new ModelError(file, `weight file "${p}" is outside the model folder`);
      if (!fs.existsSync(shard)) throw new ModelError(file, `weight file ${p} is missing`);
      shards.push(fs.readFileSync(shard));
    }
    weightSpecs.push(...group.weights);
  }
  const weightData = joinBytes(shards);
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    weightSpecs,
    weightData: weightData.buffer,
  };
}

type AnyModel = tfTypes.LayersModel | tfTypes.GraphModel;

/**
 * An {@link Encoder} that runs a TensorFlow.js model on the wasm backend. Build it with
 * {@link createTfjsEncoder} (from a folder) or {@link TfjsEncoder.fromArtifacts}.
 */
export class TfjsEncoder implements Encoder {
  readonly name: string;
  readonly modality: Modality;
  /** Length of each output vector, found by running one probe input when the model loaded. */
  get dimensions(): number {
    return this.outputSize;
  }
  private outputSize = 0;
  private readonly image: Required<ImagePreprocessing> | undefined;
  private readonly inputShape: readonly (number | null)[];
  private readonly pooling: Pooling;
  private readonly batchSize: number;
  private disposed = false;

  private constructor(
    private readonly tf: Tfjs,
    private readonly model: AnyModel,
    private readonly options: Omit<TfjsEncoderOptions, 'model'>,
    private readonly source: string,
    /** The full model when `model` is a cut of it (both are disposed). */
    private readonly parent?: AnyModel,
  ) {
    this.modality = options.modality;
    const base =
      path.basename(source) === 'model.json' ? path.basename(path.dirname(source)) : path.basename(source);
    this.name = options.name ?? base + (options.layer ? `:${options.layer}` : '');
    this.inputShape = (model.inputs[0]?.shape ?? []) as (number | null)[];
    this.pooling = checkPooling(options.pooling ?? 'none');
    this.batchSize = options.batchSize ?? 32;
    if (!(Number.isInteger(this.batchSize) && this.batchSize > 0))
      throw new InvalidArgumentError(`batchSize must be a positive integer, got ${this.batchSize}`);
    if (options.modality === 'image') this.image = this.imagePreprocessing(options.image ?? {});
  }

  /**
   * Loads a model from in-memory artifacts (what `tf.io` handlers produce), cuts it as the options
   * say, and runs one probe input to learn the output size.
   */
  static async fromArtifacts(
    artifacts: tfTypes.io.ModelArtifacts,
    options: Omit<TfjsEncoderOptions, 'model'>,
    source = '<memory>',
  ): Promise<TfjsEncoder> {
    if (options.modality !== 'image' && options.modality !== 'tensor')
      throw new InvalidArgumentError(
        `a TensorFlow.js encoder takes 'image' or 'tensor' inputs, got ${String(options.modality)}`,
      );
    const tf = await wasmTfjs();
    const graph = artifacts.format === 'graph-model';
    let model: AnyModel;
    try {
      model = graph
        ? await tf.loadGraphModel(tf.io.fromMemory(artifacts))
        : await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    } catch (e) {
      throw new ModelError(
        source,
        `TensorFlow.js cannot load it: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    let parent: AnyModel | undefined;
    if (options.layer !== undefined) {
      if (graph)
        throw new InvalidArgumentError(
          `"layer" cuts a LayersModel; ${source} is a GraphModel: name its node with "output" instead`,
        );
      const layers = model as tfTypes.LayersModel;
      const layer = layers.layers.find((l) => l.name === options.layer);
      if (layer === undefined)
        throw new ModelError(
          source,
          `has no layer "${options.layer}"; the last layers are ${layers.layers
            .slice(-6)
            .map((l) => l.name)
            .join(', ')}`,
        );
      parent = model;
      model = tf.model({ inputs: layers.inputs, outputs: layer.output as tfTypes.SymbolicTensor });
    } else if (options.output !== undefined && !graph) {
      throw new InvalidArgumentError(
        `"output" names a GraphModel node; ${source} is a LayersModel: use "layer"`,
      );
    }
    const encoder = new TfjsEncoder(tf, model, options, source, parent);
    encoder.outputSize = (await encoder.run(encoder.probe())).d;
    return encoder;
  }

  private imagePreprocessing(p: Partial<ImagePreprocessing>): Required<ImagePreprocessing> {
    const layout = p.layout ?? 'nhwc';
    const s = this.inputShape;
    let { width, height } = p;
    if (s.length === 4) {
      const [h, w] = layout === 'nhwc' ? [s[1], s[2]] : [s[2], s[3]];
      if (typeof h === 'number' && h > 0) height ??= h;
      if (typeof w === 'number' && w > 0) width ??= w;
    }
    if (width === undefined || height === undefined)
      throw new InvalidArgumentError(
        `the input of ${this.source} has no fixed image size; pass image: { width, height }`,
      );
    return checkImagePreprocessing({ ...p, width, height, layout });
  }

  private probe(): unknown[] {
    if (this.modality === 'image') {
      const { width, height } = this.image as Required<ImagePreprocessing>;
      return [{ data: new Uint8Array(width * height * 3), width, height, channels: 3 }];
    }
    const d = this.inputShape[this.inputShape.length - 1];
    if (this.inputShape.length !== 2 || typeof d !== 'number')
      throw new ModelError(
        this.source,
        `a tensor encoder needs an input of shape [batch, d] with a fixed d; it has [${this.inputShape.join(', ')}]`,
      );
    return [new Float32Array(d)];
  }

  async encode(inputs: readonly unknown[]): Promise<Float32Array> {
    if (this.disposed) throw new InvalidArgumentError(`encoder ${this.name} was disposed`);
    return encodeInBatches(inputs, this.batchSize, this.dimensions, this.source, (batch) => this.run(batch));
  }

  private async batchTensor(batch: readonly unknown[]): Promise<tfTypes.Tensor> {
    const tf = this.tf;
    if (this.modality === 'image') {
      const { data, dims } = await imageBatch(
        batch,
        this.image as Required<ImagePreprocessing>,
        this.options.baseDir,
      );
      return tf.tensor(data, dims, 'float32');
    }
    const d = this.inputShape[1] as number;
    const data = new Float32Array(batch.length * d);
    batch.forEach((x, i) => {
      if (!(Array.isArray(x) || (ArrayBuffer.isView(x) && 'length' in x)))
        throw new InvalidArgumentError(
          `input ${i} of a tensor encoder must be a numeric array, got ${typeof x}`,
        );
      if (x instanceof BigInt64Array || x instanceof BigUint64Array)
        throw new TypeMismatchError(
          `input ${i} of a tensor encoder holds int64 values (bigints); the model takes float32 rows: convert the column first`,
        );
      const row = x as ArrayLike<number>;
      if (row.length !== d)
        throw new InvalidArgumentError(`input ${i} has ${row.length} values; the model takes rows of ${d}`);
      data.set(row, i * d);
    });
    return tf.tensor2d(data, [batch.length, d], 'float32');
  }

  /** Runs one batch; returns its vectors and their length. */
  private async run(batch: readonly unknown[]): Promise<{ data: Float32Array; d: number }> {
    const n = batch.length;
    const x = await this.batchTensor(batch);
    let y: tfTypes.Tensor;
    try {
      y = this.tf.tidy(() => {
        const out =
          this.options.output !== undefined
            ? (this.model as tfTypes.GraphModel).execute(x, this.options.output)
            : this.model.predict(x);
        if (!(out instanceof this.tf.Tensor))
          throw new ModelError(
            this.source,
            'has several outputs; cut it at one with "layer" (LayersModel) or "output" (GraphModel)',
          );
        return out;
      });
    } catch (e) {
      if (e instanceof ModelError) throw e;
      throw new ModelError(
        this.source,
        `TensorFlow.js could not run it: ${e instanceof Error ? e.message : String(e)}`,
      );
    } finally {
      x.dispose();
    }
    const shape = y.shape;
    const values = (await y.data()) as Float32Array;
    y.dispose();
    if (shape[0] !== n)
      throw new ModelError(this.source, `output has shape [${shape.join(', ')}]; expected [${n}, ...]`);
    let data: Float32Array;
    let d: number;
    if (shape.length >= 3 && this.pooling !== 'none') {
      // Every axis between the batch and the last is a position: tokens, or the pixels of an NHWC map.
      d = shape[shape.length - 1];
      data = poolTokens(values, n, values.length / (n * d), d, this.pooling);
    } else {
      d = values.length / n;
      data = Float32Array.from(values);
    }
    if (this.options.normalize) l2NormalizeRows(data, d);
    return { data, d };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    // A cut shares its layers with the full model: disposing the full one frees every weight once.
    (this.parent ?? this.model).dispose();
  }
}

/**
 * Loads a TensorFlow.js model from a local folder as an {@link Encoder}, on the wasm backend.
 * The options are plain data, so an executor can build the same encoder in a worker thread.
 *
 * @example
 * ```ts
 * const enc = await createTfjsEncoder({ model: 'models/my-classifier', modality: 'image', layer: 'global_average_pooling2d' });
 * const vectors = await enc.encode(await images.load([0, 1, 2]));
 * ```
 */
export async function createTfjsEncoder(options: TfjsEncoderOptions): Promise<TfjsEncoder> {
  const { model, ...rest } = options;
  return await TfjsEncoder.fromArtifacts(readTfjsArtifacts(model), rest, path.resolve(model));
}
