// Sums of integer columns are exact, as pandas' int64 sums are: int64 sums beyond 2^53 keep every
// digit, and an int32 sum that float64 cannot hold raises instead of rounding.
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { column, DataFrame, InvalidArgumentError } from '../../../src/index.js';
import { needs, PYTHON } from '../../helpers/references.js';

const keys = ['a', 'b', 'a', 'c', 'b', 'a'];
const ids = ['9007199254740993', '-9007199254740995', '3', '4611686018427387904', '1', '9007199254740993'];

needs('pandas').it('int64 sums keep every digit beyond 2^53 (pandas int64 sums)', () => {
  const script = `
import json, sys, pandas as pd
d = json.load(sys.stdin)
df = pd.DataFrame({'k': d['k'], 'x': pd.array([int(v) for v in d['x']], dtype='int64')})
s = df.groupby('k')['x'].sum()
print(json.dumps({k: str(v) for k, v in s.items()}))
`;
  const out = spawnSync(PYTHON, ['-c', script], {
    input: JSON.stringify({ k: keys, x: ids }),
    encoding: 'utf8',
  });
  expect(out.status, out.stderr).toBe(0);
  const reference = JSON.parse(out.stdout) as Record<string, string>;
  const df = new DataFrame({ k: keys, x: column(ids.map(BigInt)) });
  const sums = df.groupby('k').agg({ s: ['x', 'sum'] });
  expect(typeof sums.column('s').get(0)).toBe('bigint');
  const got = Object.fromEntries([...sums.rows()].map((r) => [r.k as string, String(r.s)]));
  expect(got).toEqual(reference);
});

it('an int32 sum beyond 2^53 raises instead of rounding; within it, it is exact', () => {
  const n = 2 ** 22 + 3; // n · (2^31 − 1) > 2^53
  const x = new Int32Array(n).fill(2 ** 31 - 1);
  const big = new DataFrame({ x });
  expect(() => big.aggregate({ s: ['x', 'sum'] })).toThrow(InvalidArgumentError);
  const small = new DataFrame({ x: x.subarray(0, 2 ** 20) });
  // 2^20 · (2^31 − 1), exact in float64, checked in bigint.
  expect(BigInt(small.aggregate({ s: ['x', 'sum'] }).s as number)).toBe(2n ** 20n * (2n ** 31n - 1n));
});

it('an int64 sum beyond the int64 range raises', () => {
  const df = new DataFrame({ x: column([2n ** 62n, 2n ** 62n]) });
  expect(() => df.aggregate({ s: ['x', 'sum'] })).toThrow(/beyond the int64 range/);
});
