// POST /api/slices on more rows than slices.test.ts: 20k rows, 5 classes, missing labels,
// predictions and regions, checked against slices-reference.py (numpy + pandas) to 12 decimals; and
// a big request yields to the event loop: a row window asked for while it runs is answered first.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.js';
import { DataFrame, TensorColumn } from '../../../src/index.js';
import { createAppServer } from '../../../src/node/server/index.js';
import { needs, PYTHON } from '../../helpers/references.js';

const CLASSES = ['ant', 'bee', 'cat', 'dog', 'eel'];
const REGIONS = ['east', 'north', 'south', 'west', 'up', 'down'];

interface Row {
  label: string | null;
  pred: string | null;
  probs: number[];
  region: string | null;
  blob: number;
  split: string;
}

/** Random rows: probabilities in float32 with some ties, labels right about 60% of the time. */
function makeRows(n: number, seed: number): Row[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, (_, i) => {
    // Coarse logits tie often, so AUC's tied ranks are exercised.
    const logits = CLASSES.map(() => Math.round(rng.next() * 8) / 2);
    const exp = logits.map(Math.exp);
    const sum = exp.reduce((a, b) => a + b, 0);
    const probs = Array.from(Float32Array.from(exp, (e) => e / sum));
    let p = 0;
    for (let c = 1; c < CLASSES.length; c++) if (probs[c] > probs[p]) p = c;
    const t = rng.next() < 0.6 ? p : rng.int(CLASSES.length);
    return {
      label: rng.next() < 0.03 ? null : CLASSES[t],
      pred: rng.next() < 0.02 ? null : CLASSES[p],
      probs,
      region: rng.next() < 0.05 ? null : REGIONS[rng.int(REGIONS.length)],
      blob: i % 3,
      split: rng.next() < 0.5 ? 'train' : 'test',
    };
  });
}

function frameOf(rows: Row[]): DataFrame {
  return new DataFrame({
    label: rows.map((r) => r.label),
    pred: rows.map((r) => r.pred),
    probs: new TensorColumn(Float32Array.from(rows.flatMap((r) => r.probs)), [CLASSES.length]),
    region: rows.map((r) => r.region),
    split: rows.map((r) => r.split),
  });
}

interface Metrics {
  count: number;
  accuracy: number;
  accuracy_interval: [number, number];
  f1_macro: number;
  roc_auc: number | null;
  ece: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));
function reference(
  rows: Row[],
  split?: string,
): { overall: Metrics; region: Record<string, Metrics> } & {
  confusion: number[][];
  calibration: { count: number; confidence: number | null; accuracy: number | null }[];
} {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-slices-large-')), 'rows.json');
  fs.writeFileSync(file, JSON.stringify({ classes: CLASSES, rows, split, bootstrap: false }));
  return JSON.parse(
    execFileSync(PYTHON, [path.join(here, 'slices-reference.py'), file], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    }),
  );
}

interface MetricValue {
  value: number | null;
  lower: number | null;
  upper: number | null;
}
interface Slice {
  value?: unknown;
  count: number;
  metrics: Record<string, MetricValue>;
  gap: number | null;
}

function expectMatches(slice: Slice, ref: Metrics, overall: Metrics): void {
  expect(slice.count).toBe(ref.count);
  const m = slice.metrics;
  expect(m.accuracy.value).toBeCloseTo(ref.accuracy, 12);
  expect(m.accuracy.lower).toBeCloseTo(ref.accuracy_interval[0], 8);
  expect(m.accuracy.upper).toBeCloseTo(ref.accuracy_interval[1], 8);
  expect(m.f1_macro.value).toBeCloseTo(ref.f1_macro, 12);
  expect(m.roc_auc.value).toBeCloseTo(ref.roc_auc as number, 12);
  expect(m.ece.value).toBeCloseTo(ref.ece, 12);
  expect(slice.gap).toBeCloseTo(overall.accuracy - ref.accuracy, 12);
  for (const name of ['f1_macro', 'roc_auc', 'ece']) {
    expect(m[name].lower).toBeLessThanOrEqual(m[name].value as number);
    expect(m[name].upper).toBeGreaterThanOrEqual(m[name].value as number);
  }
}

const python = needs('numpy', 'pandas');

describe('POST /api/slices on many rows', () => {
  python.it(
    'equals numpy/pandas on 20k rows, 5 classes, with missing values, with and without a filter',
    async () => {
      const rows = makeRows(20_000, 5);
      const app = await createAppServer(frameOf(rows));
      try {
        for (const split of [undefined, 'test']) {
          const ref = reference(rows, split);
          const filter = split === undefined ? {} : { filter: { column: 'split', op: '==', value: split } };
          const res = await app.inject({
            method: 'POST',
            url: '/api/slices',
            payload: {
              label: 'label',
              prediction: 'pred',
              scores: 'probs',
              classes: CLASSES,
              groups: ['region'],
              ...filter,
            },
          });
          expect(res.statusCode).toBe(200);
          const report = res.json();
          expect(report.evaluated).toBe(ref.overall.count);
          expectMatches(report.overall, ref.overall, ref.overall);
          expect(report.slices).toHaveLength(REGIONS.length + 1);
          for (const slice of report.slices as Slice[])
            expectMatches(
              slice,
              ref.region[slice.value === null ? 'null' : String(slice.value)],
              ref.overall,
            );
          expect(report.confusion.counts).toEqual(ref.confusion);
          report.calibration.forEach(
            (bin: { count: number; confidence: number | null; accuracy: number | null }, b: number) => {
              expect(bin.count).toBe(ref.calibration[b].count);
              if (bin.count > 0) {
                expect(bin.confidence).toBeCloseTo(ref.calibration[b].confidence as number, 12);
                expect(bin.accuracy).toBeCloseTo(ref.calibration[b].accuracy as number, 12);
              }
            },
          );
        }
      } finally {
        await app.close();
      }
    },
  );

  it('answers a row window asked for while a big slices request runs', async () => {
    const rows = makeRows(60_000, 9).map((r, i) => ({ ...r, region: `r${i % 40}` }));
    const app = await createAppServer(frameOf(rows));
    let slicesStarted = false;
    app.addHook('preHandler', async (request) => {
      if (request.url.startsWith('/api/slices')) slicesStarted = true;
    });
    try {
      const done: string[] = [];
      const body = {
        label: 'label',
        prediction: 'pred',
        scores: 'probs',
        classes: CLASSES,
        groups: ['region'],
      };
      const slices = app.inject({ method: 'POST', url: '/api/slices', payload: body }).then((res) => {
        done.push('slices');
        return res;
      });
      // Once the slices handler runs, ask for a window: it is answered before the slices finish.
      while (!slicesStarted) await new Promise((resolve) => setImmediate(resolve));
      const window = app.inject({ url: '/api/rows?start=0&end=50&columns=label' }).then((res) => {
        done.push('window');
        return res;
      });
      const [s, w] = await Promise.all([slices, window]);
      expect(s.statusCode).toBe(200);
      expect(w.statusCode).toBe(200);
      expect(done).toEqual(['window', 'slices']);
    } finally {
      await app.close();
    }
  });
});
