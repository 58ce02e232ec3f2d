// The app benchmark's datasets: built once with the formulas' values (read back and compared with
// the formulas, and the embedding file with numpy), reused by a later run, and refused with a clear
// message where the disk has no room.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  appBenchData,
  benchDataDir,
  checkDiskRoom,
  EMBEDDING_DIM,
  imageFile,
  labelOf,
  xOf,
} from '../../../bench/lib/app-dataset.js';
import { read } from '../../../src/index.js';
import { needs, PYTHON } from '../../helpers/references.js';

const ROWS = 1000;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-app-bench-data-'));
const savedTmp = process.env.TMPDIR;
afterAll(() => {
  process.env.TMPDIR = savedTmp;
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the app benchmark datasets', () => {
  it('hold the formulas, are kept for the next run, and the embedding is a .npy numpy reads', async () => {
    process.env.TMPDIR = tmp;
    const data = await appBenchData(ROWS, () => {});
    expect(data.table.startsWith(benchDataDir(ROWS))).toBe(true);
    const table = await read(data.table);
    expect(table.length).toBe(ROWS);
    const at = [0, 1, 499, 999];
    const rows = at.map((i) => table.row(i));
    expect(rows.map((r) => [r.id, r.x, r.label])).toEqual(at.map((i) => [i, xOf(i), labelOf(i)]));
    const gallery = await read(data.gallery);
    expect(gallery.column('file').toArray().slice(0, 3)).toEqual([0, 1, 2].map(imageFile));
    expect(fs.existsSync(path.join(data.gallery, 'images', imageFile(299)))).toBe(true);
    // Kept: a second call builds nothing.
    const before = fs.statSync(path.join(data.table, 'manifest.json')).mtimeMs;
    let logged = 0;
    await appBenchData(ROWS, () => logged++);
    expect(logged).toBe(0);
    expect(fs.statSync(path.join(data.table, 'manifest.json')).mtimeMs).toBe(before);
  }, 60_000);

  needs('numpy').it('stores the embedding as a 1000 × 512 float32 .npy', () => {
    const npy = fs
      .readdirSync(path.join(benchDataDir(ROWS), 'table', 'data'))
      .filter((f) => f.endsWith('.npy'));
    expect(npy).toHaveLength(1);
    const out = execFileSync(
      PYTHON,
      [
        '-c',
        'import numpy as np, sys; a = np.load(sys.argv[1]); print(a.shape, a.dtype)',
        path.join(benchDataDir(ROWS), 'table', 'data', npy[0]),
      ],
      { encoding: 'utf8' },
    );
    expect(out.trim()).toBe(`(${ROWS}, ${EMBEDDING_DIM}) float32`);
  });

  it('refuses a disk without room, saying what to do', () => {
    expect(() => checkDiskRoom('/data', 10_000_000, 8 * 2 ** 30)).toThrow(
      /not enough free disk for the 10M-row app datasets in \/data: they need about 19\.\d GiB .* only 8\.0 GiB is free; free some space or run a smaller size/,
    );
    expect(() => checkDiskRoom('/data', 1_000, 8 * 2 ** 30)).not.toThrow();
  });
});
