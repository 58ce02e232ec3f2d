// The one way operations build frames. DataFrame's methods import the operations, so the
// operations cannot import DataFrame back (that would be an import cycle): frame.ts registers
// the class here when it loads, and every operation builds its frames through createFrame.
import { UnsupportedError } from '../errors.js';
import type { DataFrame } from './frame.js';

type DataFrameClass = typeof DataFrame;

let frameClass: DataFrameClass | null = null;

/** Called once, by frame.ts, as it loads. */
export function registerFrameClass(cls: DataFrameClass): void {
  frameClass = cls;
}

/** A new frame: the same as `new DataFrame(columns, options)`. */
export function createFrame(...args: ConstructorParameters<DataFrameClass>): DataFrame {
  return new (loadedClass())(...args);
}

/** Whether `value` is a DataFrame. */
export function isDataFrame(value: unknown): value is DataFrame {
  return value instanceof loadedClass();
}

function loadedClass(): DataFrameClass {
  // Only code that never loaded frame.ts gets here, e.g. a worker that decodes a batch without it.
  if (frameClass === null)
    throw new UnsupportedError('DataFrame is not loaded in this thread: import core/frame/frame.js first');
  return frameClass;
}
