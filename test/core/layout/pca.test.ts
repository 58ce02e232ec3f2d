// pcaLayout against numpy's PCA (/usr/bin/python3: the centred rows times the first two right
// singular vectors of np.linalg.svd), each axis up to its sign: exact below the sample size, and
// within a small angle of it when the axes come from an even sample of the rows. Null rows get NaN.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'vitest';
import { pcaLayout } from '../../../src/core/layout/pca.js';
import { needs, PYTHON } from '../../helpers/references.js';

const D = 8;

function rowsOf(n: number): Float32Array {
  const out = new Float32Array(n * D);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < D; j++)
      out[i * D + j] = (i % 5) * Math.cos(j) * 2 + Math.sin(i * 0.91 + j * 1.7) * (2 / (j + 1)) + 0.5;
  return out;
}

function numpyPca(data: Float32Array): Float64Array {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-pca-')), 'x.f32');
  fs.writeFileSync(file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  const script = [
    'import sys, numpy as np',
    `x = np.fromfile(sys.argv[1], dtype='<f4').reshape(-1, ${D}).astype(np.float64)`,
    'c = x - x.mean(axis=0)',
    'u, s, vt = np.linalg.svd(c, full_matrices=False)',
    'sys.stdout.buffer.write((c @ vt[:2].T).astype("<f8").tobytes())',
  ].join('\n');
  const bytes = execFileSync(PYTHON, ['-c', script, file]);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  return new Float64Array(new Uint8Array(bytes).buffer);
}

/** Largest difference per axis after matching signs, relative to the axis's largest value. */
function axisErrors(ours: Float32Array, ref: Float64Array): number[] {
  const n = ref.length / 2;
  return [0, 1].map((axis) => {
    let dot = 0;
    let scale = 0;
    for (let i = 0; i < n; i++) {
      dot += ours[2 * i + axis] * ref[2 * i + axis];
      scale = Math.max(scale, Math.abs(ref[2 * i + axis]));
    }
    let worst = 0;
    for (let i = 0; i < n; i++)
      worst = Math.max(worst, Math.abs(Math.sign(dot) * ours[2 * i + axis] - ref[2 * i + axis]));
    return worst / scale;
  });
}

const numpy = needs('numpy');

numpy.describe('pcaLayout', () => {
  numpy.it('equals numpy’s PCA when the axes come from all rows', async () => {
    const data = rowsOf(3000);
    const errors = axisErrors(await pcaLayout(data, 3000, D), numpyPca(data));
    for (const e of errors) expect(e).toBeLessThan(1e-4);
  });

  numpy.it('stays close to it when the axes come from a sample of the rows', async () => {
    const data = rowsOf(3000);
    const errors = axisErrors(await pcaLayout(data, 3000, D, { sampleRows: 500 }), numpyPca(data));
    for (const e of errors) expect(e).toBeLessThan(0.02);
  });

  numpy.it('leaves null rows out of the axes and gives them NaN', async () => {
    const data = rowsOf(400);
    // Row 7's values would pull the axes if they were used.
    data.fill(1e4, 7 * D, 8 * D);
    const xy = await pcaLayout(data, 400, D, { isNull: (i) => i === 7 });
    expect(Number.isNaN(xy[14]) && Number.isNaN(xy[15])).toBe(true);
    const without = new Float32Array([...data.subarray(0, 7 * D), ...data.subarray(8 * D)]);
    const ref = numpyPca(without);
    const ours = new Float32Array([...xy.subarray(0, 14), ...xy.subarray(16)]);
    for (const e of axisErrors(ours, ref)) expect(e).toBeLessThan(1e-4);
  });
});
