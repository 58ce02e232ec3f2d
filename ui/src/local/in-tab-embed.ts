/**
 * Embedding an image column in the tab (the `api/embed` routes of the in-tab worker): the built-in
 * MobileNetV2 (in-tab-encoder.ts, loaded on the first embed) encodes the column's images batch by
 * batch, yielding between batches so the table and searches are answered meanwhile; the vectors
 * become a float32 [1280] column `<column>_embedding` of the open frame, over which "find similar"
 * (POST api/search) then works. The page starts a job, follows it by polling, and may cancel it:
 *
 * - `POST api/embed { column, encoder?: 'mobilenet-v2', normalize?: false }` → 202, the job;
 * - `GET api/embed/<output>` → the job: `{ state, done, total, seconds, ... }`;
 * - `DELETE api/embed/<output>` cancels it (the frame is left as it was).
 *
 * The vectors are not normalised by default, as `mobileNetV2Encoder()` gives them in Node (the
 * demo's and `df.embed`'s default), so the tab's column equals a Node run's.
 */
import { copyLayoutPoints } from '../../../src/core/app/polygon-condition.js';
import { markNull } from '../../../src/core/column/bitmap.js';
import { rowRange } from '../../../src/core/column/column.js';
import type { DeferredColumn } from '../../../src/core/column/deferred.js';
import { TensorColumn } from '../../../src/core/column/tensor.js';
import { ConflictError, InvalidArgumentError, ResourceNotFoundError } from '../../../src/core/errors.js';
import { yieldToEventLoop } from '../../../src/core/exec/event-loop-yield.js';
import type { DataFrame } from '../../../src/core/frame/frame.js';
import { recordColumnEncoder } from '../../../src/core/models/column-encoder.js';
import { MOBILENET_V2_LAYERS, MOBILENET_V2_NAME } from '../../../src/core/models/mobilenet-v2-onnx.js';
import { normalizeRows } from '../../../src/core/tensor/loops.js';
import type { ImagePixels, InTabEncoder } from './in-tab-encoder.js';

/** Images per run of the network: about 0.2 s of one wasm thread, so the worker answers the table between runs. */
const BATCH_SIZE = 2;

/** What a job is doing; `complete` once its column is in the frame. */
export type EmbedState = 'loading' | 'running' | 'complete' | 'failed' | 'cancelled';

/** A job as the API describes it. */
export interface EmbedJob {
  column: string;
  output: string;
  encoder: string;
  dimensions: number;
  normalize: boolean;
  state: EmbedState;
  /** Rows encoded so far, of `total`. */
  done: number;
  total: number;
  /** Seconds since the job started (loading the network included), and those the loading took. */
  seconds: number;
  loadSeconds: number | null;
  error?: { type: string; message: string };
}

/** The frame the jobs read and extend, and its views (the in-tab API's). */
export interface EmbedTarget {
  frame: DataFrame;
  readonly views: { replaceFrame(frame: DataFrame): void };
}

interface RunningJob {
  job: EmbedJob;
  started: number;
  abort: AbortController;
}

/** The built-in encoder, its module (onnxruntime-web with it) imported on the first embed. */
async function builtInEncoder(): Promise<InTabEncoder> {
  const { mobileNetV2InTab } = await import('./in-tab-encoder');
  return mobileNetV2InTab('flatten_1');
}

export class InTabEmbeds {
  private readonly jobs = new Map<string, RunningJob>();

  constructor(
    private readonly target: EmbedTarget,
    /** Loads the encoder (tests give a small one; the network needs a browser's wasm). */
    private readonly loadEncoder: () => Promise<InTabEncoder> = builtInEncoder,
  ) {}

  /** Start embedding `body.column`; a job already running for it is returned as it is. */
  start(body: Record<string, unknown>): EmbedJob {
    const { column, encoder = MOBILENET_V2_NAME, normalize = false } = body;
    if (typeof column !== 'string') throw new InvalidArgumentError('an embed needs a "column" (a string)');
    if (encoder !== MOBILENET_V2_NAME)
      throw new InvalidArgumentError(
        `the tab has one encoder, "${MOBILENET_V2_NAME}"; got ${JSON.stringify(encoder)}`,
      );
    if (typeof normalize !== 'boolean') throw new InvalidArgumentError('"normalize" must be true or false');
    const images = imageColumn(this.target.frame, column);
    const output = `${column}_embedding`;
    const running = this.jobs.get(output);
    if (running !== undefined && (running.job.state === 'loading' || running.job.state === 'running'))
      return this.describe(running);
    if (this.target.frame.has(output))
      throw new ConflictError(`the frame already has a column "${output}"; search by it, or rename it first`);
    const job: EmbedJob = {
      column,
      output,
      encoder: MOBILENET_V2_NAME,
      dimensions: MOBILENET_V2_LAYERS.flatten_1,
      normalize,
      state: 'loading',
      done: 0,
      total: images.length,
      seconds: 0,
      loadSeconds: null,
    };
    const entry: RunningJob = { job, started: performance.now(), abort: new AbortController() };
    this.jobs.set(output, entry);
    void this.run(entry, images).catch((e: unknown) => {
      job.state = entry.abort.signal.aborted ? 'cancelled' : 'failed';
      if (job.state === 'failed')
        job.error = {
          type: e instanceof Error ? e.name : 'Error',
          message: e instanceof Error ? e.message : String(e),
        };
    });
    return this.describe(entry);
  }

  /** The job that makes column `output`. */
  get(output: string): EmbedJob {
    return this.describe(this.entry(output));
  }

  /** Cancel the job that makes `output` (a finished job is left as it is). */
  cancel(output: string): void {
    this.entry(output).abort.abort();
  }

  /** Cancel every job (a new file replaces this one). */
  close(): void {
    for (const { abort } of this.jobs.values()) abort.abort();
  }

  private entry(output: string): RunningJob {
    const entry = this.jobs.get(output);
    if (entry === undefined) throw new ResourceNotFoundError(`no embedding job makes a column "${output}"`);
    return entry;
  }

  private describe({ job, started }: RunningJob): EmbedJob {
    const ended = job.state !== 'loading' && job.state !== 'running';
    return ended ? { ...job } : { ...job, seconds: (performance.now() - started) / 1000 };
  }

  private async run(entry: RunningJob, images: DeferredColumn<ImagePixels>): Promise<void> {
    const { job, abort } = entry;
    const encoder = await this.loadEncoder();
    job.dimensions = encoder.dimensions;
    job.loadSeconds = (performance.now() - entry.started) / 1000;
    job.state = 'running';
    const d = encoder.dimensions;
    const n = images.length;
    const data = new Float32Array(n * d);
    let validity: Uint8Array | null = null;
    for (let start = 0; start < n; start += BATCH_SIZE) {
      await yieldToEventLoop();
      if (abort.signal.aborted) throw new Error('cancelled');
      const end = Math.min(n, start + BATCH_SIZE);
      const loaded = await images.load(rowRange(start, end));
      const present = loaded.flatMap((img, i) => (img === null ? [] : [{ img, row: start + i }]));
      for (let i = 0; i < loaded.length; i++)
        if (loaded[i] === null) validity = markNull(validity, n, start + i);
      if (present.length > 0) {
        const vectors = await encoder.encode(present.map((p) => p.img));
        present.forEach((p, i) => {
          data.set(vectors.subarray(i * d, (i + 1) * d), p.row * d);
        });
      }
      job.done = end;
    }
    if (abort.signal.aborted) throw new Error('cancelled');
    const vectors = job.normalize ? normalizeRows(data, n, d) : data;
    const embedding = new TensorColumn(vectors, [d], n, validity);
    recordColumnEncoder(embedding, {
      name: MOBILENET_V2_NAME,
      options: { layer: encoder.layer, normalize: job.normalize },
    });
    const frame = this.target.frame;
    if (frame.has(job.output)) throw new ConflictError(`the frame got a column "${job.output}" meanwhile`);
    const next = frame.withColumn(job.output, embedding);
    this.target.frame = next;
    // The map's layouts stay usable by the `in polygon` filter (a lasso) over the new frame.
    copyLayoutPoints(frame, next);
    this.target.views.replaceFrame(next);
    job.seconds = (performance.now() - entry.started) / 1000;
    job.state = 'complete';
  }
}

/** Column `name` of `frame` as an image media column (one decoded image, or null, per row). */
function imageColumn(frame: DataFrame, name: string): DeferredColumn<ImagePixels> {
  const col = frame.column(name); // ColumnNotFoundError (404) for an unknown name
  if (col.type.kind !== 'deferred' || col.type.media !== 'image')
    throw new InvalidArgumentError(
      `column "${name}" is ${col.type.kind === 'deferred' ? `a ${col.type.media ?? 'computed'} column` : `a ${col.type.kind} column`}; the tab embeds image columns`,
    );
  return col as DeferredColumn<ImagePixels>;
}
