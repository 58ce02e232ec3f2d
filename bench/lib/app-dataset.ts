/**
 * The app benchmark's datasets, built once per size with the store's append writer (a chunk at a
 * time, so a 10M-row, ~20 GB dataset never sits in memory) and kept under
 * os.tmpdir()/tessera-bench-app/<size> for later runs:
 * - `table`: id int32, x float64, label string and a 512-d float32 embedding;
 * - `gallery`: id int32, file string and an image column over a few hundred small PNGs that the
 *   rows repeat by path (a million distinct images would be a benchmark of the disk).
 * Every value is a formula of the row number, so the benchmark's checks of what the page shows
 * come from a naive scan, not from Tessera.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { append, DataFrame, imageColumn, TensorColumn, vacuum, write } from '../../src/index.js';
import { formatCount } from './stats.js';

export const EMBEDDING_DIM = 512;
/** Distinct images of the gallery dataset; row i shows image i mod IMAGES. */
export const IMAGES = 300;
/** Bumped when the layout or the formulas change, so older cached datasets are rebuilt. */
const SPEC = 1;
const CHUNK_ROWS = 200_000;

/** The value formulas (the benchmark's reference). */
export const xOf = (i: number) => ((i * 7919 + 13) % 1_000_003) / 7;
export const labelOf = (i: number) => `item-${(i * 104_729) % 1_000_003}`;
export const imageFile = (i: number) => `img-${i % IMAGES}.png`;

export interface AppBenchData {
  rows: number;
  /** The table dataset. */
  table: string;
  /** The gallery dataset. */
  gallery: string;
  /** Bytes the datasets take on disk. */
  bytes: number;
}

/** Bytes per row of the table dataset, about (the embedding dominates). */
const ROW_BYTES = 4 + 8 + 20 + 4 * EMBEDDING_DIM + 4 + 16;
/** Room to leave free on the disk besides the datasets. */
const DISK_MARGIN = 4 * 2 ** 30;

/** Where the datasets of `rows` rows live. */
export function benchDataDir(rows: number): string {
  return path.join(os.tmpdir(), 'tessera-bench-app', formatCount(rows));
}

/**
 * The datasets of `rows` rows, built if they are not there yet (or were left half built). A disk
 * without room for them is refused before anything is written.
 */
export async function appBenchData(rows: number, log: (line: string) => void): Promise<AppBenchData> {
  const dir = benchDataDir(rows);
  const ready = path.join(dir, 'ready.json');
  const data = { rows, table: path.join(dir, 'table'), gallery: path.join(dir, 'gallery') };
  try {
    const marker = JSON.parse(fs.readFileSync(ready, 'utf8')) as {
      spec: number;
      rows: number;
      bytes: number;
    };
    if (marker.spec === SPEC && marker.rows === rows) return { ...data, bytes: marker.bytes };
  } catch {
    // not built (or half built): build below
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const need = rows * ROW_BYTES;
  checkDiskRoom(dir, rows);
  log(`building the ${formatCount(rows)}-row app datasets in ${dir} (about ${gib(need)}, once)`);
  const t0 = performance.now();
  await buildTable(data.table, rows, log);
  await buildGallery(data.gallery, rows);
  const bytes = duBytes(dir);
  fs.writeFileSync(ready, JSON.stringify({ spec: SPEC, rows, bytes }));
  log(`built in ${((performance.now() - t0) / 1000).toFixed(0)} s (${gib(bytes)})`);
  return { ...data, bytes };
}

/**
 * Throws, saying what to do, when the disk under `dir` has no room for the datasets of `rows` rows
 * and a margin besides (`free`: the bytes free there, by default asked of the file system).
 */
export function checkDiskRoom(dir: string, rows: number, free = freeBytes(dir)): void {
  const need = rows * ROW_BYTES;
  if (free < need + DISK_MARGIN)
    throw new Error(
      `not enough free disk for the ${formatCount(rows)}-row app datasets in ${dir}: they need about ` +
        `${gib(need)} and ${gib(DISK_MARGIN)} is left spare, but only ${gib(free)} is free; ` +
        'free some space or run a smaller size (--sizes)',
    );
}

function freeBytes(dir: string): number {
  const { bavail, bsize } = fs.statfsSync(dir);
  return bavail * bsize;
}

/** Rows [start, end) of the table dataset. */
function tableChunk(start: number, end: number, base: Float32Array): DataFrame {
  const n = end - start;
  const id = new Int32Array(n);
  const x = new Float64Array(n);
  const label: string[] = new Array(n);
  const emb = new Float32Array(n * EMBEDDING_DIM);
  const variants = base.length / EMBEDDING_DIM;
  for (let k = 0; k < n; k++) {
    const i = start + k;
    id[k] = i;
    x[k] = xOf(i);
    label[k] = labelOf(i);
    // Varied vectors without a random draw per value: one of a few thousand random rows.
    const v = (i * 2_654_435_761) % variants;
    emb.set(base.subarray(v * EMBEDDING_DIM, (v + 1) * EMBEDDING_DIM), k * EMBEDDING_DIM);
  }
  return new DataFrame({ id, x, label, emb: new TensorColumn(emb, [EMBEDDING_DIM]) });
}

async function buildTable(dir: string, rows: number, log: (line: string) => void): Promise<void> {
  const base = new Float32Array(4096 * EMBEDDING_DIM);
  let seed = 12345;
  for (let k = 0; k < base.length; k++) {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    base[k] = seed / 2 ** 31 - 1;
  }
  for (let start = 0; start < rows; start += CHUNK_ROWS) {
    const chunk = tableChunk(start, Math.min(rows, start + CHUNK_ROWS), base);
    if (start === 0) await write(chunk, dir, { fsync: false });
    else await append(dir, chunk, { fsync: false });
    if (rows > CHUNK_ROWS)
      log(`  ${formatCount(Math.min(rows, start + CHUNK_ROWS))} of ${formatCount(rows)} rows`);
  }
  // Only the last version is kept: the dataset reads like one appended over time, without its history.
  await vacuum(dir, { keep: 1 });
}

async function buildGallery(datasetDir: string, rows: number): Promise<void> {
  const images = path.join(datasetDir, 'images');
  const chunk = (start: number, end: number, withImage: boolean) => {
    const id = Int32Array.from({ length: end - start }, (_, k) => start + k);
    const file = Array.from({ length: end - start }, (_, k) => imageFile(start + k));
    return new DataFrame({
      id,
      file,
      ...(withImage ? { image: imageColumn(file, { baseDir: images, inputNames: ['file'] }) } : {}),
    });
  };
  // The image column is deferred (its function and its input `file`): appends leave it out.
  for (let start = 0; start < rows; start += 4 * CHUNK_ROWS) {
    const end = Math.min(rows, start + 4 * CHUNK_ROWS);
    if (start === 0) await write(chunk(0, end, true), datasetDir, { fsync: false });
    else await append(datasetDir, chunk(start, end, false), { fsync: false });
  }
  await vacuum(datasetDir, { keep: 1 });
  // The images go in after the first write, which wants a new directory.
  fs.mkdirSync(images, { recursive: true });
  await Promise.all(
    Array.from({ length: IMAGES }, (_, i) =>
      sharp({
        create: {
          width: 160,
          height: 120,
          channels: 3,
          background: { r: (i * 97 + 30) % 256, g: (i * 57 + 200) % 256, b: (i * 151 + 90) % 256 },
        },
      })
        .png()
        .toFile(path.join(images, imageFile(i))),
    ),
  );
}

function duBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) total += fs.statSync(path.join(e.parentPath, e.name)).size;
  return total;
}

function gib(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}
