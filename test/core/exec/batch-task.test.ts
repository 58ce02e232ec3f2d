import { describe, expect, it } from 'vitest';
import { createBatchRunner, registerBatchTask } from '../../../src/core/exec/batch-task.js';
import {
  decodeValues,
  type EncodedValues,
  encodeFrame,
  TransferList,
} from '../../../src/core/exec/batch-transfer.js';
import { DataFrame, UnsupportedError } from '../../../src/core/index.js';

const FNS = new URL('../../node/exec/fixtures/fns.ts', import.meta.url);

describe('the batch-task registry', () => {
  it('builds a runner from the factory registered for a kind, once per task setup', async () => {
    const setups: unknown[] = [];
    registerBatchTask('scale', async (setup: { factor: number }) => {
      setups.push(setup);
      return async (data) => ({ reply: (data as number[]).map((v) => v * setup.factor), transfer: [] });
    });
    const runner = await createBatchRunner({ kind: 'scale', setup: { factor: 3 } });
    expect(await runner([1, 2, -4])).toEqual({ reply: [3, 6, -12], transfer: [] });
    expect(setups).toEqual([{ factor: 3 }]);
  });

  it("runs a map batch through the 'map' task that map.ts registers", async () => {
    const x = [0.5, -2, 3, 7, 11];
    const transfer = new TransferList();
    const message = await encodeFrame(new DataFrame({ x: Float64Array.from(x) }), transfer);
    const runner = await createBatchRunner({
      kind: 'map',
      setup: { fn: { module: FNS.href, export: 'batchSquare' }, batched: true, names: ['y'] },
    });
    const { reply } = await runner(message);
    const [y] = (reply as EncodedValues[]).map(decodeValues);
    expect(Array.from(y as Float64Array)).toEqual(x.map((v) => v * v));
  });

  it('refuses a kind nobody registered, naming the kinds that are', () => {
    const error = (() => {
      try {
        createBatchRunner({ kind: 'nope', setup: {} });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(error?.message).toMatch(/"nope" is registered/);
    expect(error?.message).toMatch(/registered: .*\bmap\b/);
    expect(error?.message).toMatch(/registered: .*\bembed\b/);
  });
});
