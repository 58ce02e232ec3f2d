/**
 * A selection drawn on the map, as the server filters by it: a polygon in the coordinates of one
 * layout (never a list of rows). In the URL it reads `lasso=<layout>&poly=x,y,x,y,…`; a lasso is
 * thinned to at most {@link MAX_VERTICES} vertices and its numbers rounded, so a link stays short.
 */
import type { Condition } from '../api';

export interface MapRegion {
  /** The layout's column name, e.g. `embedding.map.pca` (the server's `in polygon` op resolves it). */
  layout: string;
  polygon: [number, number][];
}

export const MAX_VERTICES = 64;

/** The server condition: rows whose layout point lies inside the polygon. */
export function regionCondition(region: MapRegion): Condition {
  return { column: region.layout, op: 'in polygon', value: region.polygon };
}

/** At most `max` of the vertices, evenly spread along the lasso, rounded to 6 significant digits. */
export function thinPolygon(
  points: readonly (readonly [number, number])[],
  max = MAX_VERTICES,
): [number, number][] {
  const step = Math.max(1, points.length / max);
  const out: [number, number][] = [];
  for (let k = 0; Math.floor(k) < points.length && out.length < max; k += step) {
    const [x, y] = points[Math.floor(k)];
    out.push([round(x), round(y)]);
  }
  return out;
}

function round(v: number): number {
  return Number(v.toPrecision(6));
}

/** `poly=` as numbers, or null when it is not a polygon of finite vertices. */
export function parsePolygon(text: string | null): [number, number][] | null {
  if (text === null) return null;
  const numbers = text.split(',').map(Number);
  if (numbers.length < 6 || numbers.length % 2 !== 0 || !numbers.every(Number.isFinite)) return null;
  const out: [number, number][] = [];
  for (let i = 0; i < numbers.length; i += 2) out.push([numbers[i], numbers[i + 1]]);
  return out.slice(0, MAX_VERTICES * 4);
}

export function formatPolygon(polygon: readonly (readonly [number, number])[]): string {
  return polygon.map(([x, y]) => `${x},${y}`).join(',');
}
