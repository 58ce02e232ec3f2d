/**
 * A small seeded generator of floats in [0, 1) (mulberry32) for tests, so a failing case reproduces
 * from its seed. Independent of src/core/random.ts, so tests of code that uses that one do not draw
 * their inputs from it.
 */
export function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
