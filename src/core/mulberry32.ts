/**
 * mulberry32: a tiny seeded generator of floats in [0, 1), the one the app's UMAP layouts draw from,
 * so the server's worker thread (src/node/server/umap-layout.ts) and the in-tab worker
 * (ui/src/local/umap-run.ts, in the tab's UMAP worker) lay the same rows out alike. The server's thread runs this
 * function's source text (`mulberry32.toString()`), so it must use nothing from outside its body.
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
