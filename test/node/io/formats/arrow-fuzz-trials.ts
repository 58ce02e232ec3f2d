/**
 * One-off trial counts of the Arrow fuzz campaign (bigger than the CI test runs):
 *   npx tsx test/node/io/formats/arrow-fuzz-trials.ts [trialsPerSample=500] [seed=1] [timeoutMs=2000]
 * Prints the outcome counts per reader and the damage behind every outcome that is not allowed.
 */
import { fuzzArrowReaders, OUTCOMES } from './arrow-fuzz-campaign.js';

const [trials = 500, seed = 1, timeoutMs = 2000] = process.argv.slice(2).map(Number);
const started = Date.now();
const { records, counts } = await fuzzArrowReaders(trials, seed, timeoutMs);
console.log(
  `${trials} damaged files per sample, seed ${seed}, ${timeoutMs} ms limit, ${Date.now() - started} ms`,
);
console.log(['reader', ...OUTCOMES].join('\t'));
for (const [reader, c] of Object.entries(counts))
  console.log([reader, ...OUTCOMES.map((o) => c[o])].join('\t'));
for (const r of records)
  if (
    r.outcome === 'silent-other' ||
    r.outcome === 'typed-other' ||
    r.outcome === 'crash' ||
    r.outcome === 'hang'
  )
    console.log(r.outcome, r.reader, r.sample, JSON.stringify(r.damage), r.message.slice(0, 160));
