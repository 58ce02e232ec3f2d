import { truncateToWidth } from '../display-width.js';
import { Column, type Indices } from './column.js';

/**
 * Arbitrary JSON-serialisable values: graphs as node-link objects, bounding boxes, dicts.
 * `null` and `undefined` are nulls.
 */
export class ObjectColumn<T = unknown> extends Column<T> {
  readonly type = { kind: 'object' } as const;
  readonly length: number;

  constructor(readonly values: readonly (T | null | undefined)[]) {
    super();
    this.length = values.length;
  }

  get nullCount(): number {
    let n = 0;
    for (const v of this.values) if (v === null || v === undefined) n++;
    return n;
  }

  isNull(i: number): boolean {
    return this.values[i] === null || this.values[i] === undefined;
  }

  getUnchecked(i: number): T | null {
    return this.values[i] ?? null;
  }

  override slice(start = 0, end = this.length): ObjectColumn<T> {
    return new ObjectColumn(this.values.slice(start, end));
  }

  take(indices: Indices): ObjectColumn<T> {
    const out = new Array<T | null>(indices.length);
    for (let i = 0; i < indices.length; i++) {
      const j = indices[i];
      out[i] = j < 0 ? null : (this.values[j] ?? null);
    }
    return new ObjectColumn(out);
  }

  format(i: number): string {
    const v = this.values[i];
    if (v === null || v === undefined) return 'null';
    const text = JSON.stringify(v) ?? String(v);
    return truncateToWidth(text, 40, '...');
  }
}
