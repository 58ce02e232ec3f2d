/**
 * Level of detail for large maps: software WebGL draws about 2 million points a second, so a frame
 * stays fast only if at most {@link POINT_BUDGET} points are drawn. Within a view that holds more
 * (zoomed out), the points are aggregated into a grid of cells over the view: one point per non-empty
 * cell at its centroid, coloured by the cell's most frequent category (or mean value) and as opaque
 * as it is dense. Within a view that holds fewer (zoomed in), only the points in it are drawn. Both
 * cover the view with a margin, so a small pan needs no new draw. Coordinates are the scatterplot's.
 */

/** Most points drawn at once. */
export const POINT_BUDGET = 60_000;
/** Smallest cell of an aggregation, in screen pixels. */
const MIN_CELL_PX = 3;
/** How far beyond the view a drawing reaches, in view widths on each side. */
const MARGIN = 0.25;

export interface Rect {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** What is drawn: points, their values, the frame row each one stands for, and how many rows. */
export interface Drawing {
  x: Float32Array;
  y: Float32Array;
  /** The colour value per point (category code or 0..1), when coloured. */
  z: Float32Array | null;
  /** Density per point, 0..1 (aggregated only). */
  w: Float32Array | null;
  /** The frame row each point is (or, aggregated, one row of its cell). */
  rows: Int32Array;
  /** Rows per point (aggregated), else null. */
  counts: Int32Array | null;
  /** The side of an aggregated cell in screen pixels (0 when not aggregated). */
  cellPx: number;
  /** The area it covers. */
  covers: Rect;
  aggregated: boolean;
}

/** `view` grown by the margin on every side. */
export function extend(view: Rect): Rect {
  const dx = (view.x1 - view.x0) * MARGIN;
  const dy = (view.y1 - view.y0) * MARGIN;
  return { x0: view.x0 - dx, x1: view.x1 + dx, y0: view.y0 - dy, y1: view.y1 + dy };
}

export function contains(outer: Rect, inner: Rect): boolean {
  return inner.x0 >= outer.x0 && inner.x1 <= outer.x1 && inner.y0 >= outer.y0 && inner.y1 <= outer.y1;
}

/**
 * The drawing for `view`: the points inside its extension when they fit the budget, else their
 * aggregation into cells. `kind` says how to merge colour values of a cell.
 */
export function drawingFor(
  x: Float32Array,
  y: Float32Array,
  z: Float32Array | null,
  kind: 'categorical' | 'continuous',
  view: Rect,
  pixels: { width: number; height: number },
): Drawing {
  const area = extend(view);
  const n = x.length;
  let inside = 0;
  for (let i = 0; i < n; i++)
    if (x[i] >= area.x0 && x[i] <= area.x1 && y[i] >= area.y0 && y[i] <= area.y1) inside++;
  if (inside <= POINT_BUDGET) {
    const rows = new Int32Array(inside);
    const px = new Float32Array(inside);
    const py = new Float32Array(inside);
    const pz = z === null ? null : new Float32Array(inside);
    for (let i = 0, k = 0; i < n; i++) {
      if (!(x[i] >= area.x0 && x[i] <= area.x1 && y[i] >= area.y0 && y[i] <= area.y1)) continue;
      rows[k] = i;
      px[k] = x[i];
      py[k] = y[i];
      if (pz !== null && z !== null) pz[k] = z[i];
      k++;
    }
    return { x: px, y: py, z: pz, w: null, rows, counts: null, cellPx: 0, covers: area, aggregated: false };
  }
  // Square cells, as small as the budget allows were every cell of the area filled.
  const scale = (1 + 2 * MARGIN) ** 2;
  const cellPx = Math.max(MIN_CELL_PX, Math.sqrt((pixels.width * pixels.height * scale) / POINT_BUDGET));
  const cell = (cellPx * (view.x1 - view.x0)) / Math.max(1, pixels.width);
  return aggregate(x, y, z, kind, area, cell, cellPx);
}

function aggregate(
  x: Float32Array,
  y: Float32Array,
  z: Float32Array | null,
  kind: 'categorical' | 'continuous',
  area: Rect,
  cell: number,
  cellPx: number,
): Drawing {
  const nx = Math.max(1, Math.ceil((area.x1 - area.x0) / cell));
  const ny = Math.max(1, Math.ceil((area.y1 - area.y0) / cell));
  const cells = nx * ny;
  const count = new Int32Array(cells);
  const sumX = new Float64Array(cells);
  const sumY = new Float64Array(cells);
  const sumZ = new Float64Array(cells);
  const first = new Int32Array(cells).fill(-1);
  const categories = kind === 'categorical' && z !== null ? maxCode(z) + 1 : 0;
  // Per cell and category counts, only for a few categories (the palette has 22 at most).
  const byCategory = categories > 0 ? new Int32Array(cells * categories) : null;
  for (let i = 0; i < x.length; i++) {
    const cx = Math.floor((x[i] - area.x0) / cell);
    const cy = Math.floor((y[i] - area.y0) / cell);
    if (!(cx >= 0 && cx < nx && cy >= 0 && cy < ny)) continue;
    const c = cy * nx + cx;
    if (first[c] < 0) first[c] = i;
    count[c]++;
    sumX[c] += x[i];
    sumY[c] += y[i];
    if (z !== null) {
      if (byCategory !== null) byCategory[c * categories + z[i]]++;
      else sumZ[c] += z[i];
    }
  }
  let used = 0;
  let most = 1;
  for (let c = 0; c < cells; c++)
    if (count[c] > 0) {
      used++;
      if (count[c] > most) most = count[c];
    }
  const px = new Float32Array(used);
  const py = new Float32Array(used);
  const pz = z === null ? null : new Float32Array(used);
  const w = new Float32Array(used);
  const rows = new Int32Array(used);
  const counts = new Int32Array(used);
  const logMost = Math.log1p(most);
  for (let c = 0, k = 0; c < cells; c++) {
    const m = count[c];
    if (m === 0) continue;
    px[k] = sumX[c] / m;
    py[k] = sumY[c] / m;
    if (pz !== null) {
      if (byCategory !== null) {
        let best = 0;
        for (let q = 1; q < categories; q++)
          if (byCategory[c * categories + q] > byCategory[c * categories + best]) best = q;
        pz[k] = best;
      } else pz[k] = sumZ[c] / m;
    }
    w[k] = Math.log1p(m) / logMost;
    rows[k] = first[c];
    counts[k] = m;
    k++;
  }
  return { x: px, y: py, z: pz, w, rows, counts, cellPx, covers: area, aggregated: true };
}

function maxCode(z: Float32Array): number {
  let m = 0;
  for (let i = 0; i < z.length; i++) if (z[i] > m) m = z[i];
  return m;
}
