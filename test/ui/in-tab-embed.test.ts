// The in-tab embed jobs (ui/src/local/in-tab-embed.ts) in Node, with a small stand-in encoder (the
// real network needs a browser's wasm: test/e2e/in-tab-embed.test.ts runs it): the job's progress,
// the column it adds (null rows where the image column is null), a search over it afterwards, a
// cancel that leaves the frame as it was, and the routes' typed errors.
import { describe, expect, it } from 'vitest';
import { searchRows } from '../../src/core/app/search-rows.js';
import { ViewStore } from '../../src/core/app/views.js';
import { DeferredColumn } from '../../src/core/column/deferred.js';
import type { TensorColumn } from '../../src/core/column/tensor.js';
import { DataFrame } from '../../src/core/frame/frame.js';
import { columnEncoder } from '../../src/core/models/column-encoder.js';
import { InTabApi, type InTabReply } from '../../ui/src/local/in-tab-api.js';
import { type EmbedJob, InTabEmbeds } from '../../ui/src/local/in-tab-embed.js';
import type { ImagePixels, InTabEncoder } from '../../ui/src/local/in-tab-encoder.js';

const N = 11;
/** Row i's image: 2 × 2 RGB of value i; row 4 has none. */
const image = (i: number): ImagePixels | null =>
  i === 4 ? null : { data: new Uint8Array(12).fill(i), width: 2, height: 2, channels: 3 };

function frameWithImages(): DataFrame {
  const frame = new DataFrame({ path: Array.from({ length: N }, (_, i) => `img_${i}.png`) });
  const images = new DeferredColumn((p: string) => image(Number(p.slice(4, -4))), [frame.column('path')], {
    media: 'image',
    inputNames: ['path'],
  });
  return frame.withColumn('image', images);
}

/** A stand-in encoder: [mean pixel, 1, 0.5] per image, slowly (so a job can be cancelled mid-way). */
function fakeEncoder(batches: number[]): InTabEncoder {
  return {
    name: 'mobilenet-v2',
    layer: 'flatten_1',
    dimensions: 3,
    async encode(images) {
      batches.push(images.length);
      await new Promise((r) => setTimeout(r, 5));
      return Float32Array.from(
        images.flatMap((img) => [img.data.reduce((a, b) => a + b, 0) / img.data.length, 1, 0.5]),
      );
    },
  };
}

async function finished(embeds: InTabEmbeds, output: string): Promise<EmbedJob> {
  for (;;) {
    const job = embeds.get(output);
    if (job.state !== 'loading' && job.state !== 'running') return job;
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('embedding an image column in the tab', () => {
  it('adds <column>_embedding batch by batch, null where there is no image, and searches it', async () => {
    const target = { frame: frameWithImages(), views: new ViewStore(frameWithImages()) };
    const batches: number[] = [];
    const embeds = new InTabEmbeds(target, async () => fakeEncoder(batches));
    const started = embeds.start({ column: 'image' });
    expect(started).toMatchObject({ output: 'image_embedding', state: 'loading', done: 0, total: N });
    // A second start while it runs is the same job.
    expect(embeds.start({ column: 'image' }).output).toBe('image_embedding');
    const job = await finished(embeds, 'image_embedding');
    expect(job).toMatchObject({ state: 'complete', done: N, total: N, dimensions: 3, normalize: false });
    // Batches of 2 rows; the batch with the null row sends 1 image.
    expect(batches).toEqual([2, 2, 1, 2, 2, 1]);
    const column = target.frame.column('image_embedding') as TensorColumn<Float32Array>;
    for (let i = 0; i < N; i++) {
      expect(column.isNull(i)).toBe(i === 4);
      if (i !== 4) expect(Array.from(column.data.subarray(i * 3, i * 3 + 2))).toEqual([i, 1]);
    }
    expect(columnEncoder(target.frame, 'image_embedding')).toEqual({
      name: 'mobilenet-v2',
      options: { layer: 'flatten_1', normalize: false },
    });
    const found = await searchRows(target.frame, 'image_embedding', { row: 6 }, 3, 'l2');
    expect(found.rows).toEqual([6, 5, 7]);
    // Once made, the column is not made twice.
    expect(() => embeds.start({ column: 'image' })).toThrow(/already has a column "image_embedding"/);
  });

  it('normalises when asked, and a cancelled job leaves the frame as it was', async () => {
    const frame = frameWithImages();
    const target = { frame, views: new ViewStore(frame) };
    const embeds = new InTabEmbeds(target, async () => fakeEncoder([]));
    embeds.start({ column: 'image' });
    await new Promise((r) => setTimeout(r, 1));
    embeds.cancel('image_embedding');
    expect((await finished(embeds, 'image_embedding')).state).toBe('cancelled');
    expect(target.frame).toBe(frame);

    const again = new InTabEmbeds(target, async () => fakeEncoder([]));
    again.start({ column: 'image', normalize: true });
    expect((await finished(again, 'image_embedding')).state).toBe('complete');
    const data = (target.frame.column('image_embedding') as TensorColumn<Float32Array>).data;
    const [a, b, c] = data.subarray(3 * 3, 3 * 3 + 3);
    expect(Math.hypot(a, b, c)).toBeCloseTo(1, 6);
    expect([a / b, c / b]).toEqual([expect.closeTo(3, 5), expect.closeTo(0.5, 5)]);
  });

  it('answers bad requests with typed errors, as the server would', async () => {
    const api = new InTabApi(frameWithImages(), { kind: 'image-folder', name: 'images' });
    const ask = async (method: string, url: string, body?: unknown): Promise<[number, string]> => {
      const reply: InTabReply = await api.handle(
        method,
        url,
        body === undefined ? undefined : JSON.stringify(body),
      );
      return [reply.status, JSON.parse(new TextDecoder().decode(reply.body)).error?.type];
    };
    expect(await ask('POST', 'api/embed', { column: 'nope' })).toEqual([404, 'ColumnNotFoundError']);
    expect(await ask('POST', 'api/embed', { column: 'path' })).toEqual([400, 'InvalidArgumentError']);
    expect(await ask('POST', 'api/embed', {})).toEqual([400, 'InvalidArgumentError']);
    expect(await ask('POST', 'api/embed', { column: 'image', encoder: 'clip' })).toEqual([
      400,
      'InvalidArgumentError',
    ]);
    expect(await ask('POST', 'api/embed', { column: 'image', normalize: 'yes' })).toEqual([
      400,
      'InvalidArgumentError',
    ]);
    expect(await ask('GET', 'api/embed/image_embedding')).toEqual([404, 'ResourceNotFoundError']);
    expect(await ask('DELETE', 'api/embed/image_embedding')).toEqual([404, 'ResourceNotFoundError']);
  });
});
