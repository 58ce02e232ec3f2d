import { type Column, rowRange } from '../column/column.js';
import { DeferredColumn } from '../column/deferred.js';
import { TensorColumn } from '../column/tensor.js';
import { InvalidArgumentError, LengthMismatchError, TypeMismatchError } from '../errors.js';
import {
  type BatchRunOptions,
  batchSizeOf,
  frameBatchPlan,
  registerFrameBatchTask,
  runPlan,
} from '../exec/batch-run.js';
import { type EncoderRef, isFunctionRef, loadEncoder, moduleSpecifier } from '../exec/function-ref.js';
import { streamTo, type TensorOutput, tensorSinkOpener } from '../exec/output-sink.js';
import type { Encoder } from '../models/encoder.js';
import type { DataFrame } from './frame.js';

export interface EmbedOptions extends BatchRunOptions {
  /** Inputs per `encode` call (default 64). */
  batchSize?: number;
  /** Stream the vectors to an `.npy` file as batches complete; the column then reads from that file. */
  output?: TensorOutput;
}

/** What a worker builds an embed's runner from: the encoder by name, and the column to encode. */
interface EmbedTaskSetup {
  encoder: EncoderRef;
  column: string;
}

// A worker builds its own encoder once, then encodes each batch it gets and sends the vectors back.
registerFrameBatchTask('embed', async (setup: EmbedTaskSetup) => {
  const encoder = await loadEncoder(setup.encoder);
  return async (batch) => [await encodeBatch(encoder, batch, setup.column)];
});

/**
 * The vectors of one column under `encoder`, one float32 row of `encoder.dimensions` per row, in
 * row order. Pass an {@link Encoder} to encode here, or an {@link EncoderRef} (module, export,
 * constructor arguments) so that each worker of a worker-pool executor builds its own.
 */
export async function embedColumn(
  df: DataFrame,
  name: string,
  encoder: Encoder | EncoderRef,
  options: EmbedOptions = {},
): Promise<Column> {
  const batchSize = batchSizeOf(options, 64);
  const frame = df.select(name);
  const total = frame.length;
  const ref = isFunctionRef(encoder) ? (encoder as EncoderRef) : null;
  if (ref === null && typeof (encoder as Encoder).encode !== 'function')
    throw new InvalidArgumentError(
      'embed needs an Encoder (with encode()) or { module, export, args } naming one',
    );

  // A ref runs inline too: the encoder is then built here, once, and freed after the run.
  let local: Promise<Encoder> | null = ref === null ? Promise.resolve(encoder as Encoder) : null;
  const plan = frameBatchPlan(
    frame,
    batchSize,
    async (batch) => {
      local ??= loadEncoder(ref as EncoderRef);
      return [await encodeBatch(await local, batch, name)];
    },
    ref === null
      ? undefined
      : {
          kind: 'embed',
          setup: {
            encoder: { module: moduleSpecifier(ref), export: ref.export, args: ref.args ?? [] },
            column: name,
          } satisfies EmbedTaskSetup,
        },
  );
  /** Batch `b`'s vectors (its one output) as a tensor column of its rows. */
  const vectorsOf = ([vectors]: ArrayLike<unknown>[], b: number): TensorColumn<Float32Array> => {
    const [start, end] = plan.rows(b);
    const rows = end - start;
    return new TensorColumn(vectors as Float32Array, [rows === 0 ? 0 : vectors.length / rows], rows);
  };

  const label = `embed ${name}${ref === null ? ` (${(encoder as Encoder).name})` : ''}`;
  try {
    if (options.output) {
      const dims = ref === null ? (encoder as Encoder).dimensions : undefined;
      const expected = dims === undefined ? undefined : { dtype: 'float32' as const, shape: [dims] };
      const sink = await tensorSinkOpener()(options.output, total, expected);
      return await streamTo(sink, () =>
        runPlan(label, total, plan, options, (b, outputs) => sink.write(vectorsOf(outputs, b))),
      );
    }
    const parts = (await runPlan(label, total, plan, options)).map(vectorsOf);
    const dims = parts[0]?.rowSize ?? (ref === null ? (encoder as Encoder).dimensions : 0);
    const data = new Float32Array(total * dims);
    let at = 0;
    for (const p of parts) {
      data.set(p.data, at);
      at += p.data.length;
    }
    return new TensorColumn(data, [dims], total);
  } finally {
    if (ref !== null && local !== null) await (await local.catch(() => null))?.dispose?.();
  }
}

/** One batch's vectors: `encode` over the column's values (computed first for a deferred column). */
export async function encodeBatch(encoder: Encoder, batch: DataFrame, name: string): Promise<Float32Array> {
  const col = batch.column(name);
  const values = col instanceof DeferredColumn ? await col.load(rowRange(0, col.length)) : col.toArray();
  const out = await encoder.encode(values);
  if (!(out instanceof Float32Array))
    throw new TypeMismatchError(`encoder "${encoder.name}" returned ${describe(out)}, not a Float32Array`);
  if (out.length !== batch.length * encoder.dimensions)
    throw new LengthMismatchError(
      `encoder "${encoder.name}" returned ${out.length} floats for ${batch.length} inputs; ` +
        `expected ${batch.length} × ${encoder.dimensions}`,
    );
  return out;
}

function describe(v: unknown): string {
  return v === null || typeof v !== 'object' ? String(v) : (v.constructor?.name ?? 'an object');
}
