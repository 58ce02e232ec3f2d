/**
 * Both Arrow readers (`readArrow`, `readArrowBatches`) on a few hundred seeded damaged files (one
 * flipped bit or overwritten byte each), every read in a worker thread under a time limit: each
 * file must read as the undamaged one did, or be a ParseError naming it, or read differently only
 * where Arrow IPC (which has no checksums) cannot tell damage from data: value buffers and schema
 * text or types (see arrow-fuzz-campaign.ts). Never a hang, another error, or silent damage to the
 * framing, the batch headers or the footer's blocks. Both readers must agree on every file.
 * Bigger runs: `npx tsx test/node/io/formats/arrow-fuzz-trials.ts 500`.
 */
import { describe, expect, it } from 'vitest';
import { fuzzArrowReaders } from './arrow-fuzz-campaign.js';
import { arrowSamples, type Damage, damaged } from './arrow-fuzz-cases.js';
import { runArrowTrials } from './arrow-fuzz-runner.js';
import type { ArrowTrialRequest } from './arrow-fuzz-worker.js';

const TRIALS_PER_SAMPLE = 100; // 4 samples: 400 damaged files, 800 reads
const TIME_LIMIT_MS = 5000; // a read takes milliseconds; a hang never ends

describe('Arrow readers on damaged files', () => {
  it('never hang, throw only ParseErrors naming the file, and agree with each other', async () => {
    const { records, counts } = await fuzzArrowReaders(TRIALS_PER_SAMPLE, 20261207, TIME_LIMIT_MS);
    const wrong = records.filter((r) => ['silent-other', 'typed-other', 'crash', 'hang'].includes(r.outcome));
    expect(
      wrong.map((r) => `${r.reader} ${r.sample} ${JSON.stringify(r.damage)}: ${r.outcome} ${r.message}`),
    ).toEqual([]);
    const outcomes = (reader: string) =>
      records
        .filter((r) => r.reader === reader)
        .map((r) => `${r.sample} ${JSON.stringify(r.damage)} ${r.outcome}`);
    expect(outcomes('readArrowBatches')).toEqual(outcomes('readArrow'));
    // The damage reaches every part of the files: some reads fail, some change values, most are caught.
    expect(counts.readArrow.detected).toBeGreaterThan(counts.readArrow['silent-schema']);
    expect(counts.readArrow['silent-value']).toBeGreaterThan(0);
  }, 120_000);

  it('the damaged files that made readArrowBatches (and once readArrow) hang are ParseErrors', async () => {
    // Found by arrow-fuzz-trials.ts on the readers before the streaming one checked structure.
    const hangs: [string, Damage][] = [
      ['tessera.arrow', { at: 51, bit: 2 }],
      ['tessera.arrow', { at: 16, bit: 0 }],
      ['dictionary.arrow', { at: 610, byte: 238 }],
      ['dictionary.arrow', { at: 984, bit: 5 }],
      ['dictionary.arrow', { at: 686, bit: 4 }],
      ['dictionary.arrows', { at: 966, bit: 2 }],
      ['dictionary.arrows', { at: 578, bit: 3 }],
    ];
    const samples = new Map(arrowSamples().map((s) => [s.name, s.bytes]));
    const requests: ArrowTrialRequest[] = hangs.flatMap(([name, damage], i) =>
      (['readArrow', 'readArrowBatches'] as const).map((reader, k) => ({
        id: 2 * i + k,
        reader,
        bytes: damaged(samples.get(name)!, damage),
      })),
    );
    const results = await runArrowTrials(requests, TIME_LIMIT_MS);
    expect(results.map((r) => r.kind)).toEqual(requests.map(() => 'parse'));
  }, 120_000);
});
