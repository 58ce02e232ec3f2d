/**
 * Which 2-D points lie inside a polygon (a lasso or a box drawn over the map): the even-odd rule by
 * ray casting, after a bounding-box test that rejects most points of a small lasso at once. Points
 * with a NaN coordinate (rows without a layout) are never inside.
 */
import { InvalidArgumentError } from '../errors.js';

/** A polygon as its vertices in order (closed implicitly: the last joins the first). */
export type Polygon = readonly (readonly [number, number])[];

/** Most vertices a polygon may have (a lasso is simplified long before this). */
export const MAX_POLYGON_VERTICES = 10_000;

/** `value` as a polygon of at least 3 finite vertices, or a clear error. */
export function checkPolygon(value: unknown): Polygon {
  if (!Array.isArray(value) || value.length < 3 || value.length > MAX_POLYGON_VERTICES)
    throw new InvalidArgumentError(
      `a polygon is a list of 3 to ${MAX_POLYGON_VERTICES} [x, y] vertices, got ${Array.isArray(value) ? `${value.length} items` : JSON.stringify(value)}`,
    );
  for (const v of value)
    if (!Array.isArray(v) || v.length !== 2 || !Number.isFinite(v[0]) || !Number.isFinite(v[1]))
      throw new InvalidArgumentError(
        `a polygon vertex is [x, y] with finite numbers, got ${JSON.stringify(v)}`,
      );
  return value as Polygon;
}

/** 1 for each point of `xy` (`x, y` interleaved) inside `polygon`, else 0. */
export function pointsInPolygon(xy: ArrayLike<number>, polygon: Polygon): Uint8Array {
  const n = xy.length >> 1;
  const k = polygon.length;
  const px = new Float64Array(k);
  const py = new Float64Array(k);
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < k; j++) {
    px[j] = polygon[j][0];
    py[j] = polygon[j][1];
    minX = Math.min(minX, px[j]);
    maxX = Math.max(maxX, px[j]);
    minY = Math.min(minY, py[j]);
    maxY = Math.max(maxY, py[j]);
  }
  const inside = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i];
    const y = xy[2 * i + 1];
    // Also false for NaN.
    if (!(x >= minX && x <= maxX && y >= minY && y <= maxY)) continue;
    let odd = 0;
    for (let a = 0, b = k - 1; a < k; b = a++) {
      // The edge (b → a) crosses the horizontal line through y, right of x.
      if (py[a] > y !== py[b] > y && x < ((px[b] - px[a]) * (y - py[a])) / (py[b] - py[a]) + px[a]) odd ^= 1;
    }
    inside[i] = odd;
  }
  return inside;
}
