import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../examples/parallel-map.js';
import { sentiment, TrigramEncoder } from '../../examples/parallel-map-fns.js';
import type { MappedTensorColumn } from '../../src/index.js';
import { needs, PYTHON } from '../helpers/references.js';

const numpy = needs('numpy');

describe('examples/parallel-map', () => {
  let r: Awaited<ReturnType<typeof main>>;
  beforeAll(async () => {
    r = await main({ rows: 3000, print: false });
  });

  it('scores, filters and embeds on worker threads as the functions do inline', async () => {
    const texts = r.reviews.column('text').toArray() as string[];
    // Reference: the same functions called directly, in this thread.
    expect(Array.from(r.scored.column('sentiment').toArray() as number[])).toEqual(
      Array.from(sentiment(r.reviews)),
    );
    expect(r.long.column('text').toArray()).toEqual(texts.filter((t) => t.split(/\s+/).length >= 5));
    const direct = await new TrigramEncoder(64).encode(texts);
    expect((r.vectors as MappedTensorColumn).load().data).toEqual(direct);
  });

  numpy.it('writes the vectors to an .npy file that numpy loads', () => {
    const shape = execFileSync(
      PYTHON,
      ['-c', 'import sys, numpy as np; print(np.load(sys.argv[1]).shape)', r.path],
      { encoding: 'utf8' },
    );
    expect(shape.trim()).toBe('(3000, 64)');
  });
});
