/**
 * mulberry32: a tiny seeded generator of floats in [0, 1), the one the app's UMAP layouts draw from
 * (core/layout/umap-run.ts, run alike by the server's UMAP thread and the tab's UMAP worker).
 */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
