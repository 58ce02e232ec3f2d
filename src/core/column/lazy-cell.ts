/**
 * A cell of an asynchronous column (a media column, or a deferred column whose function is async),
 * as `df.row(i)` gives it: nothing is decoded until `load()`, and it prints as the frame's table
 * prints that cell (`<image 100×100×4>`), so reading or printing a row never throws.
 */
export class LazyCell<T = unknown> {
  constructor(
    private readonly loader: () => Promise<T | null>,
    private readonly describe: () => string,
    /** What the cell is computed from: for a media column, the file path (or the bytes) of the row. */
    readonly source: unknown,
  ) {}

  /** The value (an ImageValue, AudioValue...; null for a null row), read through the column's cache. */
  load(): Promise<T | null> {
    return this.loader();
  }

  /** The printout of the cell without loading it, e.g. `<image 100×100×4>`. */
  toString(): string {
    return this.describe();
  }

  toJSON(): string {
    return this.toString();
  }

  /** What `console.log(row)` shows: the printout, and the file it comes from. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const text = this.toString();
    return typeof this.source === 'string' && !text.includes(this.source) ? `${text} ${this.source}` : text;
  }
}
