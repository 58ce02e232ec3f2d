/**
 * Seeded random matrices (Performer projections, Linformer's E and F) are functions of their
 * parameters, and in a model they are fixed parameters rather than per-call work: the attention
 * functions keep the few most recent ones, so repeated calls with the same sizes and seed do not
 * draw them again. Cached arrays are shared: they are only read, never handed to the caller.
 */

const LIMIT = 8;
const cache = new Map<string, unknown>();

/** The value for `key`, made by `make` on a miss; keeps the {@link LIMIT} most recently used. */
export function cachedDraw<V>(key: string, make: () => V): V {
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit); // most recent last
    return hit as V;
  }
  const value = make();
  cache.set(key, value);
  if (cache.size > LIMIT) cache.delete(cache.keys().next().value as string);
  return value;
}
