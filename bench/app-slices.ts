// The app server's slice metrics (POST /api/slices, the slices panel's one request): a classifier
// over N rows (3 classes, 8 groups), server time through fastify.inject after the server is ready.
// First the panel's first answer on a server just started (label, prediction, a [3] probability
// column and a grouping: every cache empty and no code compiled yet); then, on new columns of the
// same values, labels and predictions only and then with the scores, as a user who picks the
// scores column second. Each line: the first request and the median of the repetitions after
// (another grouping, filter or slice over the same columns). Issue 13's target: ≤ 300 ms at 1M rows.
// `npm run bench -- app-slices [--rows N] [--reps N] [--quick]`

import { Random } from '../src/core/random.js';
import { DataFrame, TensorColumn } from '../src/index.js';
import { createAppServer } from '../src/node/server/index.js';
import { countOption } from './lib/args.js';
import { load, machine } from './lib/results.js';
import { median } from './lib/stats.js';

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
  const rows = countOption(args, '--rows', quick ? 100_000 : 1_000_000);
  const reps = countOption(args, '--reps', quick ? 2 : 3);
  const labels = { label: 'label', prediction: 'pred', groups: ['site'] };
  const withScores = { ...labels, scores: 'probs' };
  console.log(
    `app server slice metrics, ${rows} rows, 8 groups, default intervals, ${reps} requests after the first (inject)`,
  );
  console.log('| what | first request | median after |\n|---|---|---|');
  const cases = [
    { what: "the panel's first answer (+ scores), server just started", body: withScores },
    { what: 'label + prediction (accuracy, F1), new columns', body: labels, fresh: true },
    { what: '+ scores (AUC, ECE, calibration) on those columns', body: withScores },
  ];
  let app = await createAppServer(frame(rows));
  await app.ready();
  for (const { what, body, fresh } of cases) {
    if (fresh) {
      // New column objects of the same values: nothing kept from the first line's columns.
      await app.close();
      app = await createAppServer(frame(rows));
      await app.ready();
    }
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
