/**
 * Medical volume columns: NIfTI-1 single files (`.nii`, and gzip-compressed `.nii.gz`, detected by
 * content), either byte order. Datatypes: uint8, int8, int16, uint16, int32, uint32, float32, float64.
 * When `scl_slope` is set (non-zero, and not the identity 1/0) values are scaled to
 * `slope * x + inter` in float32 (float64 for float64 data).
 *
 * Layout: NIfTI stores x fastest. `dims` is [nx, ny, nz, ...] as in the header; `shape` is the same
 * memory as a row-major tensor, i.e. reversed: [..., nz, ny, nx], so `data[x + nx*(y + ny*z)]`.
 * Decoding is synchronous (`col.get(i)` works).
 */
import * as zlib from 'node:zlib';
import { MediaDecodeError, UnsupportedMediaError } from '../../core/errors.js';
import { type MediaColumnBuilder, registerBaseDirMedia } from './builder.js';
import { MAX_MEDIA_FILE_BYTES } from './limits.js';
import { type MediaPlace, resolveMediaPath } from './paths.js';
import { type MediaSource, readRange, readSourceSync, sourceName } from './source.js';

export type VolumeArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

/** NIfTI header fields, without the voxels. */
export interface VolumeInfo {
  format: 'nifti1';
  /** Sizes per axis in header order: [nx, ny, nz, (nt...)]. */
  dims: number[];
  /** Voxel size per axis (pixdim[1..]), in the header's units (usually mm, and s for time). */
  spacing: number[];
  /** The stored datatype. */
  dtype: 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';
  /** Voxel (i, j, k, 1) to world coordinates: 4×4, row-major. From sform, else qform, else spacing. */
  affine: number[];
  /** Which transform the affine comes from. */
  affineSource: 'sform' | 'qform' | 'pixdim';
  sclSlope: number;
  sclInter: number;
}

/** A decoded volume. */
export interface VolumeValue extends VolumeInfo {
  data: VolumeArray;
  /** Row-major tensor shape of `data`: dims reversed, [..., nz, ny, nx]. */
  shape: number[];
}

export const VOLUME_FUNCTION = 'tessera.media.volume';

const DATATYPES: Record<number, [VolumeInfo['dtype'], number]> = {
  2: ['uint8', 1],
  4: ['int16', 2],
  8: ['int32', 4],
  16: ['float32', 4],
  64: ['float64', 8],
  256: ['int8', 1],
  512: ['uint16', 2],
  768: ['uint32', 4],
};

interface Header extends VolumeInfo {
  voxOffset: number;
  littleEndian: boolean;
  bytesPer: number;
  count: number;
}

function parseHeader(b: Uint8Array, name: string): Header {
  if (b.length < 348)
    throw new MediaDecodeError(name, `the NIfTI header is truncated (${b.length} of 348 bytes)`);
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  let le = true;
  if (v.getInt32(0, true) !== 348) {
    if (v.getInt32(0, false) === 348) le = false;
    else if (v.getInt32(0, true) === 540 || v.getInt32(0, false) === 540)
      throw new UnsupportedMediaError(`${name} is NIfTI-2; volume columns read NIfTI-1 (.nii, .nii.gz)`);
    else
      throw new UnsupportedMediaError(
        `${name} is not a NIfTI-1 file; volume columns read NIfTI-1 (.nii, .nii.gz)`,
      );
  }
  const magic = String.fromCharCode(b[344], b[345], b[346]);
  if (magic === 'ni1')
    throw new UnsupportedMediaError(
      `${name} is a NIfTI-1 header with a separate .img file; only single-file .nii/.nii.gz is read`,
    );
  if (magic !== 'n+1') throw new MediaDecodeError(name, `bad NIfTI magic "${magic}"`);
  const i16 = (o: number) => v.getInt16(o, le);
  const f32 = (o: number) => v.getFloat32(o, le);
  const ndim = i16(40);
  if (ndim < 1 || ndim > 7) throw new MediaDecodeError(name, `bad dimension count ${ndim}`);
  const dims: number[] = [];
  const spacing: number[] = [];
  for (let d = 1; d <= ndim; d++) {
    const n = i16(40 + 2 * d);
    if (n < 1) throw new MediaDecodeError(name, `bad size ${n} of axis ${d}`);
    dims.push(n);
    spacing.push(f32(76 + 4 * d));
  }
  const code = i16(70);
  const type = DATATYPES[code];
  if (type === undefined)
    throw new UnsupportedMediaError(
      `${name} has NIfTI datatype ${code}; supported: uint8 (2), int16 (4), int32 (8), float32 (16), float64 (64), int8 (256), uint16 (512), uint32 (768)`,
    );
  const voxOffset = Math.max(352, Math.round(f32(108)));
  const slope = f32(112);
  const inter = f32(116);
  const qformCode = i16(252);
  const sformCode = i16(254);
  let affine: number[];
  let affineSource: VolumeInfo['affineSource'];
  const [dx, dy, dz] = [spacing[0] ?? 1, spacing[1] ?? 1, spacing[2] ?? 1];
  if (sformCode > 0) {
    affine = [...range(12).map((k) => f32(280 + 4 * k)), 0, 0, 0, 1];
    affineSource = 'sform';
  } else if (qformCode > 0) {
    const [qb, qc, qd] = [f32(256), f32(260), f32(264)];
    const [qx, qy, qz] = [f32(268), f32(272), f32(276)];
    const a2 = 1 - (qb * qb + qc * qc + qd * qd);
    const qa = a2 > 0 ? Math.sqrt(a2) : 0;
    const qfac = f32(76) < 0 ? -1 : 1;
    const r = [
      [qa * qa + qb * qb - qc * qc - qd * qd, 2 * (qb * qc - qa * qd), 2 * (qb * qd + qa * qc)],
      [2 * (qb * qc + qa * qd), qa * qa + qc * qc - qb * qb - qd * qd, 2 * (qc * qd - qa * qb)],
      [2 * (qb * qd - qa * qc), 2 * (qc * qd + qa * qb), qa * qa + qd * qd - qc * qc - qb * qb],
    ];
    const s = [dx, dy, dz * qfac];
    const t = [qx, qy, qz];
    affine = [];
    for (let row = 0; row < 3; row++)
      affine.push(r[row][0] * s[0], r[row][1] * s[1], r[row][2] * s[2], t[row]);
    affine.push(0, 0, 0, 1);
    affineSource = 'qform';
  } else {
    affine = [dx, 0, 0, 0, 0, dy, 0, 0, 0, 0, dz, 0, 0, 0, 0, 1];
    affineSource = 'pixdim';
  }
  return {
    format: 'nifti1',
    dims,
    spacing,
    dtype: type[0],
    affine,
    affineSource,
    sclSlope: slope,
    sclInter: inter,
    voxOffset,
    littleEndian: le,
    bytesPer: type[1],
    count: dims.reduce((a, n) => a * n, 1),
  };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, k) => k);
}

function isGzip(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

function publicInfo(h: Header): VolumeInfo {
  const { format, dims, spacing, dtype, affine, affineSource, sclSlope, sclInter } = h;
  return { format, dims, spacing, dtype, affine, affineSource, sclSlope, sclInter };
}

/** Header metadata of a `.nii` / `.nii.gz`, reading (and for gzip, inflating) only its start. */
export function readVolumeInfo(
  src: MediaSource,
  baseDir?: string,
  allowedRoots?: readonly string[],
): VolumeInfo {
  let head =
    typeof src === 'string'
      ? readRange(resolveMediaPath(src, baseDir, allowedRoots), 0, 64 * 1024, sourceName(src, { baseDir }))
      : src.subarray(0, 64 * 1024);
  if (isGzip(head)) {
    try {
      // Inflate what was read; a sync flush accepts a truncated stream.
      const out = zlib.gunzipSync(head, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
      head = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    } catch (e) {
      throw new MediaDecodeError(sourceName(src, { baseDir }), `bad gzip data (${(e as Error).message})`);
    }
  }
  return publicInfo(parseHeader(head, sourceName(src, { baseDir })));
}

/** Decode a NIfTI-1 volume. */
export function decodeVolume(src: MediaSource, options: MediaPlace = {}): VolumeValue {
  let bytes = readSourceSync(src, 'volume', options);
  const name = sourceName(src, options);
  if (isGzip(bytes)) {
    try {
      // Bounded like the file itself: a small gzip bomb must not inflate without end.
      const out = zlib.gunzipSync(bytes, { maxOutputLength: MAX_MEDIA_FILE_BYTES.volume });
      bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    } catch (e) {
      throw new MediaDecodeError(name, `bad gzip data (${(e as Error).message})`);
    }
  }
  const h = parseHeader(bytes, name);
  const nbytes = h.count * h.bytesPer;
  if (h.voxOffset + nbytes > bytes.length)
    throw new MediaDecodeError(
      name,
      `the file is truncated: ${h.dims.join('×')} ${h.dtype} voxels need ${h.voxOffset + nbytes} bytes, it has ${bytes.length}`,
    );
  const v = new DataView(bytes.buffer, bytes.byteOffset + h.voxOffset, nbytes);
  const le = h.littleEndian;
  const n = h.count;
  let data: VolumeArray;
  switch (h.dtype) {
    case 'uint8':
      data = bytes.slice(h.voxOffset, h.voxOffset + n);
      break;
    case 'int8':
      data = new Int8Array(bytes.slice(h.voxOffset, h.voxOffset + n).buffer);
      break;
    case 'int16':
      data = fill(new Int16Array(n), (k) => v.getInt16(2 * k, le));
      break;
    case 'uint16':
      data = fill(new Uint16Array(n), (k) => v.getUint16(2 * k, le));
      break;
    case 'int32':
      data = fill(new Int32Array(n), (k) => v.getInt32(4 * k, le));
      break;
    case 'uint32':
      data = fill(new Uint32Array(n), (k) => v.getUint32(4 * k, le));
      break;
    case 'float32':
      data = fill(new Float32Array(n), (k) => v.getFloat32(4 * k, le));
      break;
    default:
      data = fill(new Float64Array(n), (k) => v.getFloat64(8 * k, le));
  }
  const { sclSlope: slope, sclInter: inter } = h;
  if (Number.isFinite(slope) && slope !== 0 && !(slope === 1 && inter === 0)) {
    const scaled = h.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
    for (let k = 0; k < n; k++) scaled[k] = slope * data[k] + inter;
    data = scaled;
  }
  return { ...publicInfo(h), data, shape: [...h.dims].reverse() };
}

function fill<A extends VolumeArray>(out: A, read: (k: number) => number): A {
  for (let k = 0; k < out.length; k++) out[k] = read(k);
  return out;
}

/** `<volume 64×64×32>` (header order: nx × ny × nz). */
export function formatVolumeInfo(info: VolumeInfo): string {
  return `<volume ${info.dims.join('×')}>`;
}

/**
 * A column of NIfTI-1 volumes (paths under baseDir, or bytes): `col.get(i)` gives a
 * {@link VolumeValue}; prints as `<volume 64×64×32>` from the header.
 */
export const volumeColumn: MediaColumnBuilder<VolumeValue> = registerBaseDirMedia<VolumeValue, VolumeInfo>(
  VOLUME_FUNCTION,
  'volume',
  decodeVolume,
  readVolumeInfo,
  formatVolumeInfo,
);
