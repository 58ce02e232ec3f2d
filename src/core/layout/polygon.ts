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

/** Horizontal bands the polygon's height is cut into: a point tests only the edges crossing its band. */
const BANDS = 256;

/** 1 for each point of `xy` (`x, y` interleaved) inside `polygon`, else 0. */
export function pointsInPolygon(xy: ArrayLike<number>, polygon: Polygon): Uint8Array {
  const n = xy.length >> 1;
  const k = polygon.length;
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const [x, y] of polygon) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  // Each edge (b → a) as its lower and upper y, and x as a function of y; listed under every band it spans.
  const ya = new Float64Array(k);
  const yb = new Float64Array(k);
  const xa = new Float64Array(k);
  const dx = new Float64Array(k);
  const bandHeight = (maxY - minY) / BANDS || 1;
  const bandOf = (y: number) => Math.min(BANDS - 1, Math.max(0, Math.floor((y - minY) / bandHeight)));
  const starts = new Int32Array(BANDS + 1);
  for (let a = 0, b = k - 1; a < k; b = a++) {
    [xa[a], ya[a]] = polygon[a];
    yb[a] = polygon[b][1];
    dx[a] = polygon[b][0] - polygon[a][0];
    if (ya[a] === yb[a]) continue; // a horizontal edge is never crossed
    for (let band = bandOf(Math.min(ya[a], yb[a])); band <= bandOf(Math.max(ya[a], yb[a])); band++)
      starts[band + 1]++;
  }
  for (let band = 0; band < BANDS; band++) starts[band + 1] += starts[band];
  const edges = new Int32Array(starts[BANDS]);
  const fill = starts.slice(0, BANDS);
  for (let a = 0; a < k; a++) {
    if (ya[a] === yb[a]) continue;
    for (let band = bandOf(Math.min(ya[a], yb[a])); band <= bandOf(Math.max(ya[a], yb[a])); band++)
      edges[fill[band]++] = a;
  }
  const inside = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i];
    const y = xy[2 * i + 1];
    // Also false for NaN.
    if (!(x >= minX && x <= maxX && y >= minY && y <= maxY)) continue;
    const band = bandOf(y);
    let odd = 0;
    for (let e = starts[band]; e < starts[band + 1]; e++) {
      const a = edges[e];
      // The edge crosses the horizontal line through y, right of x (half-open in y: each vertex counted once).
      if (ya[a] > y !== yb[a] > y && x < (dx[a] * (y - ya[a])) / (yb[a] - ya[a]) + xa[a]) odd ^= 1;
    }
    inside[i] = odd;
  }
  return inside;
}
