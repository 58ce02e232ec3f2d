// core's mulberry32 (the UMAP layouts' generator) against the published algorithm written naively
// in Python with 32-bit masks, run by Debian's python3.
import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import { mulberry32 } from '../../src/core/mulberry32.js';
import { needs, PYTHON } from '../helpers/references.js';

const python = needs('python3');

const REFERENCE = `
import json, sys
M = 0xFFFFFFFF
def imul(a, b): return (a * b) & M
out = {}
for seed in map(int, sys.argv[1:]):
    s = seed & M
    xs = []
    for _ in range(1000):
        s = (s + 0x6D2B79F5) & M
        t = imul(s ^ (s >> 15), s | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & M
        xs.append(((t ^ (t >> 14)) & M) / 4294967296)
    out[seed] = xs
print(json.dumps(out))
`;

python.it('draws the same floats as a naive Python mulberry32, for any 32-bit seed', () => {
  const seeds = [0, 1, 7, 42, 2 ** 31 - 1, 2 ** 32 - 1];
  const expected: Record<string, number[]> = JSON.parse(
    execFileSync(PYTHON, ['-c', REFERENCE, ...seeds.map(String)]).toString(),
  );
  for (const seed of seeds) {
    const next = mulberry32(seed);
    const got = Array.from({ length: 1000 }, next);
    expect(got, `seed ${seed}`).toEqual(expected[seed]);
  }
});
