/**
 * Layout coordinates ↔ the scatterplot's space (regl-scatterplot wants points within [-1, 1]): one
 * scale for both axes (the layout's shape is kept) around the centre of its bounding box. Rows
 * without a layout (NaN) are put far outside the view. The lasso comes back in the scatterplot's
 * space and goes to the server in layout coordinates.
 */
export interface MapSpace {
  cx: number;
  cy: number;
  /** Layout units per scatterplot unit. */
  scale: number;
}

const MARGIN = 1.06;
const AWAY = 1e4;

export function mapSpace(xy: Float32Array): MapSpace {
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < xy.length; i += 2) {
    const x = xy[i];
    const y = xy[i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  if (minX > maxX) return { cx: 0, cy: 0, scale: 1 };
  const half = Math.max(maxX - minX, maxY - minY) / 2;
  return { cx: (minX + maxX) / 2, cy: (minY + maxY) / 2, scale: half > 0 ? half * MARGIN : 1 };
}

/** The points in the scatterplot's space, as separate x and y arrays. */
export function toPlot(xy: Float32Array, s: MapSpace): { x: Float32Array; y: Float32Array } {
  const n = xy.length >> 1;
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const px = xy[2 * i];
    const py = xy[2 * i + 1];
    const ok = Number.isFinite(px) && Number.isFinite(py);
    x[i] = ok ? (px - s.cx) / s.scale : AWAY;
    y[i] = ok ? (py - s.cy) / s.scale : AWAY;
  }
  return { x, y };
}

export function fromPlot([x, y]: readonly [number, number], s: MapSpace): [number, number] {
  return [x * s.scale + s.cx, y * s.scale + s.cy];
}

export function toPlotPoint([x, y]: readonly [number, number], s: MapSpace): [number, number] {
  return [(x - s.cx) / s.scale, (y - s.cy) / s.scale];
}

/** A point size that reads from 1k to 1M points: large for few, one pixel or so for a million. */
export function pointSizeFor(n: number): number {
  return Math.min(8, Math.max(1, 2 * (1e5 / Math.max(1, n)) ** 0.25));
}
