/**
 * A seeded fuzz campaign against both Arrow readers: damages each sample file, reads every damaged
 * file with `readArrow` and `readArrowBatches` under a time limit, and sorts the outcomes.
 *
 * - `identical`: read, values equal to the undamaged file's;
 * - `detected`: a ParseError naming the file;
 * - `silent-value`: read, values differ, and the damage lies in a value buffer (validity bits,
 *   offsets or data of a batch). Arrow IPC has no checksums, so such damage cannot be told from
 *   data; this is allowed.
 * - `silent-text`: read, values or names differ, and the damage lies in the text of the schema
 *   (a field name, a metadata key or value): text with no checksum, allowed like values;
 * - `silent-schema`: read, values differ, and the damage lies elsewhere in the schema: a type that
 *   turned into another type with the same buffer layout (Int32 and Float32, Float32 and Float16
 *   within the bytes there are). Also undetectable without a checksum; counted apart, allowed;
 * - `silent-other`: read, values differ, damage outside the value buffers (framing, headers,
 *   schema): the reader should have noticed, or the result must be the same;
 * - `typed-other`: another Tessera error; `crash`: any other error; `hang`: past the time limit.
 */
import { mulberry32 } from '../../../helpers/random.js';
import {
  arrowSamples,
  type Damage,
  type DamageRegions,
  damaged,
  damageRegions,
  damages,
} from './arrow-fuzz-cases.js';
import { runArrowTrials } from './arrow-fuzz-runner.js';
import type { ArrowReaderName, ArrowTrialRequest } from './arrow-fuzz-worker.js';

export const OUTCOMES = [
  'identical',
  'detected',
  'silent-value',
  'silent-text',
  'silent-schema',
  'silent-other',
  'typed-other',
  'crash',
  'hang',
] as const;
export type Outcome = (typeof OUTCOMES)[number];
const READERS: ArrowReaderName[] = ['readArrow', 'readArrowBatches'];

export interface TrialRecord {
  sample: string;
  reader: ArrowReaderName;
  damage: Damage;
  outcome: Outcome;
  message: string;
}

export async function fuzzArrowReaders(
  trialsPerSample: number,
  seed: number,
  timeoutMs: number,
): Promise<{ records: TrialRecord[]; counts: Record<ArrowReaderName, Record<Outcome, number>> }> {
  const rand = mulberry32(seed);
  const samples = arrowSamples();
  const plans: {
    sample: string;
    damage: Damage | null;
    reader: ArrowReaderName;
    regions: DamageRegions;
  }[] = [];
  const requests: ArrowTrialRequest[] = [];
  for (const s of samples) {
    const regions = damageRegions(s.bytes);
    const cases: (Damage | null)[] = [null, ...damages(s.bytes.length, trialsPerSample, rand)];
    for (const damage of cases)
      for (const reader of READERS) {
        requests.push({ id: requests.length, reader, bytes: damage ? damaged(s.bytes, damage) : s.bytes });
        plans.push({ sample: s.name, damage, reader, regions });
      }
  }
  const results = await runArrowTrials(requests, timeoutMs);
  const baseline = new Map<string, string>();
  const counts = Object.fromEntries(
    READERS.map((r) => [r, Object.fromEntries(OUTCOMES.map((o) => [o, 0]))]),
  ) as Record<ArrowReaderName, Record<Outcome, number>>;
  const records: TrialRecord[] = [];
  results.forEach((result, i) => {
    const { sample, damage, reader, regions } = plans[i];
    const key = `${sample}/${reader}`;
    if (damage === null) {
      if (result.kind !== 'ok') throw new Error(`${key} fails on the undamaged file: ${result.message}`);
      baseline.set(key, result.print);
      return;
    }
    let outcome: Outcome;
    if (result.kind === 'ok') {
      const within = (ranges: [number, number][]) => ranges.some(([a, b]) => damage.at >= a && damage.at < b);
      if (result.print === baseline.get(key)) outcome = 'identical';
      else if (within(regions.values)) outcome = 'silent-value';
      else if (within(regions.text)) outcome = 'silent-text';
      else if (within(regions.schema)) outcome = 'silent-schema';
      else outcome = 'silent-other';
    } else
      outcome = ({ parse: 'detected', typed: 'typed-other', other: 'crash', hang: 'hang' } as const)[
        result.kind
      ];
    counts[reader][outcome]++;
    records.push({ sample, reader, damage, outcome, message: result.kind === 'ok' ? '' : result.message });
  });
  return { records, counts };
}
