// POST /api/search/image over the demo dataset: uploading the bytes of row r's image finds row r
// first with cosine ≈ 1, and the ranking and scores equal the reference, a naive cosine in this
// test between the stored embedding column and the built-in encoder's vector of the upload.
// A saved index answers when the dataset has one (`method: 'index'`). The encoder that made the
// column is recorded in the manifest (read here as plain JSON); a
// column without one, another content type, a body over the limit and bytes that are not an
// image get typed 4xx replies.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoDataset } from '../../../src/cli/demo-dataset.js';
import { buildLshIndex, DataFrame, read, saveIndex, TensorColumn } from '../../../src/index.js';
import { mobileNetV2Encoder } from '../../../src/node/models/index.js';
import { createAppServer } from '../../../src/node/server/index.js';

const IMAGES = 9;
const K = 5;

/** Naive cosine of `q` against every row of `data` (rows of `d`), best first, ties by row. */
function naiveRanking(data: Float32Array, d: number, q: Float32Array): { row: number; score: number }[] {
  const out: { row: number; score: number }[] = [];
  for (let i = 0; i < data.length / d; i++) {
    let dot = 0;
    let vv = 0;
    let qq = 0;
    for (let j = 0; j < d; j++) {
      const v = data[i * d + j];
      dot += v * q[j];
      vv += v * v;
      qq += q[j] * q[j];
    }
    out.push({ row: i, score: dot / Math.sqrt(vv * qq) });
  }
  return out.sort((a, b) => b.score - a.score || a.row - b.row);
}

describe('POST /api/search/image', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-image-search-'));
  let dataset: string;
  let media: string;
  let app: FastifyInstance;
  let stored: Float32Array;
  const files: string[] = [];

  beforeAll(async () => {
    const demo = await buildDemoDataset(root, IMAGES);
    dataset = demo.dataset;
    media = demo.media;
    const frame = await read(dataset);
    stored = Float32Array.from(
      (await read(dataset, { columns: ['embedding'] }))
        .column('embedding')
        .toArray()
        .flatMap((v) => [...(v as Float32Array)]),
    );
    for (const f of frame.column('image_file').toArray()) files.push(path.join(media, f as string));
    app = await createAppServer(dataset, { mediaRoots: [media], thumbnailDir: path.join(root, 'thumbs') });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const upload = (bytes: Uint8Array, query: string, type = 'image/png', server = app) =>
    server.inject({
      method: 'POST',
      url: `/api/search/image?${query}`,
      headers: { 'content-type': type },
      payload: Buffer.from(bytes),
    });

  it('records the encoder that made the embedding column in the manifest', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(dataset, 'manifest.json'), 'utf8'));
    const byName = Object.fromEntries(manifest.columns.map((c: { name: string }) => [c.name, c]));
    expect(byName.embedding.encoder).toEqual({
      name: 'mobilenet-v2',
      options: { layer: 'flatten_1', normalize: false },
    });
    expect(byName.probs.encoder).toBeUndefined();
  });

  it('lists the columns an image can be searched by in the schema', async () => {
    const schema = (await app.inject({ method: 'GET', url: '/api/schema' })).json();
    const encoders = Object.fromEntries(
      schema.columns
        .filter((c: { encoder?: string }) => c.encoder)
        .map((c: { name: string; encoder: string }) => [c.name, c.encoder]),
    );
    expect(encoders).toEqual({ embedding: 'mobilenet-v2' });
  });

  it('finds the row whose image was uploaded first, ranked as a naive cosine ranks', async () => {
    const encoder = mobileNetV2Encoder();
    try {
      for (const r of [0, 4, 8]) {
        const bytes = fs.readFileSync(files[r]);
        const res = await upload(bytes, `column=embedding&k=${K}`);
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json() as { rows: number[]; scores: number[]; method: string };
        expect(body.method).toBe('exact');
        expect(body.rows[0]).toBe(r);
        expect(body.scores[0]).toBeCloseTo(1, 4);
        const expected = naiveRanking(stored, 1280, await encoder.encode([bytes])).slice(0, K);
        expect(body.rows).toEqual(expected.map((e) => e.row));
        for (const [i, s] of body.scores.entries()) expect(s).toBeCloseTo(expected[i].score, 4);
      }
    } finally {
      await encoder.dispose?.();
    }
  }, 60_000);

  it('takes JPEG too, ranked as the naive cosine of its vector ranks', async () => {
    const sharp = (await import('sharp')).default;
    const jpeg = await sharp(files[3]).jpeg({ quality: 90 }).toBuffer();
    const res = await upload(jpeg, 'column=embedding&k=3', 'image/jpeg');
    expect(res.statusCode, res.body).toBe(200);
    const encoder = mobileNetV2Encoder();
    const expected = naiveRanking(stored, 1280, await encoder.encode([jpeg])).slice(0, 3);
    await encoder.dispose?.();
    expect(res.json().rows).toEqual(expected.map((e) => e.row));
  }, 30_000);

  it('refuses what is not an image upload with a typed 4xx', async () => {
    const png = fs.readFileSync(files[0]);
    const cases: [Promise<{ statusCode: number; json(): unknown }>, number, string][] = [
      [upload(png, 'column=embedding', 'text/plain'), 415, 'UnsupportedContentTypeError'],
      [
        upload(Buffer.from('{"a":1}'), 'column=embedding', 'application/json'),
        415,
        'UnsupportedContentTypeError',
      ],
      [upload(Buffer.from('not an image at all'), 'column=embedding'), 400, 'MediaDecodeError'],
      [
        upload(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'column=embedding'),
        400,
        'MediaDecodeError',
      ],
      [upload(png.subarray(0, 60), 'column=embedding'), 400, 'MediaDecodeError'],
      [upload(png, 'column=probs'), 400, 'EncoderNotKnownError'],
      [upload(png, 'column=label'), 400, 'TypeMismatchError'],
      [upload(png, 'column=nope'), 404, 'ColumnNotFoundError'],
      [upload(png, 'column=embedding&k=0'), 400, 'InvalidArgumentError'],
      [upload(png, 'k=3'), 400, 'InvalidArgumentError'],
    ];
    for (const [reply, status, type] of cases) {
      const res = await reply;
      expect([res.statusCode, (res.json() as { error: { type: string } }).error.type]).toEqual([
        status,
        type,
      ]);
    }
    const noEncoder = (await upload(png, 'column=probs')).json() as { error: { message: string } };
    expect(noEncoder.error.message).toMatch(/--encoder/);
  });

  it("searches through the dataset's saved index when it has one, and says so", async () => {
    // Saved after `app` opened the dataset: a server opened now sees it.
    const index = await buildLshIndex((await read(dataset)).column('embedding'), {
      kind: 'simhash',
      tables: 8,
      bits: 4,
    });
    await saveIndex(dataset, 'embedding', index);
    const manifest = JSON.parse(fs.readFileSync(path.join(dataset, 'manifest.json'), 'utf8'));
    expect(manifest.columns.find((c: { name: string }) => c.name === 'embedding').encoder.name).toBe(
      'mobilenet-v2',
    );
    const indexed = await createAppServer(dataset, { mediaRoots: [media] });
    try {
      const res = await upload(fs.readFileSync(files[2]), 'column=embedding&k=3', 'image/png', indexed);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { rows: number[]; scores: number[]; method: string };
      expect(body.method).toBe('index');
      // The same vector hashes to the same buckets: the image's own row is found, with its exact score.
      expect(body.rows[0]).toBe(2);
      expect(body.scores[0]).toBeCloseTo(1, 4);
    } finally {
      await indexed.close();
    }
  }, 30_000);

  it('refuses a body over the limit with 413', async () => {
    const small = await createAppServer(dataset, { mediaRoots: [media], maxUploadBytes: 1000 });
    try {
      const res = await upload(fs.readFileSync(files[0]), 'column=embedding', 'image/png', small);
      expect(res.statusCode).toBe(413);
      expect(res.json().error.type).toBe('PayloadTooLargeError');
    } finally {
      await small.close();
    }
  });

  it('uses --encoder for a column that records none, and refuses an unregistered name', async () => {
    // The same vectors in a frame given in code: nothing says which encoder made them.
    const bare = new DataFrame({ emb: new TensorColumn(stored.slice(), [1280]) });
    const without = await createAppServer(bare);
    const withEncoder = await createAppServer(bare, { encoder: 'mobilenet-v2' });
    try {
      const png = fs.readFileSync(files[5]);
      expect((await upload(png, 'column=emb', 'image/png', without)).json().error.type).toBe(
        'EncoderNotKnownError',
      );
      const res = await upload(png, 'column=emb&k=2', 'image/png', withEncoder);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().rows[0]).toBe(5);
    } finally {
      await without.close();
      await withEncoder.close();
    }
    await expect(createAppServer(bare, { encoder: 'no-such-encoder' })).rejects.toThrow(
      /no encoder is registered as "no-such-encoder"/,
    );
  }, 30_000);
});
