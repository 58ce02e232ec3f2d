/**
 * Drawing a tensor on a canvas, once per cell: a sparkline (1-D: one vertical min–max segment per
 * pixel column) or a heatmap (2-D: the slice averaged down to the canvas's pixels). The canvas is
 * sized for the device's pixel ratio, so lines stay sharp.
 */
import { decimate, downsample, firstSlice, type Grid, heatColor, tensorStats } from './tensor-model';

/** Size the canvas's backing store for `width` × `height` CSS pixels; its 2-D context, scaled to CSS px. */
function prepare(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.round(width * ratio));
  canvas.height = Math.max(1, Math.round(height * ratio));
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d');
  if (ctx === null) return null;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}

/** Draw `values` as a sparkline filling `width` × `height` CSS px. */
export function drawSparkline(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  width: number,
  height: number,
  colour = '#2f6fde',
): void {
  const ctx = prepare(canvas, width, height);
  if (ctx === null || values.length === 0) return;
  const ratio = window.devicePixelRatio || 1;
  // One column per device pixel: the finest a line can show.
  const { min, max } = decimate(values, Math.floor(width * ratio));
  const stats = tensorStats(values);
  if (!Number.isFinite(stats.min)) return;
  const span = stats.max - stats.min || 1;
  const pad = 1.5;
  const y = (v: number) => pad + (height - 2 * pad) * (1 - (v - stats.min) / span);
  const step = width / min.length;
  // The zero line, where zero is inside the range.
  if (stats.min < 0 && stats.max > 0) {
    ctx.strokeStyle = '#d5d9de';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(0, Math.round(y(0)) + 0.5);
    ctx.lineTo(width, Math.round(y(0)) + 0.5);
    ctx.stroke();
  }
  ctx.strokeStyle = colour;
  ctx.lineWidth = Math.max(1, 1.25 / ratio) * (min.length < width / 2 ? 1.5 : 1);
  ctx.lineJoin = 'round';
  ctx.beginPath();
  let drawing = false;
  for (let p = 0; p < min.length; p++) {
    if (Number.isNaN(min[p])) {
      drawing = false;
      continue;
    }
    const x = (p + 0.5) * step;
    // The line goes through each column's range: a spike inside a column still shows.
    if (drawing) ctx.lineTo(x, y(max[p]));
    else ctx.moveTo(x, y(max[p]));
    ctx.lineTo(x, y(min[p]));
    drawing = true;
  }
  ctx.stroke();
}

/**
 * Draw the first 2-D slice of a row of `shape` as a heatmap, fitted into `width` × `height` CSS px
 * with square cells where it can (centred); colours span the slice's min to max.
 */
export function drawHeatmap(
  canvas: HTMLCanvasElement,
  values: ArrayLike<number>,
  shape: readonly number[],
  width: number,
  height: number,
): void {
  const ctx = prepare(canvas, width, height);
  const slice = firstSlice(values, shape);
  if (ctx === null || slice === null || slice.rows === 0 || slice.cols === 0) return;
  const ratio = window.devicePixelRatio || 1;
  const cell = Math.min(width / slice.cols, height / slice.rows);
  const w = slice.cols * cell;
  const h = slice.rows * cell;
  const grid: Grid = downsample(
    slice,
    Math.max(1, Math.floor(h * ratio)),
    Math.max(1, Math.floor(w * ratio)),
  );
  const stats = tensorStats(grid.data);
  const span = stats.max - stats.min || 1;
  const image = new ImageData(grid.cols, grid.rows);
  for (let i = 0; i < grid.rows * grid.cols; i++) {
    const v = grid.data[i];
    const [r, g, b] = Number.isFinite(v) ? heatColor((v - stats.min) / span) : [255, 255, 255];
    image.data.set([r, g, b, 255], i * 4);
  }
  // The small image scaled up with sharp cell edges.
  const bitmap = document.createElement('canvas');
  bitmap.width = grid.cols;
  bitmap.height = grid.rows;
  bitmap.getContext('2d')?.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(bitmap, (width - w) / 2, (height - h) / 2, w, h);
}
