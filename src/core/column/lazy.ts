import { LengthMismatchError, TypeMismatchError } from '../errors.js';
import { Column, type Indices } from './column.js';
import { type ColumnType, formatType } from './types.js';

/** Where a {@link LazyColumn} gets its values. */
export interface LazySource<T = unknown> {
  /** The column's type, known before anything is loaded (e.g. from a dataset's manifest). */
  type: ColumnType;
  length: number;
  /** Load the whole column; called at most once. */
  load: () => Column<T>;
  /**
   * Optional row-level access that does not load the whole column (e.g. positioned reads of a
   * tensor file): single rows and `take` go here until the column has been loaded.
   */
  rows?: Column<T>;
}

/**
 * A column whose values are loaded on first access: what a frame opened from a dataset holds until a
 * column is read. Its type and length are known up front. `resolve()` loads it (once) and gives
 * the concrete column; DataFrame does that in `column(name)`, so frame operations see concrete
 * columns. Reading single rows or taking rows uses the source's row-level access when it has one
 * (a few rows of a large tensor column never load the rest).
 */
export class LazyColumn<T = unknown> extends Column<T> {
  readonly type: ColumnType;
  readonly length: number;
  private loaded: Column<T> | null = null;

  constructor(private readonly source: LazySource<T>) {
    super();
    this.type = source.type;
    this.length = source.length;
  }

  /** Whether the whole column has been loaded. */
  get isLoaded(): boolean {
    return this.loaded !== null;
  }

  /** The concrete column, loaded on the first call and kept. */
  resolve(): Column<T> {
    if (this.loaded === null) {
      const c = this.source.load();
      if (c.length !== this.length)
        throw new LengthMismatchError(`a lazy column of ${this.length} rows loaded as ${c.length} rows`);
      if (c.kind !== this.type.kind)
        throw new TypeMismatchError(
          `a lazy ${formatType(this.type)} column loaded as a ${formatType(c.type)} column`,
        );
      this.loaded = c;
    }
    return this.loaded;
  }

  /** What row reads go to: the loaded column, else the row-level source, else a full load. */
  private get reader(): Column<T> {
    return this.loaded ?? this.source.rows ?? this.resolve();
  }

  get nullCount(): number {
    return this.reader.nullCount;
  }

  isNull(i: number): boolean {
    return this.reader.isNull(i);
  }

  getUnchecked(i: number): T | null {
    return this.reader.getUnchecked(i);
  }

  take(indices: Indices): Column<T> {
    return this.reader.take(indices);
  }

  override slice(start = 0, end = this.length): Column<T> {
    return this.reader.slice(start, end);
  }

  format(i: number): string {
    return this.reader.format(i);
  }
}

/** The concrete column behind a possibly lazy one (loading it if needed). */
export function resolveColumn<T>(c: Column<T>): Column<T> {
  return c instanceof LazyColumn ? (c as LazyColumn<T>).resolve() : c;
}
