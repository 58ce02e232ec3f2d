import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeVolume,
  MediaDecodeError,
  mediaInfo,
  readVolumeInfo,
  UnsupportedMediaError,
  volumeColumn,
} from '../../../src/index.js';

interface Spec {
  dims: number[];
  datatype: number;
  bytesPer: number;
  values: number[];
  pixdim?: number[];
  slope?: number;
  inter?: number;
  qform?: { code: number; b: number; c: number; d: number; offset: [number, number, number]; qfac?: number };
  sform?: number[]; // 12 numbers, rows x, y, z
  bigEndian?: boolean;
}

/** A single-file NIfTI-1 written by hand: 348-byte header, 4-byte extension flag, voxels at 352. */
function nifti(s: Spec): Uint8Array {
  const le = !s.bigEndian;
  const n = s.values.length;
  const buf = new ArrayBuffer(352 + n * s.bytesPer);
  const v = new DataView(buf);
  v.setInt32(0, 348, le);
  v.setInt16(40, s.dims.length, le);
  for (const [k, d] of s.dims.entries()) v.setInt16(42 + 2 * k, d, le);
  v.setInt16(70, s.datatype, le);
  v.setInt16(72, s.bytesPer * 8, le);
  v.setFloat32(76, s.qform?.qfac ?? 1, le);
  for (const [k, p] of (s.pixdim ?? s.dims.map(() => 1)).entries()) v.setFloat32(80 + 4 * k, p, le);
  v.setFloat32(108, 352, le);
  v.setFloat32(112, s.slope ?? 0, le);
  v.setFloat32(116, s.inter ?? 0, le);
  if (s.qform) {
    v.setInt16(252, s.qform.code, le);
    v.setFloat32(256, s.qform.b, le);
    v.setFloat32(260, s.qform.c, le);
    v.setFloat32(264, s.qform.d, le);
    for (const [k, o] of s.qform.offset.entries()) v.setFloat32(268 + 4 * k, o, le);
  }
  if (s.sform) {
    v.setInt16(254, 1, le);
    for (const [k, x] of s.sform.entries()) v.setFloat32(280 + 4 * k, x, le);
  }
  new Uint8Array(buf).set([0x6e, 0x2b, 0x31, 0], 344); // "n+1\0"
  s.values.forEach((x, k) => {
    const o = 352 + k * s.bytesPer;
    switch (s.datatype) {
      case 2:
        v.setUint8(o, x);
        break;
      case 4:
        v.setInt16(o, x, le);
        break;
      case 8:
        v.setInt32(o, x, le);
        break;
      case 16:
        v.setFloat32(o, x, le);
        break;
      case 64:
        v.setFloat64(o, x, le);
        break;
    }
  });
  return new Uint8Array(buf);
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-volume-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const dims = [4, 3, 2];
const count = 24;
const ramp = (f: (k: number) => number) => Array.from({ length: count }, (_, k) => f(k));

describe('NIfTI-1 datatypes', () => {
  const types: [string, number, number, number[], unknown][] = [
    ['uint8', 2, 1, ramp((k) => k * 10), Uint8Array],
    ['int16', 4, 2, ramp((k) => k * 1000 - 12000), Int16Array],
    ['int32', 8, 4, ramp((k) => k * 100000 - 1e6), Int32Array],
    ['float32', 16, 4, ramp((k) => k / 4 - 3), Float32Array],
    ['float64', 64, 8, ramp((k) => k / 3 - 1), Float64Array],
  ];
  for (const [dtype, code, bytesPer, values, ctor] of types)
    for (const bigEndian of [false, true])
      it(`${dtype}${bigEndian ? ' big-endian' : ''}`, () => {
        const v = decodeVolume(nifti({ dims, datatype: code, bytesPer, values, bigEndian }));
        expect(v.dtype).toBe(dtype);
        expect(v.data).toBeInstanceOf(ctor);
        expect(Array.from(v.data)).toEqual(values);
        expect(v.dims).toEqual([4, 3, 2]);
        expect(v.shape).toEqual([2, 3, 4]);
      });
});

describe('NIfTI-1 header fields', () => {
  it('voxel spacing and the pixdim affine', () => {
    const info = readVolumeInfo(
      nifti({ dims, datatype: 2, bytesPer: 1, values: ramp(() => 0), pixdim: [0.5, 0.75, 2] }),
    );
    expect(info.spacing).toEqual([0.5, 0.75, 2]);
    expect(info.affineSource).toBe('pixdim');
    expect(info.affine).toEqual([0.5, 0, 0, 0, 0, 0.75, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1]);
  });
  it('sform wins over qform', () => {
    const sform = [-2, 0, 0, 90, 0, 2, 0, -126, 0, 0, 2, -72];
    const info = readVolumeInfo(
      nifti({
        dims,
        datatype: 2,
        bytesPer: 1,
        values: ramp(() => 0),
        sform,
        qform: { code: 1, b: 0, c: 0, d: 1, offset: [1, 2, 3] },
      }),
    );
    expect(info.affineSource).toBe('sform');
    expect(info.affine).toEqual([...sform, 0, 0, 0, 1]);
  });
  it('qform: a 180° rotation about z, qfac -1, offsets', () => {
    const info = readVolumeInfo(
      nifti({
        dims,
        datatype: 2,
        bytesPer: 1,
        values: ramp(() => 0),
        pixdim: [2, 3, 4],
        qform: { code: 1, b: 0, c: 0, d: 1, offset: [10, 20, 30], qfac: -1 },
      }),
    );
    expect(info.affineSource).toBe('qform');
    // b=c=0, d=1 → a=0, R = diag(-1, -1, 1); columns scaled by (2, 3, 4·qfac).
    expect(info.affine.map((x) => x + 0)).toEqual([-2, 0, 0, 10, 0, -3, 0, 20, 0, 0, -4, 30, 0, 0, 0, 1]);
  });
  it('qform: 90° about z', () => {
    const h = Math.SQRT1_2;
    const info = readVolumeInfo(
      nifti({
        dims,
        datatype: 2,
        bytesPer: 1,
        values: ramp(() => 0),
        qform: { code: 2, b: 0, c: 0, d: h, offset: [0, 0, 0] },
      }),
    );
    const a = info.affine;
    // R = [[0, -1, 0], [1, 0, 0], [0, 0, 1]]
    expect([a[0], a[1], a[4], a[5], a[10]].map((x) => Number(x.toFixed(6)) + 0)).toEqual([0, -1, 1, 0, 1]);
  });
  it('scl_slope / scl_inter scale to float', () => {
    const v = decodeVolume(
      nifti({ dims, datatype: 4, bytesPer: 2, values: ramp((k) => k), slope: 0.5, inter: -1 }),
    );
    expect(v.data).toBeInstanceOf(Float32Array);
    expect(Array.from(v.data)).toEqual(ramp((k) => 0.5 * k - 1));
    const id = decodeVolume(
      nifti({ dims, datatype: 4, bytesPer: 2, values: ramp((k) => k), slope: 1, inter: 0 }),
    );
    expect(id.data).toBeInstanceOf(Int16Array);
  });
});

describe('volumeColumn', () => {
  it('.nii and .nii.gz: prints `<volume 4×3×2>` from the header, decodes the same', () => {
    const bytes = nifti({ dims, datatype: 16, bytesPer: 4, values: ramp((k) => k / 2), pixdim: [1, 1, 3] });
    fs.writeFileSync(path.join(dir, 'a.nii'), bytes);
    fs.writeFileSync(path.join(dir, 'a.nii.gz'), zlib.gzipSync(bytes));
    const big = nifti({
      dims: [64, 64, 32],
      datatype: 2,
      bytesPer: 1,
      values: Array.from({ length: 64 * 64 * 32 }, (_, k) => k % 251),
    });
    fs.writeFileSync(path.join(dir, 'big.nii.gz'), zlib.gzipSync(big));
    const col = volumeColumn(['a.nii', 'a.nii.gz', 'big.nii.gz', null], { baseDir: dir });
    expect(col.type).toEqual({ kind: 'deferred', media: 'volume' });
    expect(col.format(0)).toBe('<volume 4×3×2>');
    expect(col.format(1)).toBe('<volume 4×3×2>');
    expect(col.format(2)).toBe('<volume 64×64×32>');
    expect(col.format(3)).toBe('null');
    expect(col.cachedRows).toBe(0);
    expect(mediaInfo(col, 1)).toMatchObject({ dims: [4, 3, 2], spacing: [1, 1, 3], dtype: 'float32' });
    expect(Array.from(col.get(1)!.data)).toEqual(Array.from(col.get(0)!.data));
    expect(col.get(2)!.data[300]).toBe(300 % 251);
  });
  it('typed errors', () => {
    const good = nifti({ dims, datatype: 2, bytesPer: 1, values: ramp(() => 1) });
    expect(() => decodeVolume(good.subarray(0, 360))).toThrow(MediaDecodeError);
    const rgb = good.slice();
    new DataView(rgb.buffer).setInt16(70, 128, true);
    expect(() => decodeVolume(rgb)).toThrow(UnsupportedMediaError);
    const pair = good.slice();
    pair[345] = 0x69; // "ni1": header + separate .img
    expect(() => decodeVolume(pair)).toThrow(/separate \.img/);
    expect(() => decodeVolume(new Uint8Array(400))).toThrow(/not a NIfTI-1 file/);
  });
});
