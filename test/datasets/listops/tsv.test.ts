import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect } from 'vitest';
import { generateListOps } from '../../../src/datasets/listops/generate.js';
import { writeListOpsTsv } from '../../../src/datasets/listops/tsv.js';
import { needs, PYTHON } from '../../helpers/references.js';

const python = needs('python3');

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

// Reads the TSVs as LRA's pipeline does (csv with a tab delimiter and a header row) and evaluates
// each source with Python's own parser of the bracket structure.
const PY = `
import csv, sys, json
def value(tokens):
    stack = []
    for t in tokens:
        if t in ('(', ')'): continue
        if t.startswith('['): stack.append([t])
        elif t == ']':
            op, *xs = stack.pop()
            xs.sort()
            v = {'[MIN': min(xs), '[MAX': max(xs), '[SM': sum(xs) % 10,
                 '[MED': int((xs[(len(xs)-1)//2] + xs[len(xs)//2]) / 2)}[op]
            if stack: stack[-1].append(v)
            else: return v
        else:
            if stack: stack[-1].append(int(t))
            else: return int(t)
out = {}
for split in ('train', 'val', 'test'):
    with open(sys.argv[1] + '/basic_' + split + '.tsv') as f:
        rows = list(csv.reader(f, delimiter='\\t'))
    assert rows[0] == ['Source', 'Target'], rows[0]
    out[split] = [[r[0], int(r[1]), value(r[0].split())] for r in rows[1:]]
print(json.dumps(out))
`;

describe('writeListOpsTsv', () => {
  python.it('writes the seeded splits as LRA TSVs that Python reads back with the right labels', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'listops-'));
    dirs.push(dir);
    const options = { train: 40, val: 8, test: 8, minLength: 60, maxLength: 400, seed: 2 };
    const files = await writeListOpsTsv(dir, options);
    expect((await readFile(files.val, 'utf8')).split('\n')[0]).toBe('Source\tTarget');
    const read = JSON.parse(execFileSync(PYTHON, ['-c', PY, dir], { encoding: 'utf8' }));
    const expected = generateListOps(options);
    for (const split of ['train', 'val', 'test'] as const) {
      expect(read[split].map((r: unknown[]) => r[0])).toEqual(expected[split].map((e) => e.source));
      for (const [, target, value] of read[split]) expect(target).toBe(value);
    }
  });
});
