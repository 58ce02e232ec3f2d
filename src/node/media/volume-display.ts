/**
 * How the app shows a NIfTI volume: as 8-bit grey slices in a fixed, documented orientation.
 *
 * Orientation: the voxel axes are matched to the nearest world axes of the affine and flipped where
 * needed so that they run Right, Anterior, Superior (RAS+), as nibabel's `as_closest_canonical` does
 * (its `io_orientation`: each voxel axis in turn takes the world axis its direction cosine is largest
 * on; sheared affines are not first orthogonalised). Canonical axis 0 is x (left→right), 1 is y
 * (posterior→anterior), 2 is z (inferior→superior). A slice fixes one of them and is drawn the way
 * radiological viewers draw it (the patient's right on the image's left):
 * - axis 0, sagittal: superior up, anterior on the left;
 * - axis 1, coronal: superior up, the patient's right on the left;
 * - axis 2, axial: anterior up, the patient's right on the left.
 * In numpy terms, with `c` the canonical array and `s` its slice (`c[i]`, `c[:, i]` or `c[:, :, i]`),
 * the image is `s.T[::-1, ::-1]`. The image has the aspect of the voxel sizes. A 4-D volume shows its
 * first volume (t = 0).
 *
 * Intensities: windowed to [low, high], the 1st and 99th percentiles (numpy's default linear
 * interpolation) of the finite voxels (8- and 16-bit integers: of all of them, from a histogram;
 * other types: of a regular sample of {@link WINDOW_SAMPLE} of them in larger volumes);
 * grey = round(255 · clamp((v − low) / (high − low), 0, 1)); NaN is black. A volume
 * whose percentiles coincide uses its min and max.
 */
import { IndexOutOfRangeError, InvalidArgumentError } from '../../core/errors.js';
import { loadSharp } from './image.js';
import type { VolumeArray, VolumeValue } from './volume.js';

/** Voxels the window is estimated from at most (a regular sample beyond this). */
export const WINDOW_SAMPLE = 1 << 22;
/** Longest side in px of a slice drawn at its natural size. */
const MAX_NATURAL_SIDE = 2048;

/** The slice axes, by canonical axis. */
export const SLICE_AXES = ['sagittal', 'coronal', 'axial'] as const;

/** A decoded volume with what slicing needs: its canonical (RAS+) geometry and its window. */
export interface VolumeDisplay {
  /** Sizes of the canonical axes [x, y, z]. */
  shape: [number, number, number];
  /** Voxel sizes along the canonical axes (absolute pixdim, 1 where the header has none). */
  voxelSizes: [number, number, number];
  /** The header's sizes in stored order, and its datatype. */
  dims: number[];
  dtype: VolumeValue['dtype'];
  /** Nearest world direction of each stored voxel axis, e.g. "LPS" (nibabel's aff2axcodes). */
  axcodes: string;
  min: number;
  max: number;
  /** The intensities mapped to black and white. */
  window: { low: number; high: number; method: 'percentile 1-99' | 'min-max' };
  data: VolumeArray;
  /** Offset in `data` of canonical voxel (0, 0, 0), and the step of each canonical axis. */
  origin: number;
  strides: [number, number, number];
}

/** The canonical geometry and window of `v` (one pass over its voxels). */
export function volumeDisplay(v: VolumeValue): VolumeDisplay {
  const dims = [v.dims[0] ?? 1, v.dims[1] ?? 1, v.dims[2] ?? 1];
  const spacing = [0, 1, 2].map((a) => {
    const s = Math.abs(v.spacing[a] ?? 1);
    return Number.isFinite(s) && s > 0 ? s : 1;
  });
  const stored = [1, dims[0], dims[0] * dims[1]];
  const shape: [number, number, number] = [1, 1, 1];
  const voxelSizes: [number, number, number] = [1, 1, 1];
  const strides: [number, number, number] = [0, 0, 0];
  let origin = 0;
  let axcodes = '';
  for (const [a, [world, sign]] of closestAxes(v.affine).entries()) {
    shape[world] = dims[a];
    voxelSizes[world] = spacing[a];
    strides[world] = sign * stored[a];
    if (sign < 0) origin += (dims[a] - 1) * stored[a];
    axcodes += (sign > 0 ? 'RAS' : 'LPI')[world];
  }
  const n = dims[0] * dims[1] * dims[2];
  const { min, max, low, high } = intensityWindow(v.data, n);
  const method = high > low ? 'percentile 1-99' : 'min-max';
  return {
    shape,
    voxelSizes,
    dims: v.dims,
    dtype: v.dtype,
    axcodes,
    min,
    max,
    window: method === 'percentile 1-99' ? { low, high, method } : { low: min, high: max, method },
    data: v.data,
    origin,
    strides,
  };
}

/**
 * For each stored voxel axis: the world axis it runs closest to and its sign (nibabel's
 * io_orientation: greedy, each world axis taken once).
 */
function closestAxes(affine: readonly number[]): [number, 1 | -1][] {
  const m = (r: number, c: number) => affine[4 * r + c] ?? (r === c ? 1 : 0);
  const cols = [0, 1, 2].map((c) => {
    const col = [m(0, c), m(1, c), m(2, c)];
    const norm = Math.hypot(...col);
    return norm > 0 && Number.isFinite(norm) ? col.map((x) => x / norm) : [0, 0, 0];
  });
  const taken = [false, false, false];
  const out: [number, 1 | -1][] = [];
  for (const col of cols) {
    let best = -1;
    for (let r = 0; r < 3; r++)
      if (!taken[r] && (best < 0 || Math.abs(col[r]) > Math.abs(col[best]))) best = r;
    taken[best] = true;
    out.push([best, col[best] < 0 ? -1 : 1]);
  }
  return out;
}

/** Min, max and the 1st / 99th percentiles of the finite values among the first `n`. */
function intensityWindow(data: VolumeArray, n: number) {
  if (
    data instanceof Uint8Array ||
    data instanceof Int8Array ||
    data instanceof Int16Array ||
    data instanceof Uint16Array
  )
    return histogramWindow(data, n);
  const step = Math.max(1, Math.ceil(n / WINDOW_SAMPLE));
  const sample = new Float64Array(Math.ceil(n / step));
  let count = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < n; k++) {
    const x = data[k];
    if (!Number.isFinite(x)) continue;
    if (x < min) min = x;
    if (x > max) max = x;
    if (k % step === 0) sample[count++] = x;
  }
  if (count === 0) return { min: 0, max: 0, low: 0, high: 0 };
  const values = sample.subarray(0, count);
  return { min, max, low: percentile(values, 1), high: percentile(values, 99) };
}

/** The same for 8- and 16-bit integers, exact over every voxel: one counting pass, no sort. */
function histogramWindow(data: Uint8Array | Int8Array | Int16Array | Uint16Array, n: number) {
  if (n === 0) return { min: 0, max: 0, low: 0, high: 0 };
  const offset = data instanceof Int8Array ? 128 : data instanceof Int16Array ? 32768 : 0;
  const counts = new Float64Array(data instanceof Uint8Array || data instanceof Int8Array ? 256 : 65536);
  for (let k = 0; k < n; k++) counts[data[k] + offset]++;
  // The value of each rank asked for, by one walk up the cumulative counts.
  const ranks = [0.01, 0.99].flatMap((q) => [Math.floor(q * (n - 1)), Math.floor(q * (n - 1)) + 1]);
  const at = ranks.map(() => 0);
  let seen = 0;
  let min = Number.NaN;
  let max = 0;
  for (let v = 0; v < counts.length; v++) {
    if (counts[v] === 0) continue;
    if (Number.isNaN(min)) min = v - offset;
    max = v - offset;
    for (const [i, r] of ranks.entries()) if (r >= seen && r < seen + counts[v]) at[i] = v - offset;
    seen += counts[v];
  }
  const lerp = (q: number, a: number, b: number) => {
    const pos = q * (n - 1);
    return pos === Math.floor(pos) ? a : a + (b - a) * (pos - Math.floor(pos));
  };
  return { min, max, low: lerp(0.01, at[0], at[1]), high: lerp(0.99, at[2], at[3]) };
}

/** The q-th percentile with linear interpolation (numpy's default); reorders `values`. */
function percentile(values: Float64Array, q: number): number {
  const pos = (q / 100) * (values.length - 1);
  const k = Math.floor(pos);
  const a = select(values, k);
  if (pos === k) return a;
  // After selecting k, every value past k is ≥ a: the next order statistic is their minimum.
  let b = Number.POSITIVE_INFINITY;
  for (let i = k + 1; i < values.length; i++) if (values[i] < b) b = values[i];
  return a + (b - a) * (pos - k);
}

/** The k-th smallest value (Hoare's quickselect, median-of-three pivots); reorders `v`. */
function select(v: Float64Array, k: number): number {
  let lo = 0;
  let hi = v.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    const pivot = median3(v[lo], v[mid], v[hi]);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) {
        const t = v[i];
        v[i] = v[j];
        v[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return v[k];
  }
  return v[k];
}

function median3(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}

/** The horizontal and vertical canonical axes of a slice along `axis`. */
function planeAxes(axis: number): [number, number] {
  return axis === 0 ? [1, 2] : axis === 1 ? [0, 2] : [0, 1];
}

/** Check a slice request, with errors that say what is allowed. */
function checkSlice(d: VolumeDisplay, axis: number, index: number): void {
  if (!(axis === 0 || axis === 1 || axis === 2))
    throw new InvalidArgumentError(`slice axis must be 0 (sagittal), 1 (coronal) or 2 (axial), got ${axis}`);
  if (!Number.isInteger(index) || index < 0 || index >= d.shape[axis])
    throw new IndexOutOfRangeError(index, d.shape[axis]);
}

/** Slice `index` along canonical `axis`, one grey pixel per voxel, oriented as the module says. */
export function sliceGrey(
  d: VolumeDisplay,
  axis: number,
  index: number,
): { width: number; height: number; pixels: Uint8Array } {
  checkSlice(d, axis, index);
  const [h, v] = planeAxes(axis);
  const width = d.shape[h];
  const height = d.shape[v];
  const pixels = new Uint8Array(width * height);
  const { low, high } = d.window;
  const scale = high > low ? 255 / (high - low) : 0;
  const base = d.origin + index * d.strides[axis];
  for (let r = 0; r < height; r++) {
    const rowBase = base + (height - 1 - r) * d.strides[v];
    for (let c = 0; c < width; c++) {
      const x = d.data[rowBase + (width - 1 - c) * d.strides[h]];
      if (!(x > low)) continue; // NaN and everything at or below the window are black
      pixels[r * width + c] = x >= high ? 255 : Math.round((x - low) * scale);
    }
  }
  return { width, height, pixels };
}

/**
 * The drawn size of a slice along `axis`: its physical aspect (voxel sizes), `size` px on the longer
 * side, or by default one px per voxel along the finer of its two axes (at most 2048 px).
 */
export function sliceSize(d: VolumeDisplay, axis: number, size?: number): { width: number; height: number } {
  const [h, v] = planeAxes(axis);
  const w = d.shape[h] * d.voxelSizes[h];
  const ht = d.shape[v] * d.voxelSizes[v];
  const scale =
    size !== undefined
      ? size / Math.max(w, ht)
      : Math.min(1 / Math.min(d.voxelSizes[h], d.voxelSizes[v]), MAX_NATURAL_SIDE / Math.max(w, ht));
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(ht * scale)) };
}

/**
 * Slice `index` along `axis` as a grey PNG or JPEG of {@link sliceSize}. Enlarged by nearest
 * neighbour (voxels stay sharp blocks, as viewers show them zoomed in): output pixel d along an axis
 * of n voxels drawn on D pixels shows voxel floor((d + 0.5) · n / D). Reduced with sharp's default
 * (antialiased) kernel.
 */
export async function renderSlice(
  d: VolumeDisplay,
  axis: number,
  index: number,
  options: { size?: number; format?: 'png' | 'jpeg' } = {},
): Promise<Uint8Array> {
  let grey = sliceGrey(d, axis, index);
  const { width, height } = sliceSize(d, axis, options.size);
  if (width >= grey.width && height >= grey.height) grey = enlargeNearest(grey, width, height);
  const sharp = await loadSharp();
  let img = sharp(Buffer.from(grey.pixels.buffer, grey.pixels.byteOffset, grey.pixels.byteLength), {
    raw: { width: grey.width, height: grey.height, channels: 1 },
  });
  if (width !== grey.width || height !== grey.height) img = img.resize({ width, height, fit: 'fill' });
  // One grey channel out, as it came in (sharp would otherwise write sRGB).
  img = img.toColourspace('b-w');
  const buf = await (options.format === 'jpeg' ? img.jpeg({ quality: 85 }) : img.png()).toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

function enlargeNearest(
  grey: { width: number; height: number; pixels: Uint8Array },
  width: number,
  height: number,
): { width: number; height: number; pixels: Uint8Array } {
  if (width === grey.width && height === grey.height) return grey;
  const pick = (n: number, to: number) =>
    Int32Array.from({ length: to }, (_, k) => Math.min(n - 1, Math.floor(((k + 0.5) * n) / to)));
  const cols = pick(grey.width, width);
  const rows = pick(grey.height, height);
  const pixels = new Uint8Array(width * height);
  for (let r = 0; r < height; r++) {
    const from = rows[r] * grey.width;
    for (let c = 0; c < width; c++) pixels[r * width + c] = grey.pixels[from + cols[c]];
  }
  return { width, height, pixels };
}
