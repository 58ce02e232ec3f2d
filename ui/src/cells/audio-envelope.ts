/**
 * A waveform's envelope per pixel column: the buckets under each column (at least one: with fewer
 * buckets than pixels a bucket spans several columns) folded to one minimum and maximum over the
 * chosen channels. Pure, so it is tested without a canvas (test/ui/audio-envelope.test.ts).
 */

/** Which buckets pixel column `x` of `pixels` covers: [first, end). */
export function bucketsOfPixel(x: number, pixels: number, buckets: number): [number, number] {
  const first = Math.min(buckets - 1, Math.floor((x * buckets) / pixels));
  return [first, Math.max(first + 1, Math.floor(((x + 1) * buckets) / pixels))];
}

/**
 * `pixels` × 2 numbers: min then max of pixel column x at 2x, over channels [firstChannel,
 * lastChannel] of `peaks` (channels × buckets × 2, min then max per bucket, as the server sends).
 */
export function pixelEnvelope(
  peaks: Float32Array,
  buckets: number,
  pixels: number,
  firstChannel: number,
  lastChannel: number,
): Float32Array {
  const out = new Float32Array(pixels * 2);
  if (buckets === 0) return out;
  for (let x = 0; x < pixels; x++) {
    const [b0, b1] = bucketsOfPixel(x, pixels, buckets);
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let c = firstChannel; c <= lastChannel; c++)
      for (let b = b0; b < b1; b++) {
        lo = Math.min(lo, peaks[2 * (c * buckets + b)]);
        hi = Math.max(hi, peaks[2 * (c * buckets + b) + 1]);
      }
    out[2 * x] = lo;
    out[2 * x + 1] = hi;
  }
  return out;
}
