/** Rough size in bytes of a cached value, for the cache's memory bound. */
export function estimateBytes(v: unknown): number {
  if (v === null || v === undefined) return 8;
  if (typeof v === 'string') return 16 + 2 * v.length;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return 16;
  if (ArrayBuffer.isView(v)) return 64 + v.byteLength;
  if (Array.isArray(v)) return 32 + v.reduce((s: number, x) => s + estimateBytes(x), 0);
  if (typeof v === 'object') {
    let s = 64;
    for (const x of Object.values(v as object)) s += estimateBytes(x);
    return s;
  }
  return 64;
}

/** Least-recently-used cache keyed by row (or any key), bounded by entry count and estimated bytes. */
export class LruCache<V, K = number> {
  private readonly map = new Map<K, { value: V; bytes: number }>();
  private bytes = 0;

  constructor(
    readonly maxEntries: number,
    readonly maxBytes: number,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get usedBytes(): number {
    return this.bytes;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    // Re-insert so Map order stays least- to most-recently used.
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  set(key: K, value: V): void {
    const old = this.map.get(key);
    if (old) {
      this.bytes -= old.bytes;
      this.map.delete(key);
    }
    const bytes = estimateBytes(value);
    if (bytes > this.maxBytes || this.maxEntries <= 0) return;
    this.map.set(key, { value, bytes });
    this.bytes += bytes;
    while (this.map.size > this.maxEntries || this.bytes > this.maxBytes) {
      const [k, e] = this.map.entries().next().value as [K, { bytes: number }];
      this.map.delete(k);
      this.bytes -= e.bytes;
    }
  }

  clear(): void {
    this.map.clear();
    this.bytes = 0;
  }
}
