/**
 * Functions and an encoder for examples/parallel-map.ts. Worker threads load them by module path
 * and export name, so they live in a module of their own (a closure cannot move to another thread).
 */
import type { DataFrame } from '../src/core/frame/frame.js';

/** Batched: a toy sentiment score per text (happy words minus sad words), as float64. */
export function sentiment(batch: DataFrame): Float64Array {
  const texts = batch.column('text').toArray() as string[];
  return Float64Array.from(texts, (t) => count(t, HAPPY) - count(t, SAD));
}

/** Per row: keep texts of at least 5 words. */
export function isLong(row: { text: string }): boolean {
  return row.text.split(/\s+/).length >= 5;
}

const HAPPY = ['good', 'great', 'love', 'fine'];
const SAD = ['bad', 'awful', 'hate', 'poor'];

function count(text: string, words: string[]): number {
  let n = 0;
  for (const w of text.toLowerCase().split(/\W+/)) if (words.includes(w)) n++;
  return n;
}

/**
 * A text encoder by feature hashing: each character trigram adds 1 to one of `dimensions` buckets
 * (FNV-1a hash); vectors are scaled to unit length. Deterministic, no weights, fast.
 */
export class TrigramEncoder {
  readonly name = 'trigrams';
  readonly modality = 'text' as const;

  constructor(readonly dimensions: number) {}

  async encode(inputs: readonly unknown[]): Promise<Float32Array> {
    const d = this.dimensions;
    const out = new Float32Array(inputs.length * d);
    inputs.forEach((input, i) => {
      const text = ` ${String(input).toLowerCase()} `;
      for (let k = 0; k + 3 <= text.length; k++) {
        let h = 0x811c9dc5;
        for (let c = k; c < k + 3; c++) h = Math.imul(h ^ text.charCodeAt(c), 0x01000193);
        out[i * d + ((h >>> 0) % d)] += 1;
      }
      let norm = 0;
      for (let j = 0; j < d; j++) norm += out[i * d + j] ** 2;
      const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let j = 0; j < d; j++) out[i * d + j] *= scale;
    });
    return out;
  }
}
