import { getBit, nullCountOf } from './bitmap.js';
import { Column } from './column.js';

/**
 * A column in Arrow's layout, whose nulls are a validity bitmap (1 = valid); `validity` is null
 * when no row is null. Scalar and tensor columns share this.
 */
export abstract class NullableColumn<T> extends Column<T> {
  abstract readonly validity: Uint8Array | null;
  /** Counted on first use (-1 until then). */
  private nulls = -1;

  get nullCount(): number {
    if (this.nulls < 0) this.nulls = nullCountOf(this.validity, this.length);
    return this.nulls;
  }

  isNull(i: number): boolean {
    return this.validity !== null && !getBit(this.validity, i);
  }
}
