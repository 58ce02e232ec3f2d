/**
 * Which encoder made an embedding column: `embed` records the {@link EncoderSpec} of an encoder
 * that has one on the column it returns, and the dataset store writes it into the manifest and
 * records it again on the column it reads. Kept beside the column object (as saved indexes are),
 * so every view, selection or rename of a frame that shares the column finds it.
 */
import type { Column } from '../column/column.js';
import type { DataFrame } from '../frame/frame.js';
import type { EncoderSpec } from './encoder.js';

const made = new WeakMap<Column, EncoderSpec>();

/** @internal Records that `spec` made the vectors of `column` (called by `embed` and the store's reader). */
export function recordColumnEncoder(column: Column, spec: EncoderSpec): void {
  made.set(column, spec);
}

/** The encoder recorded for a column object, if any. */
export function encoderSpecOf(column: Column): EncoderSpec | undefined {
  return made.get(column);
}

/**
 * The encoder that made column `name` of `df` (through views and selections of the frame it was
 * made or read in), or undefined when none is recorded: made by an encoder without a registered
 * name, computed otherwise, or read from a dataset written before encoders were recorded.
 */
export function columnEncoder(df: DataFrame, name: string): EncoderSpec | undefined {
  return made.get(df.columnSource(name).column);
}
