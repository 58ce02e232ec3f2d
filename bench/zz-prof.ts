import * as fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { Random } from '../src/core/random.js';
import { DataFrame, TensorColumn } from '../src/index.js';
import { createAppServer } from '../src/node/server/index.js';
const rows = 1_000_000;
const classes = ['a', 'b', 'c'];
const rng = new Random(1);
const probs = new Float32Array(rows * 3);
const label = new Array<string>(rows), pred = new Array<string>(rows), site = new Array<string>(rows);
for (let i = 0; i < rows; i++) {
  const p = [rng.next(), rng.next(), rng.next()]; const sum = p[0] + p[1] + p[2]; let best = 0;
  for (let c = 0; c < 3; c++) { probs[i * 3 + c] = p[c] / sum; if (p[c] > p[best]) best = c; }
  pred[i] = classes[best]; label[i] = rng.next() < 0.8 ? classes[best] : classes[rng.int(3)]; site[i] = `site ${i % 8}`;
}
const app = await createAppServer(new DataFrame({ label, pred, site, probs: new TensorColumn(probs, [3]) }));
const body = { label: 'label', prediction: 'pred', scores: 'probs', groups: ['site'] };
await app.inject({ method: 'POST', url: '/api/slices', payload: body });
const s = new Session(); s.connect();
await s.post('Profiler.enable'); await s.post('Profiler.start');
const ms: number[] = [];
for (let r = 0; r < 5; r++) { const t = performance.now(); await app.inject({ method: 'POST', url: '/api/slices', payload: body }); ms.push(performance.now() - t); }
const { profile } = await s.post('Profiler.stop');
fs.writeFileSync('/tmp/sf/prof/req.cpuprofile', JSON.stringify(profile));
console.log(ms.map(Math.round));
await app.close();
