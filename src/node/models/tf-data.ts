/**
 * A frame as a `tf.data` dataset for TensorFlow.js training (`model.fitDataset`), built on
 * `df.batches`: features stacked into one float32 tensor per batch, labels into an int32 (class
 * codes) or float32 tensor. Runs on the wasm backend (see tfjs-env.ts).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { InvalidArgumentError, TypeMismatchError } from '../../core/errors.js';
import type { BatchArray } from '../../core/frame/batches.js';
import type { DataFrame } from '../../core/frame/frame.js';
import { wasmTfjs } from './tfjs-env.js';

/** Options of {@link toTfDataset}. */
export interface TfDatasetOptions {
  /**
   * Feature columns. One column gives `xs` of shape `[batch, ...its row shape]`; several (scalar
   * or 1-d tensor columns) are concatenated along the last axis into `[batch, total]`.
   */
  features: string | readonly string[];
  /**
   * The label column: integers, strings (as codes into the sorted distinct strings) or floats, as
   * `ys` of shape `[batch]`. Without it the dataset yields `{ xs }` only.
   */
  label?: string;
  /**
   * Element type of `ys`: float32 (default; what TensorFlow.js's losses, `sparseCategoricalCrossentropy`
   * included, take, with class codes as whole numbers) or int32 (class codes, e.g. for `tf.oneHot`).
   */
  labelDtype?: 'float32' | 'int32';
  /** With integer labels: one-hot `ys` of this depth (float32 `[batch, depth]`, for `categoricalCrossentropy`). */
  oneHot?: number;
  /** Rows per batch. */
  batchSize: number;
  /** Shuffle the rows anew each epoch: epoch `e` uses seed `seed + e`. Default false. */
  shuffle?: boolean;
  /** Seed of the first epoch's shuffle; default 0. */
  seed?: number;
  /** Leave out the last, smaller batch (default false). */
  dropLast?: boolean;
}

/** One element of the dataset: features and (when a label is given) labels of a batch. */
export interface TfBatch extends tfTypes.TensorContainerObject {
  xs: tfTypes.Tensor;
  ys: tfTypes.Tensor;
}

/** Feature columns of a batch as one float32 array and its shape. */
function featureArray(columns: Record<string, BatchArray>, names: readonly string[], size: number) {
  if (names.length === 1) {
    const a = columns[names[0]];
    return { data: a.data instanceof Float32Array ? a.data : Float32Array.from(a.data), shape: a.shape };
  }
  const widths = names.map((name) => {
    const a = columns[name];
    if (a.shape.length > 2)
      throw new TypeMismatchError(
        `feature column "${name}" has rows of shape [${a.shape.slice(1).join(', ')}]; several features ` +
          'are concatenated, so each must be a scalar or 1-d tensor column (or pass it alone)',
      );
    return a.shape.length === 1 ? 1 : a.shape[1];
  });
  const total = widths.reduce((s, w) => s + w, 0);
  const data = new Float32Array(size * total);
  let at = 0;
  names.forEach((name, j) => {
    const src = columns[name].data;
    const w = widths[j];
    for (let i = 0; i < size; i++) for (let t = 0; t < w; t++) data[i * total + at + t] = src[i * w + t];
    at += w;
  });
  return { data, shape: [size, total] };
}

/**
 * A `tf.data` dataset over the rows of `df`, in batches: `{ xs, ys }` per batch (or `{ xs }`
 * without a label). Each pass over the dataset (each epoch of `model.fitDataset`) visits every
 * row once; with `shuffle`, in a new seeded order per epoch. Also starts TensorFlow.js on its
 * wasm backend, loaded from the installed package (nothing is downloaded).
 *
 * ```ts
 * const ds = await toTfDataset(df, { features: 'x', label: 'y', batchSize: 32, shuffle: true });
 * await model.fitDataset(ds, { epochs: 5 });
 * ```
 */
export async function toTfDataset(
  df: DataFrame,
  options: TfDatasetOptions,
): Promise<tfTypes.data.Dataset<TfBatch>> {
  const tf = await wasmTfjs();
  const features = typeof options.features === 'string' ? [options.features] : [...options.features];
  if (features.length === 0) throw new InvalidArgumentError('toTfDataset needs at least one feature column');
  const {
    label,
    oneHot,
    batchSize,
    shuffle = false,
    seed = 0,
    dropLast = false,
    labelDtype = 'float32',
  } = options;
  if (labelDtype !== 'float32' && labelDtype !== 'int32')
    throw new InvalidArgumentError(`labelDtype must be 'float32' or 'int32', got ${String(labelDtype)}`);
  if (label !== undefined && features.includes(label))
    throw new InvalidArgumentError(`column "${label}" is both a feature and the label`);
  if (oneHot !== undefined && (!Number.isSafeInteger(oneHot) || oneHot < 1))
    throw new InvalidArgumentError(
      `oneHot must be the number of classes (a positive integer), got ${oneHot}`,
    );
  const columns = label === undefined ? features : [...features, label];
  // Fail on bad options now rather than inside the first epoch.
  const probe = df.batches({ batchSize, columns, dropLast });
  await probe.next();
  await probe.return(undefined);
  let epoch = 0;
  return tf.data.generator(() => {
    const batches = df.batches({ batchSize, columns, dropLast, shuffle, seed: seed + epoch++ });
    return {
      async next(): Promise<IteratorResult<TfBatch>> {
        const step = await batches.next();
        if (step.done) return { done: true, value: undefined };
        const b = step.value;
        const x = featureArray(b.columns, features, b.size);
        const value = { xs: tf.tensor(x.data, x.shape, 'float32') } as TfBatch;
        if (label !== undefined) {
          const y = b.columns[label];
          if (oneHot !== undefined) {
            if (!(y.data instanceof Int32Array))
              throw new TypeMismatchError(`oneHot needs integer or string labels; "${label}" holds floats`);
            value.ys = tf.tidy(() => tf.oneHot(tf.tensor1d(y.data as Int32Array, 'int32'), oneHot).toFloat());
          } else if (labelDtype === 'int32') {
            if (!(y.data instanceof Int32Array))
              throw new TypeMismatchError(
                `labelDtype 'int32' needs integer or string labels; "${label}" holds floats`,
              );
            value.ys = tf.tensor(y.data, y.shape, 'int32');
          } else
            value.ys = tf.tensor(
              y.data instanceof Float32Array ? y.data : Float32Array.from(y.data),
              y.shape,
              'float32',
            );
        }
        return { done: false, value };
      },
    };
  });
}
