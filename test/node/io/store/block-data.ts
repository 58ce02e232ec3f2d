/**
 * The data of the block-format tests (row-range reads, full loads): one column of each scalar kind
 * over several blocks, with nulls, multibyte strings and int64 beyond 2^53, and the manifest's view
 * of their fragments.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataFrame, ScalarColumn } from '../../../../src/index.js';
import type { Manifest } from '../../../../src/node/io/store/index.js';

const WORDS = ['', 'a', 'héllo', '日本語', '🙂🙃', 'naïve café', 'x'.repeat(40)];

export const DTYPES = { i: 'int32', f: 'float64', s: 'string', b: 'bool', n: 'int64' } as const;

/**
 * The values written, per column: the naive reference reads are compared with. `leadingNulls`
 * makes the first rows of `i` null (whole blocks without a valid value); `hugeFloats` puts 1e300
 * into every 7th float.
 */
export function blockValues(
  n: number,
  rng: () => number,
  options: { leadingNulls?: number; hugeFloats?: boolean } = {},
): Record<string, unknown[]> {
  const { leadingNulls = 0, hugeFloats = false } = options;
  return {
    i: Array.from({ length: n }, (_, k) => (k < leadingNulls || k % 11 === 3 ? null : (k * 7919) | 0)),
    f: Array.from({ length: n }, (_, k) =>
      k % 17 === 0 ? null : k / 3 - 1000 + (hugeFloats && k % 7 === 0 ? 1e300 : 0),
    ),
    s: Array.from({ length: n }, (_, k) =>
      k % 13 === 5 ? null : `${WORDS[Math.floor(rng() * WORDS.length)]}${k}`,
    ),
    b: Array.from({ length: n }, (_, k) => (k % 5 === 0 ? null : k % 3 === 0)),
    n: Array.from({ length: n }, (_, k) => (k % 19 === 0 ? null : BigInt(k) * 10n ** 12n - 7n)),
  };
}

/** A frame of columns named as in {@link DTYPES}, of those dtypes. */
export function frameOf(cols: Record<string, unknown[]>): DataFrame {
  return new DataFrame(
    Object.fromEntries(
      Object.entries(cols).map(([name, v]) => [
        name,
        ScalarColumn.from(v, DTYPES[name as keyof typeof DTYPES]),
      ]),
    ),
  );
}

export function manifestOf(p: string): Manifest {
  return JSON.parse(fs.readFileSync(path.join(p, 'manifest.json'), 'utf8')) as Manifest;
}

export type Fragment = {
  rows: number;
  file: { path: string; bytes: number };
  blocks?: { rowsPerBlock: number; file: { path: string; bytes: number } };
};

/** The fragments of column `name` in a manifest. */
export function fragmentsOf(m: Manifest, name: string): Fragment[] {
  return (m.columns.find((c) => c.name === name) as unknown as { fragments: Fragment[] }).fragments;
}
