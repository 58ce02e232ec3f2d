// The app server's slice metrics (POST /api/slices, the slices panel's one request): a classifier
// over N rows (3 classes, 8 groups), labels and predictions only, then with a [3] probability
// column (adding AUC, ECE and the calibration bins), server time through fastify.inject, median of
// the repetitions after one warm-up. Issue 13's target: ≤ 300 ms at 1M rows.
// `npm run bench -- app-slices [--rows N] [--reps N] [--quick]`

import { Random } from '../src/core/random.js';
import { DataFrame, TensorColumn } from '../src/index.js';
import { createAppServer } from '../src/node/server/index.js';
import { load, machine } from './lib/results.js';
import { median } from './lib/stats.js';

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

/** Predictions right 80% of the time; probabilities whose argmax is the prediction. */
function frame(rows: number): DataFrame {
  const classes = ['a', 'b', 'c'];
  const rng = new Random(1);
  const probs = new Float32Array(rows * 3);
  const label = new Array<string>(rows);
  const pred = new Array<string>(rows);
  const site = new Array<string>(rows);
  for (let i = 0; i < rows; i++) {
    const p = [rng.next(), rng.next(), rng.next()];
    const sum = p[0] + p[1] + p[2];
    let best = 0;
    for (let c = 0; c < 3; c++) {
      probs[i * 3 + c] = p[c] / sum;
      if (p[c] > p[best]) best = c;
    }
    pred[i] = classes[best];
    label[i] = rng.next() < 0.8 ? classes[best] : classes[rng.int(3)];
    site[i] = `site ${i % 8}`;
  }
  return new DataFrame({ label, pred, site, probs: new TensorColumn(probs, [3]) });
}

export async function main(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const rows = arg(args, 'rows', quick ? 100_000 : 1_000_000);
  const reps = arg(args, 'reps', quick ? 2 : 3);
  const app = await createAppServer(frame(rows));
  const cases = [
    {
      what: 'label + prediction (accuracy, F1)',
      body: { label: 'label', prediction: 'pred', groups: ['site'] },
    },
    {
      what: '+ scores (AUC, ECE, calibration)',
      body: { label: 'label', prediction: 'pred', scores: 'probs', groups: ['site'] },
    },
  ];
  console.log(
    `app server slice metrics, ${rows} rows, 8 groups, default intervals, ${reps} requests (inject)`,
  );
  // The first request on a frame also fills the per-column caches (class codes, scores as float64,
  // score orders): it is shown apart, as the panel's first answer; the median is of the ones after.
  console.log('| what | first request | median after |\n|---|---|---|');
  for (const { what, body } of cases) {
    const ms: number[] = [];
    let first = 0;
    for (let r = 0; r <= reps; r++) {
      const t = performance.now();
      const res = await app.inject({ method: 'POST', url: '/api/slices', payload: body });
      if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
      if (r === 0) first = performance.now() - t;
      else ms.push(performance.now() - t);
    }
    console.log(`| ${what} | ${first.toFixed(0)} ms | ${median(ms).toFixed(0)} ms |`);
  }
  await app.close();
  console.log(`machine: ${machine()}; load average ${load()}`);
}
