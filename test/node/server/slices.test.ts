// POST /api/slices: a classifier's metrics per slice (accuracy with Wilson intervals, macro F1 with
// bootstrap intervals, exact for slices within the bootstrap's row budget and scaled from a sample
// beyond it, one-vs-rest AUC, ECE), the confusion matrix and the calibration bins, checked
// against slices-reference.py (numpy + pandas, textbook formulas, no Tessera code) on the same
// rows; each slice's condition checked by filtering a view with it; slice discovery on planted blobs.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.js';
import { DataFrame, TensorColumn } from '../../../src/index.js';
import { createAppServer } from '../../../src/node/server/index.js';
import { needs, PYTHON } from '../../helpers/references.js';

const N = 900;
const CLASSES = ['ant', 'bee', 'cat'];
const REGIONS = ['east', 'north', 'south', 'west'];
const BLOBS = 4;
const DIMS = 3;

interface Row {
  label: string | null;
  pred: string;
  probs: number[];
  region: string | null;
  blob: number;
  split: string;
}

/** Rows with planted errors: the west region and blob 3 are wrong far more often. */
function makeRows(): Row[] {
  const rng = new Random(11);
  return Array.from({ length: N }, (_, i) => {
    const blob = i % BLOBS;
    const region = i % 97 === 0 ? null : REGIONS[Math.floor(i / BLOBS) % REGIONS.length];
    const logits = CLASSES.map(() => rng.next() * 3);
    // float32, as the tensor column holds them
    const exp = logits.map(Math.exp);
    const sum = exp.reduce((a, b) => a + b, 0);
    const probs = Array.from(Float32Array.from(exp, (e) => e / sum));
    let p = 0;
    for (let c = 1; c < CLASSES.length; c++) if (probs[c] > probs[p]) p = c;
    const wrongChance = 0.1 + (region === 'west' ? 0.35 : 0) + (blob === 3 ? 0.35 : 0);
    const t = rng.next() < wrongChance ? (p + 1 + rng.int(2)) % CLASSES.length : p;
    return {
      label: i % 151 === 5 ? null : CLASSES[t],
      pred: CLASSES[p],
      probs,
      region,
      blob,
      split: rng.next() < 0.5 ? 'train' : 'test',
    };
  });
}

function frameOf(rows: Row[]): DataFrame {
  const emb = new Float32Array(N * DIMS);
  const rng = new Random(3);
  rows.forEach((r, i) => {
    for (let j = 0; j < DIMS; j++)
      emb[i * DIMS + j] = (j === r.blob % DIMS ? 10 : 0) + (r.blob === 3 ? -10 : 0) + rng.next();
  });
  return new DataFrame({
    label: rows.map((r) => r.label),
    pred: rows.map((r) => r.pred),
    probs: new TensorColumn(Float32Array.from(rows.flatMap((r) => r.probs)), [CLASSES.length]),
    region: rows.map((r) => r.region),
    split: rows.map((r) => r.split),
    emb: new TensorColumn(emb, [DIMS]),
  });
}

interface Metrics {
  count: number;
  accuracy: number;
  accuracy_interval: [number, number];
  f1_macro: number;
  f1_width: number;
  roc_auc: number | null;
  ece: number;
}
interface Reference {
  overall: Metrics;
  confusion: number[][];
  calibration: { count: number; confidence: number | null; accuracy: number | null }[];
  region: Record<string, Metrics>;
  blob: Record<string, Metrics>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
function reference(rows: Row[], split?: string): Reference {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-slices-')), 'rows.json');
  fs.writeFileSync(file, JSON.stringify({ classes: CLASSES, rows, split }));
  return JSON.parse(
    execFileSync(PYTHON, [path.join(here, 'slices-reference.py'), file], { encoding: 'utf8' }),
  );
}

interface MetricValue {
  value: number | null;
  lower: number | null;
  upper: number | null;
}
interface Slice {
  name: string;
  kind: string;
  column?: string;
  value?: unknown;
  count: number;
  metrics: Record<string, MetricValue>;
  gap: number | null;
  condition: unknown;
}

/** The slice's numbers equal the reference's; intervals bracket the value. */
function expectMatches(slice: Slice, ref: Metrics): void {
  expect(slice.count).toBe(ref.count);
  const m = slice.metrics;
  expect(m.accuracy.value).toBeCloseTo(ref.accuracy, 12);
  expect(m.accuracy.lower).toBeCloseTo(ref.accuracy_interval[0], 8);
  expect(m.accuracy.upper).toBeCloseTo(ref.accuracy_interval[1], 8);
  expect(m.f1_macro.value).toBeCloseTo(ref.f1_macro, 12);
  // A bootstrap interval: seeded differently from numpy's, so its width agrees only roughly (and
  // not at all for a handful of rows).
  const width = (m.f1_macro.upper as number) - (m.f1_macro.lower as number);
  if (ref.count >= 30) {
    expect(width / ref.f1_width).toBeGreaterThan(0.6);
    expect(width / ref.f1_width).toBeLessThan(1.6);
  }
  expect(m.f1_macro.lower).toBeLessThanOrEqual(m.f1_macro.value as number);
  expect(m.f1_macro.upper).toBeGreaterThanOrEqual(m.f1_macro.value as number);
  if (ref.roc_auc === null) expect(m.roc_auc.value).toBeNull();
  else expect(m.roc_auc.value).toBeCloseTo(ref.roc_auc, 12);
  expect(m.ece.value).toBeCloseTo(ref.ece, 12);
}

const python = needs('numpy', 'pandas');

describe('POST /api/slices', () => {
  const rows = makeRows();
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await createAppServer(frameOf(rows));
  });
  afterAll(async () => app.close());

  const post = (body: unknown) => app.inject({ method: 'POST', url: '/api/slices', payload: body as object });
  /** The frame rows a condition selects, through a view as the app makes one. */
  async function rowsOf(condition: unknown): Promise<number> {
    const res = await app.inject({ method: 'POST', url: '/api/views', payload: { filter: condition } });
    expect(res.statusCode).toBe(201);
    return res.json().rows;
  }

  python.it('gives per-region metrics, confusion and calibration equal to numpy/pandas', async () => {
    const ref = reference(rows);
    const res = await post({ label: 'label', prediction: 'pred', scores: 'probs', groups: ['region'] });
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report.metrics).toEqual(['accuracy', 'f1_macro', 'roc_auc', 'ece']);
    expect(report.rows).toBe(N);
    expect(report.evaluated).toBe(ref.overall.count);
    expectMatches(report.overall, ref.overall);
    const names = report.slices.map((s: Slice) => s.name);
    expect([...names].sort()).toEqual(
      Object.keys(ref.region)
        .map((r) => `region = ${r}`)
        .sort(),
    );
    for (const slice of report.slices as Slice[]) {
      const key = slice.value === null ? 'null' : String(slice.value);
      expectMatches(slice, ref.region[key]);
      expect(slice.gap).toBeCloseTo(ref.overall.accuracy - ref.region[key].accuracy, 12);
    }
    // Worst first: the planted region leads.
    expect(report.slices[0].name).toBe('region = west');
    const gaps = report.slices.map((s: Slice) => s.gap);
    expect(gaps).toEqual([...gaps].sort((a, b) => b - a));
    expect(report.confusion.classes).toEqual(CLASSES);
    expect(report.confusion.counts).toEqual(ref.confusion);
    expect(report.calibration).toHaveLength(15);
    report.calibration.forEach(
      (bin: { count: number; confidence: number | null; accuracy: number | null }, b: number) => {
        expect(bin.count).toBe(ref.calibration[b].count);
        if (bin.count === 0) expect(bin.confidence).toBeNull();
        else {
          expect(bin.confidence).toBeCloseTo(ref.calibration[b].confidence as number, 12);
          expect(bin.accuracy).toBeCloseTo(ref.calibration[b].accuracy as number, 12);
        }
      },
    );
  });

  python.it('bootstraps a large slice on a sample, its interval scaled to the whole slice', async () => {
    const ref = reference(rows);
    // Slices of ~220 rows bootstrapped on 100 of them: the interval is narrowed by √(100/n).
    const body = {
      label: 'label',
      prediction: 'pred',
      scores: 'probs',
      groups: ['region'],
      bootstrap: 200,
      bootstrapRows: 100,
    };
    const report = (await post(body)).json();
    for (const slice of [report.overall, ...report.slices] as Slice[]) {
      const key = slice.value === null ? 'null' : String(slice.value);
      const want = slice.kind === 'overall' ? ref.overall : ref.region[key];
      const m = slice.metrics;
      // Values and Wilson intervals come from all rows, exactly.
      expect(m.f1_macro.value).toBeCloseTo(want.f1_macro, 12);
      expect(m.accuracy.lower).toBeCloseTo(want.accuracy_interval[0], 8);
      if (slice.count <= 100) continue; // the null region: all its rows
      const width = (m.f1_macro.upper as number) - (m.f1_macro.lower as number);
      expect(width / want.f1_width).toBeGreaterThan(0.5);
      expect(width / want.f1_width).toBeLessThan(2);
      expect(m.f1_macro.lower).toBeLessThanOrEqual(m.f1_macro.value as number);
      expect(m.f1_macro.upper).toBeGreaterThanOrEqual(m.f1_macro.value as number);
    }
  });

  python.it('evaluates within the filter, and each condition selects its slice', async () => {
    const ref = reference(rows, 'test');
    const filter = { column: 'split', op: '==', value: 'test' };
    const report = (
      await post({ label: 'label', prediction: 'pred', scores: 'probs', groups: ['region'], filter })
    ).json();
    expect(report.rows).toBe(rows.filter((r) => r.split === 'test').length);
    expectMatches(report.overall, ref.overall);
    for (const slice of report.slices as Slice[]) {
      const key = slice.value === null ? 'null' : String(slice.value);
      expectMatches(slice, ref.region[key]);
      // The condition (with the filter) selects the slice's rows: those with a label, plus unlabelled ones.
      const selected = rows.filter((r) => r.split === 'test' && (r.region ?? 'null') === key).length;
      expect(await rowsOf({ and: [filter, slice.condition] })).toBe(selected);
    }
    expect(report.confusion.counts).toEqual(ref.confusion);
    // A confusion cell's condition selects the rows of that (label, prediction) pair.
    expect(await rowsOf({ and: [filter, report.confusion.conditions[2][0]] })).toBe(ref.confusion[2][0]);
  });

  python.it('discovers the planted blob as the worst cluster, filterable by its cluster column', async () => {
    const ref = reference(rows);
    const report = (
      await post({
        label: 'label',
        prediction: 'pred',
        scores: 'probs',
        discover: { embedding: 'emb', k: 4 },
      })
    ).json();
    expect(report.discovered.column).toBe('emb_cluster_k4');
    const slices = report.discovered.slices as Slice[];
    expect(slices).toHaveLength(BLOBS);
    // The blobs are far apart, so each cluster is one blob: its condition selects exactly that blob's rows.
    const blobs = new Set<number>();
    for (const slice of slices) {
      expect(slice.condition).toEqual({ column: 'emb_cluster_k4', op: '==', value: slice.value });
      const view = (
        await app.inject({ method: 'POST', url: '/api/views', payload: { filter: slice.condition } })
      ).json();
      expect(view.rows).toBe(N / BLOBS);
      const ipc = await app.inject({
        url: `/api/views/${view.id}/rows?start=0&end=${N}&rowIndex=true&columns=region`,
      });
      const frameRows = [...(tableFromIPC(ipc.rawPayload).getChild('__row')?.toArray() ?? [])].map(Number);
      const blobsHere = new Set(frameRows.map((r) => r % BLOBS));
      expect(blobsHere.size).toBe(1);
      blobs.add([...blobsHere][0]);
    }
    expect(blobs.size).toBe(BLOBS);
    // Metrics per cluster equal the reference's per blob, as a multiset (cluster numbers are arbitrary).
    const byAccuracy = (a: { accuracy: number }, b: { accuracy: number }) => a.accuracy - b.accuracy;
    const got = slices
      .map((s) => ({ count: s.count, accuracy: s.metrics.accuracy.value as number }))
      .sort(byAccuracy);
    const want = Object.values(ref.blob)
      .map((m) => ({ count: m.count, accuracy: m.accuracy }))
      .sort(byAccuracy);
    expect(got.map((g) => g.count)).toEqual(want.map((w) => w.count));
    for (const [i, g] of got.entries()) expect(g.accuracy).toBeCloseTo(want[i].accuracy, 12);
    expect(slices[0].metrics.accuracy.value).toBeCloseTo(ref.blob['3'].accuracy, 12);
    // The column is now part of the served frame.
    const schema = (await app.inject({ url: '/api/schema' })).json();
    expect(schema.columns.map((c: { name: string }) => c.name)).toContain('emb_cluster_k4');
    // Asking again reuses it.
    const again = await post({ label: 'label', prediction: 'pred', discover: { embedding: 'emb', k: 4 } });
    expect(again.statusCode).toBe(200);
    expect(again.json().discovered.slices).toHaveLength(BLOBS);
  });

  it('refuses malformed requests with typed 4xx errors', async () => {
    const cases: [unknown, number, string][] = [
      [{}, 400, 'InvalidArgumentError'],
      [{ label: 'label' }, 400, 'InvalidArgumentError'],
      [{ label: 'lable', prediction: 'pred' }, 404, 'ColumnNotFoundError'],
      [{ label: 'label', prediction: 'pred', groups: ['probs'] }, 400, 'TypeMismatchError'],
      [{ label: 'label', prediction: 'pred', bootstrap: 'many' }, 400, 'InvalidArgumentError'],
      [{ label: 'label', prediction: 'pred', discover: { embedding: 'region' } }, 400, 'TypeMismatchError'],
      [
        { label: 'label', prediction: 'pred', filter: { column: 'split', op: 'like' } },
        400,
        'InvalidArgumentError',
      ],
      [{ label: 'label', prediction: 'pred', extra: 1 }, 400, 'InvalidArgumentError'],
    ];
    for (const [body, status, type] of cases) {
      const res = await post(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(res.json().error.type, JSON.stringify(body)).toBe(type);
    }
  });
});
