/**
 * The `.npy` header (format version 1.0): numpy's `np.load` reads a tensor column's fragment file
 * as an array of shape `(rows, ...row shape)`. The raw little-endian data follows the header, so row
 * `i` of a file starts at `headerBytes + i * rowBytes` and can be read on its own.
 */
import type { TensorDType } from '../../column/types.js';
import { CorruptDataError } from '../../errors.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DESCR: Record<TensorDType, string> = {
  float32: '<f4',
  float64: '<f8',
  int32: '<i4',
  int64: '<i8',
  uint8: '|u1',
};

/** The bytes of an `.npy` v1.0 header for a C-order array of `shape`, padded to 64 bytes. */
export function npyHeader(dtype: TensorDType, shape: readonly number[]): Uint8Array {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${dims}, }`;
  // magic (6) + version (2) + header length (2) + dict + '\n', padded with spaces to a multiple of 64.
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  dict = `${dict.padEnd(total - 10 - 1, ' ')}\n`;
  if (dict.length > 0xffff) throw new RangeError('npy header longer than 65535 bytes');
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = dict.length & 0xff;
  out[9] = dict.length >> 8;
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  return out;
}

/** The dtype and shape that an `.npy` header describes, or null if it is not one we write. */
export function parseNpyHeader(
  bytes: Uint8Array,
): { dtype: TensorDType; shape: number[]; headerBytes: number } | null {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b) || bytes[6] !== 1) return null;
  const len = bytes[8] | (bytes[9] << 8);
  if (bytes.length < 10 + len) return null;
  const text = String.fromCharCode(...bytes.subarray(10, 10 + len));
  const descr = /'descr': '([^']*)'/.exec(text)?.[1];
  const shapeText = /'shape': \(([^)]*)\)/.exec(text)?.[1];
  if (!/'fortran_order': False/.test(text) || descr === undefined || shapeText === undefined) return null;
  const dtype = (Object.keys(DESCR) as TensorDType[]).find((d) => DESCR[d] === descr);
  if (dtype === undefined) return null;
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) return null;
  return { dtype, shape, headerBytes: 10 + len };
}

/**
 * Check that an `.npy` header (`bytes`: exactly its `headerBytes`) describes what the manifest says
 * the file holds: a C-order array of `dtype` with `shape`. Anything else (an object dtype, another
 * shape, Fortran order, a header of another length) is a {@link CorruptDataError} naming `file`,
 * even when its checksum matches: a sender can recompute checksums.
 */
export function checkNpyHeader(
  bytes: Uint8Array,
  file: string,
  dtype: TensorDType,
  shape: readonly number[],
): void {
  const fail = (detail: string): never => {
    throw new CorruptDataError(file, `bad .npy header: ${detail}`);
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not an .npy file');
  if (bytes[6] !== 1 || bytes[7] !== 0) fail(`format version ${bytes[6]}.${bytes[7]}, expected 1.0`);
  const len = bytes[8] | (bytes[9] << 8);
  if (10 + len !== bytes.length) fail(`${10 + len} header bytes, expected ${bytes.length}`);
  const text = String.fromCharCode(...bytes.subarray(10));
  const descr = /'descr': '([^']*)'/.exec(text)?.[1];
  if (descr !== DESCR[dtype]) fail(`dtype ${JSON.stringify(descr)}, expected '${DESCR[dtype]}' (${dtype})`);
  if (!/'fortran_order': False/.test(text)) fail('not in C order (fortran_order is not False)');
  const expected = npyHeader(dtype, shape);
  const shapeText = /'shape': \([^)]*\)/.exec(text)?.[0];
  const expectedShape = /'shape': \([^)]*\)/.exec(String.fromCharCode(...expected.subarray(10)))![0];
  if (shapeText !== expectedShape) fail(`${shapeText ?? 'no shape'}, expected ${expectedShape}`);
}
