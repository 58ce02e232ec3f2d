import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatCount, median, ratio, table } from '../../../bench/lib/stats.js';
import { Random } from '../../../src/core/random.js';

describe('bench statistics', () => {
  it('median agrees with numpy on odd, even and unsorted samples', () => {
    const rng = new Random(3);
    const samples = [[5], [2, 1], [3, 1, 2], Array.from({ length: 10 }, () => rng.next())];
    const numpy = JSON.parse(
      execFileSync(
        '/usr/bin/python3',
        [
          '-c',
          'import json, sys, numpy as np; print(json.dumps([float(np.median(s)) for s in json.load(sys.stdin)]))',
        ],
        { input: JSON.stringify(samples), encoding: 'utf8' },
      ),
    );
    expect(samples.map(median)).toEqual(numpy);
    expect(median([])).toBeNaN();
  });

  it('formats ratios, counts and tables', () => {
    expect(ratio(3, 2)).toBe('1.50×');
    expect(ratio(1, 0)).toBe('-');
    expect(ratio(undefined, 2)).toBe('-');
    expect(formatCount(1_000_000)).toBe('1M');
    expect(formatCount(100_000)).toBe('100k');
    expect(formatCount(1234)).toBe('1234');
    expect(
      table(
        ['name', 'ms'],
        [
          ['a', '1.5'],
          ['long name', '10'],
        ],
        1,
      ),
    ).toBe(
      ['| name      |  ms |', '|:----------|----:|', '| a         | 1.5 |', '| long name |  10 |'].join('\n'),
    );
  });
});
