import { markNull } from '../column/bitmap.js';
import type { Column } from '../column/column.js';
import { TensorColumn } from '../column/tensor.js';
import { InvalidArgumentError, LengthMismatchError, TypeMismatchError } from '../errors.js';
import {
  type BatchRunOptions,
  batchSizeOf,
  frameBatchPlan,
  registerFrameBatchTask,
  runPlan,
} from '../exec/batch-run.js';
import { batchValues } from '../exec/batch-values.js';
import { type EncoderRef, isFunctionRef, loadEncoder, moduleSpecifier } from '../exec/function-ref.js';
import { streamTo, type TensorOutput, tensorSinkOpener } from '../exec/output-sink.js';
import { recordColumnEncoder } from '../models/column-encoder.js';
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
  return async (batch) => batchOutputs(await encodeBatch(encoder, batch, setup.column));
});

/** A batch's vectors as the outputs of its task: the vectors, then the validity where rows are null. */
function batchOutputs({ vectors, validity }: BatchVectors): ArrayLike<unknown>[] {
  return validity === null ? [vectors] : [vectors, validity];
}

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
      return batchOutputs(await encodeBatch(await local, batch, name));
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
  /** Batch `b`'s vectors (and validity, where rows are null) as a tensor column of its rows. */
  const vectorsOf = ([vectors, validity]: ArrayLike<unknown>[], b: number): TensorColumn<Float32Array> => {
    const [start, end] = plan.rows(b);
    const rows = end - start;
    const dims = rows === 0 ? 0 : vectors.length / rows;
    return new TensorColumn(
      vectors as Float32Array,
      [dims],
      rows,
      (validity as Uint8Array | undefined) ?? null,
    );
  };

  const label = `embed ${name}${ref === null ? ` (${(encoder as Encoder).name})` : ''}`;
  // The encoder's registered name and options go with its vectors (the store keeps them).
  const spec = ref === null ? (encoder as Encoder).spec : undefined;
  const recorded = (column: Column): Column => {
    if (spec !== undefined) recordColumnEncoder(column, spec);
    return column;
  };
  try {
    if (options.output) {
      const dims = ref === null ? (encoder as Encoder).dimensions : undefined;
      const expected = dims === undefined ? undefined : { dtype: 'float32' as const, shape: [dims] };
      const sink = await tensorSinkOpener()(options.output, total, expected);
      return recorded(
        await streamTo(sink, () =>
          runPlan(label, total, plan, options, (b, outputs) => sink.write(vectorsOf(outputs, b))),
        ),
      );
    }
    const parts = (await runPlan(label, total, plan, options)).map(vectorsOf);
    const dims = parts[0]?.rowSize ?? (ref === null ? (encoder as Encoder).dimensions : 0);
    const data = new Float32Array(total * dims);
    let validity: Uint8Array | null = null;
    let at = 0;
    for (const p of parts) {
      data.set(p.data, at * dims);
      for (let i = 0; i < p.length; i++) if (p.isNull(i)) validity = markNull(validity, total, at + i);
      at += p.length;
    }
    return recorded(new TensorColumn(data, [dims], total, validity));
  } finally {
    if (ref !== null && local !== null) await (await local.catch(() => null))?.dispose?.();
  }
}

/** One batch's vectors, and its validity bitmap when some rows are null (null when none is). */
export interface BatchVectors {
  /** `batch.length × dimensions` floats; zeros at null rows. */
  vectors: Float32Array;
  validity: Uint8Array | null;
}

/**
 * One batch's vectors: `encode` over the column's values (computed first for a deferred column).
 * Null cells never reach the encoder: their rows are null in the output (null in, null out).
 */
export async function encodeBatch(encoder: Encoder, batch: DataFrame, name: string): Promise<BatchVectors> {
  const values = await batchValues(batch.column(name));
  const present: number[] = [];
  let validity: Uint8Array | null = null;
  for (let i = 0; i < values.length; i++)
    if (values[i] === null || values[i] === undefined) validity = markNull(validity, values.length, i);
    else present.push(i);
  const inputs = present.length === values.length ? values : present.map((i) => values[i]);
  const out = inputs.length === 0 ? new Float32Array(0) : await encoder.encode(inputs);
  if (!(out instanceof Float32Array))
    throw new TypeMismatchError(`encoder "${encoder.name}" returned ${describe(out)}, not a Float32Array`);
  const d = encoder.dimensions;
  if (out.length !== inputs.length * d)
    throw new LengthMismatchError(
      `encoder "${encoder.name}" returned ${out.length} floats for ${inputs.length} inputs; ` +
        `expected ${inputs.length} × ${d}`,
    );
  if (validity === null) return { vectors: out, validity };
  const vectors = new Float32Array(values.length * d);
  present.forEach((row, k) => {
    vectors.set(out.subarray(k * d, (k + 1) * d), row * d);
  });
  return { vectors, validity };
}

function describe(v: unknown): string {
  return v === null || typeof v !== 'object' ? String(v) : (v.constructor?.name ?? 'an object');
}
