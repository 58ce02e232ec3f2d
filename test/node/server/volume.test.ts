// Volume routes: the slice PNGs against numpy on the same files read by nibabel (reoriented with
// as_closest_canonical, windowed to np.percentile 1 and 99, drawn as s.T[::-1, ::-1]); the info
// against nibabel's shape, zooms and axcodes; thumbnails of volume cells; bad requests as typed 4xx.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect } from 'vitest';
import { DataFrame, graphColumn, volumeColumn } from '../../../src/index.js';
import { createAppServer } from '../../../src/node/server/index.js';
import { needs, PYTHON } from '../../helpers/references.js';
import { type ErrorCase, expectErrorReplies, expectOutsideRefused } from './error-cases.js';

const nib = needs('nibabel');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-server-volume-'));

/** What Python computes per volume: nibabel's view of it and reference slices, one per (axis, index). */
interface Reference {
  shape: number[];
  zooms: number[];
  axcodes: string;
  low: number;
  high: number;
  slices: { axis: number; index: number; width: number; height: number; grey: string }[];
}
let refs: Reference[] = [];

// Volumes: isotropic RAS int16 with outliers; permuted, flipped, anisotropic float32 with a NaN;
// a 4-D uint8 series (its first volume is shown).
const SCRIPT = `
import base64, json, sys
import numpy as np, nibabel as nib
out = sys.argv[1]
rng = np.random.default_rng(7)
z, y, x = np.meshgrid(np.arange(12), np.arange(16), np.arange(20), indexing='ij')
a = (x * 40 + y * 7 - z * 30 + rng.integers(0, 50, x.shape)).astype(np.int16).transpose(2, 1, 0).copy()
a[0, 0, 0] = 30000; a[1, 0, 0] = -30000
i, j, k = np.meshgrid(np.arange(15), np.arange(18), np.arange(10), indexing='ij')
b = (100 + 3 * i - 2 * j + 5 * k + rng.normal(0, 2, i.shape)).astype(np.float32)
b[3:9, 4:12, 2:7] += 80; b[2, 2, 2] = np.nan
c = rng.integers(0, 255, (8, 9, 6, 3)).astype(np.uint8)
vols = [
  (a, np.diag([2.0, 2.0, 2.0, 1.0]) + np.array([[0,0,0,-20],[0,0,0,-16],[0,0,0,-12],[0,0,0,0]])),
  (b, np.array([[0, 0, -3.0, 10], [-1.0, 0, 0, 5], [0, 1.0, 0, -4], [0, 0, 0, 1]])),
  (c, np.eye(4)),
]
refs = []
for k, (data, affine) in enumerate(vols):
    img = nib.Nifti1Image(data, affine)
    img.set_qform(affine, 1); img.set_sform(affine, 1)
    nib.save(img, f'{out}/v{k}.nii')
    img = nib.load(f'{out}/v{k}.nii')
    can = nib.as_closest_canonical(img)
    d = np.asarray(can.dataobj, dtype=np.float64)
    if d.ndim == 4: d = d[..., 0]
    fin = d[np.isfinite(d)]
    low, high = np.percentile(fin, [1, 99])
    if not high > low: low, high = fin.min(), fin.max()
    slices = []
    for axis in range(3):
        n = d.shape[axis]
        for index in sorted({0, n // 2, n - 1}):
            s = np.take(d, index, axis=axis)
            v = s.T[::-1, ::-1]
            g = np.round(np.clip((v - low) / (high - low), 0, 1) * 255)
            g[~np.isfinite(v)] = 0
            g = g.astype(np.uint8)
            slices.append(dict(axis=axis, index=index, width=int(g.shape[1]), height=int(g.shape[0]),
                               grey=base64.b64encode(g.tobytes()).decode()))
    refs.append(dict(shape=list(d.shape), zooms=[float(z) for z in can.header.get_zooms()[:3]],
                     axcodes=''.join(nib.aff2axcodes(img.affine)), low=float(low), high=float(high), slices=slices))
print(json.dumps(refs))
`;

beforeAll(() => {
  if (!nib.present) return;
  refs = JSON.parse(execFileSync(PYTHON, ['-c', SCRIPT, tmp], { encoding: 'utf8' }));
  fs.writeFileSync(path.join(tmp, 'g.json'), JSON.stringify({ nodes: [{ id: 1 }], links: [] }));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function frame(): DataFrame {
  return new DataFrame({ id: [0, 1, 2] })
    .withColumn('vol', volumeColumn(['v0.nii', 'v1.nii', 'v2.nii'], { baseDir: tmp }))
    .withColumn('g', graphColumn(['g.json', 'g.json', 'g.json'], { baseDir: tmp }));
}

async function greyOf(png: Buffer): Promise<{ width: number; height: number; data: Uint8Array }> {
  const { data, info } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

/**
 * A reference image enlarged by nearest neighbour in numpy (pixel d of D shows voxel
 * floor((d + 0.5) · n / D)), as the route enlarges slices to the voxels' aspect.
 */
function enlarge(grey: string, width: number, height: number, to: [number, number]): Uint8Array {
  const py = `import base64, sys, numpy as np
g = np.frombuffer(base64.b64decode(sys.stdin.read()), np.uint8).reshape(${height}, ${width})
pick = lambda n, to: np.minimum(((np.arange(to) + 0.5) * n / to).astype(np.int64), n - 1)
sys.stdout.write(base64.b64encode(g[pick(${height}, ${to[1]})][:, pick(${width}, ${to[0]})].tobytes()).decode())`;
  return new Uint8Array(
    Buffer.from(execFileSync(PYTHON, ['-c', py], { input: grey, encoding: 'utf8' }), 'base64'),
  );
}

function maxAbsDiff(a: Uint8Array, b: Uint8Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}

nib.describe('volume routes', () => {
  nib.it(
    'gives the canonical shape, voxel sizes, orientation and window nibabel and numpy give',
    async () => {
      const app = await createAppServer(frame(), { mediaRoots: [tmp] });
      for (const [row, ref] of refs.entries()) {
        const res = await app.inject({ url: `/api/volume/vol/${row}` });
        expect(res.statusCode).toBe(200);
        const info = res.json();
        expect(info.shape).toEqual(ref.shape);
        expect(info.voxelSizes.map((v: number) => Math.round(v * 1e5) / 1e5)).toEqual(ref.zooms);
        expect(info.axcodes).toBe(ref.axcodes);
        expect(info.window.low).toBeCloseTo(ref.low, 4);
        expect(info.window.high).toBeCloseTo(ref.high, 4);
        expect(info.axes).toEqual(['sagittal', 'coronal', 'axial']);
      }
      expect(refs.map((r) => r.axcodes)).toEqual(['RAS', 'PSL', 'RAS']);
    },
  );

  nib.it('draws each slice as numpy does, at the aspect of the voxel sizes', async () => {
    const app = await createAppServer(frame(), { mediaRoots: [tmp] });
    for (const [row, ref] of refs.entries()) {
      for (const s of ref.slices) {
        const res = await app.inject({ url: `/api/volume/vol/${row}/slice?axis=${s.axis}&index=${s.index}` });
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toBe('image/png');
        expect((await sharp(res.rawPayload).metadata()).channels).toBe(1);
        const got = await greyOf(res.rawPayload);
        const expected = new Uint8Array(Buffer.from(s.grey, 'base64'));
        const [h, v] = s.axis === 0 ? [1, 2] : s.axis === 1 ? [0, 2] : [0, 1];
        const [sh, sv] = [ref.zooms[h], ref.zooms[v]];
        const where = `row ${row} axis ${s.axis} index ${s.index}`;
        if (sh === sv) {
          // One pixel per voxel: exact up to rounding.
          expect([got.width, got.height], where).toEqual([s.width, s.height]);
          expect(maxAbsDiff(got.data, expected), where).toBeLessThanOrEqual(1);
        } else {
          // Stretched to the physical aspect: one pixel per voxel along the finer axis.
          const scale = 1 / Math.min(sh, sv);
          const size: [number, number] = [
            Math.round(s.width * sh * scale),
            Math.round(s.height * sv * scale),
          ];
          expect([got.width, got.height], where).toEqual(size);
          expect(maxAbsDiff(got.data, enlarge(s.grey, s.width, s.height, size)), where).toBeLessThanOrEqual(
            1,
          );
        }
      }
    }
    // size= sets the longer side, keeping the aspect (row 1, sagittal: 18 × 1 mm by 10 × 3 mm).
    const sized = await greyOf(
      (await app.inject({ url: '/api/volume/vol/1/slice?axis=0&index=4&size=300' })).rawPayload,
    );
    const [w, h] = [refs[1].shape[1] * refs[1].zooms[1], refs[1].shape[2] * refs[1].zooms[2]];
    expect([sized.width, sized.height]).toEqual([
      Math.round((w * 300) / Math.max(w, h)),
      Math.round((h * 300) / Math.max(w, h)),
    ]);
  });

  nib.it('answers the thumbnail route with the middle axial slice', async () => {
    const app = await createAppServer(frame(), { mediaRoots: [tmp], thumbnailDir: path.join(tmp, 'thumbs') });
    const ref = refs[0];
    const mid = ref.slices.find((s) => s.axis === 2 && s.index === Math.floor(ref.shape[2] / 2))!;
    const res = await app.inject({ url: '/api/thumbnails/vol/0?size=40' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    const got = await greyOf(res.rawPayload);
    expect([got.width, got.height]).toEqual([40, 32]); // 20 × 16 voxels of 2 mm
    expect(meanAbsDiff(got.data, enlarge(mid.grey, mid.width, mid.height, [40, 32]))).toBeLessThan(3); // JPEG
    expect(fs.readdirSync(path.join(tmp, 'thumbs')).length).toBe(1);
  });

  nib.it('decodes a volume once, and again when its file changes', async () => {
    const file = path.join(tmp, 'v0.nii');
    const copy = path.join(tmp, 'cached.nii');
    fs.copyFileSync(file, copy);
    const when = 1_700_000_000; // whole seconds: set again exactly below
    fs.utimesSync(copy, when, when);
    const app = await createAppServer(
      new DataFrame({ id: [0] }).withColumn('vol', volumeColumn(['cached.nii'], { baseDir: tmp })),
      { mediaRoots: [tmp] },
    );
    const window = async () => (await app.inject({ url: '/api/volume/vol/0' })).json().window;
    const before = await window();
    // New voxels (all halved), same size and modification time: the
    // decoded volume is still the cached one.
    const bytes = fs.readFileSync(copy);
    const voxOffset = bytes.readFloatLE(108);
    for (let o = voxOffset; o + 1 < bytes.length; o += 2) bytes.writeInt16LE(bytes.readInt16LE(o) >> 1, o);
    fs.writeFileSync(copy, bytes);
    fs.utimesSync(copy, when, when);
    expect(await window()).toEqual(before);
    // A new modification time: decoded again.
    fs.utimesSync(copy, when, when + 5);
    const after = await window();
    expect(after.high).toBeCloseTo(before.high / 2, 0);
  });

  nib.it('refuses bad requests with typed 4xx errors', async () => {
    const app = await createAppServer(frame(), { mediaRoots: [tmp] });
    const cases: ErrorCase[] = [
      ['/api/volume/vol/0/slice?axis=2&index=12', 404, 'IndexOutOfRangeError'],
      ['/api/volume/vol/0/slice?axis=3&index=0', 400, 'InvalidArgumentError'],
      ['/api/volume/vol/0/slice?axis=0&index=-1', 400, 'InvalidArgumentError'],
      ['/api/volume/vol/0/slice?axis=0', 400, 'InvalidArgumentError'],
      ['/api/volume/vol/0/slice?axis=0&index=0&size=5', 400, 'InvalidArgumentError'],
      ['/api/volume/vol/0/slice?axis=0&index=0&path=/etc/passwd', 400, 'InvalidArgumentError'],
      ['/api/volume/vol/9', 404, 'IndexOutOfRangeError'],
      ['/api/volume/g/0', 400, 'InvalidArgumentError'],
      ['/api/volume/id/0', 400, 'InvalidArgumentError'],
      ['/api/volume/nope/0', 404, 'ColumnNotFoundError'],
    ];
    await expectErrorReplies(app, cases);
    // Cells naming files outside the granted folder are refused, whatever the route.
    const outside = await createAppServer(
      new DataFrame({ id: [0, 1] }).withColumn(
        'x',
        volumeColumn(['../outside.nii', '/etc/passwd'], { baseDir: tmp }),
      ),
      {
        mediaRoots: [tmp],
      },
    );
    await expectOutsideRefused(outside, ['/api/volume/x/0', '/api/volume/x/1']);
  });
});
