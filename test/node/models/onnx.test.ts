import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, ModelError, TypeMismatchError } from '../../../src/core/errors.js';
import { attr, encodeModel, type OnnxGraph } from '../../../src/core/tensor/onnx-builder.js';
import { createOnnxEncoder } from '../../../src/node/models/onnx.js';
import { fixedFloats, naiveTokenIds, VOCAB, writeWordLevelTokenizer } from './fixtures.js';

let dir: string;
const V = Object.keys(VOCAB).length;
const D = 5; // embedding width of the token model
const K = 3; // output width

const E = fixedFloats(V * D, 1); // token embeddings [V, D]
const W = fixedFloats(D * K, 2); // projection [D, K]
const int64 = (values: number[]) => ({
  type: 'int64' as const,
  dims: [values.length],
  data: values,
});

/** ids → E[ids] · W, zeroed where the mask is 0: a transformer's `last_hidden_state` in miniature. */
function tokenGraph(): OnnxGraph {
  return {
    name: 'tiny_text',
    nodes: [
      { op: 'Gather', inputs: ['E', 'input_ids'], outputs: ['emb'] },
      { op: 'MatMul', inputs: ['emb', 'W'], outputs: ['h'] },
      { op: 'Cast', inputs: ['attention_mask'], outputs: ['mf'], attributes: [attr.int('to', 1)] },
      { op: 'Unsqueeze', inputs: ['mf', 'last'], outputs: ['m3'] },
      { op: 'Mul', inputs: ['h', 'm3'], outputs: ['last_hidden_state'] },
      {
        op: 'ReduceMax',
        inputs: ['h', 'axis1'],
        outputs: ['max_pooled'],
        attributes: [attr.int('keepdims', 0)],
      },
    ],
    inputs: [
      { name: 'input_ids', type: 'int64', shape: ['n', 't'] },
      { name: 'attention_mask', type: 'int64', shape: ['n', 't'] },
    ],
    outputs: [
      { name: 'last_hidden_state', type: 'float32', shape: ['n', 't', K] },
      { name: 'max_pooled', type: 'float32', shape: ['n', K] },
    ],
    initializers: [
      { name: 'E', type: 'float32', dims: [V, D], data: E },
      { name: 'W', type: 'float32', dims: [D, K], data: W },
      { name: 'last', ...int64([-1]) },
      { name: 'axis1', ...int64([1]) },
    ],
  };
}

const PROJ = fixedFloats(3 * 4, 3); // image channel means [3] → [4]
const SIDE = 6;

/** Mean of each channel over the image, then a 3 × 4 projection; NCHW or NHWC input. */
function imageGraph(layout: 'nchw' | 'nhwc'): OnnxGraph {
  return {
    name: `tiny_image_${layout}`,
    nodes: [
      {
        op: 'ReduceMean',
        inputs: ['pixel_values', 'axes'],
        outputs: ['m'],
        attributes: [attr.int('keepdims', 0)],
      },
      { op: 'MatMul', inputs: ['m', 'P'], outputs: ['embedding'] },
    ],
    inputs: [
      {
        name: 'pixel_values',
        type: 'float32',
        shape: layout === 'nchw' ? ['n', 3, SIDE, SIDE] : ['n', SIDE, SIDE, 3],
      },
    ],
    outputs: [{ name: 'embedding', type: 'float32', shape: ['n', 4] }],
    initializers: [
      { name: 'axes', ...int64(layout === 'nchw' ? [2, 3] : [1, 2]) },
      { name: 'P', type: 'float32', dims: [3, 4], data: PROJ },
    ],
  };
}

const LIN = fixedFloats(4 * 3, 4);
const BIAS = fixedFloats(3, 5);

function linearGraph(): OnnxGraph {
  return {
    name: 'linear',
    nodes: [
      { op: 'MatMul', inputs: ['x', 'L'], outputs: ['xl'] },
      { op: 'Add', inputs: ['xl', 'b'], outputs: ['y'] },
    ],
    inputs: [{ name: 'x', type: 'float32', shape: ['n', 4] }],
    outputs: [{ name: 'y', type: 'float32', shape: ['n', 3] }],
    initializers: [
      { name: 'L', type: 'float32', dims: [4, 3], data: LIN },
      { name: 'b', type: 'float32', dims: [3], data: BIAS },
    ],
  };
}

/** Naive row-vector × matrix. */
function vecMat(v: ArrayLike<number>, m: ArrayLike<number>, rows: number, cols: number): number[] {
  const out = new Array(cols).fill(0);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j] += v[i] * m[i * cols + j];
  return out;
}

const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThan(tol);
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-onnx-encoder-'));
  fs.writeFileSync(path.join(dir, 'text.onnx'), encodeModel(tokenGraph()));
  fs.writeFileSync(path.join(dir, 'image-nchw.onnx'), encodeModel(imageGraph('nchw')));
  fs.writeFileSync(path.join(dir, 'image-nhwc.onnx'), encodeModel(imageGraph('nhwc')));
  fs.writeFileSync(path.join(dir, 'linear.onnx'), encodeModel(linearGraph()));
  writeWordLevelTokenizer(path.join(dir, 'tokenizer'));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('OnnxEncoder on float rows', () => {
  it('is the linear map of the model, row by row, in batches', async () => {
    const enc = await createOnnxEncoder({
      model: path.join(dir, 'linear.onnx'),
      modality: 'tensor',
      batchSize: 2,
      threads: 1,
    });
    expect(enc.dimensions).toBe(3);
    expect(enc.name).toBe('linear');
    const rows = [0, 1, 2, 3, 4].map((i) => fixedFloats(4, 10 + i));
    const out = await enc.encode([
      rows[0],
      Array.from(rows[1]),
      rows[2],
      rows[3],
      Float64Array.from(rows[4]),
    ]);
    const expected = rows.flatMap((r) => vecMat(r, LIN, 4, 3).map((x, j) => x + BIAS[j]));
    expectClose(out, expected);
    await expect(enc.encode([new Float32Array(5)])).rejects.toThrow(InvalidArgumentError);
    await expect(enc.encode([BigInt64Array.of(1n, 2n, 3n, 4n)])).rejects.toThrow(TypeMismatchError);
    await enc.dispose();
  });

  it('normalises to unit length when asked', async () => {
    const bytes = encodeModel(linearGraph());
    const enc = await createOnnxEncoder({ model: bytes, modality: 'tensor', normalize: true, threads: 1 });
    const r = fixedFloats(4, 7);
    expectClose(await enc.encode([r]), unit(vecMat(r, LIN, 4, 3).map((x, j) => x + BIAS[j])));
    await enc.dispose();
  });
});

describe('OnnxEncoder on text', () => {
  const texts = ['The cat sat on the mat', 'dog ran', 'a zebra ran far'];
  const embed = (id: number) => vecMat(E.subarray(id * D, (id + 1) * D), W, D, K);

  it('tokenises like the tokenizer.json says and mean-pools over real tokens only', async () => {
    const enc = await createOnnxEncoder({
      model: path.join(dir, 'text.onnx'),
      modality: 'text',
      tokenizer: path.join(dir, 'tokenizer'),
      threads: 1,
    });
    expect(enc.dimensions).toBe(K);
    const out = await enc.encode(texts);
    const expected = texts.flatMap((t) => {
      const vectors = naiveTokenIds(t).map(embed);
      return vectors[0].map((_, j) => vectors.reduce((s, v) => s + v[j], 0) / vectors.length);
    });
    expectClose(out, expected);
    // Padding never leaks in: a text alone gives the same vector as in a batch with longer ones.
    expectClose(await enc.encode([texts[1]]), out.subarray(K, 2 * K));
    await enc.dispose();
  });

  it('CLS pooling takes the first token; maxLength truncates; another output can be chosen', async () => {
    const common = {
      model: path.join(dir, 'text.onnx'),
      modality: 'text' as const,
      tokenizer: path.join(dir, 'tokenizer'),
      threads: 1,
    };
    const cls = await createOnnxEncoder({ ...common, pooling: 'cls', normalize: true });
    const out = await cls.encode(texts);
    for (let i = 0; i < texts.length; i++)
      expectClose(out.subarray(i * K, (i + 1) * K), unit(embed(VOCAB['[CLS]'])));
    await cls.dispose();

    const short = await createOnnxEncoder({ ...common, output: 'max_pooled', maxLength: 4 });
    const maxed = await short.encode([texts[0]]);
    const vectors = naiveTokenIds(texts[0], 4).map(embed);
    expect(vectors.length).toBe(4);
    expectClose(
      maxed,
      vectors[0].map((_, j) => Math.max(...vectors.map((v) => v[j]))),
    );
    await short.dispose();
  });

  it('says what is wrong: missing tokenizer, unknown output, unpoolable token output', async () => {
    const model = path.join(dir, 'text.onnx');
    await expect(createOnnxEncoder({ model, modality: 'text' })).rejects.toThrow(/needs a tokenizer/);
    await expect(
      createOnnxEncoder({
        model,
        modality: 'text',
        tokenizer: path.join(dir, 'tokenizer'),
        output: 'pooled',
      }),
    ).rejects.toThrow(/no output "pooled"; its outputs are last_hidden_state, max_pooled/);
    await expect(createOnnxEncoder({ model: path.join(dir, 'nope.onnx'), modality: 'text' })).rejects.toThrow(
      ModelError,
    );
    const flat = await createOnnxEncoder({
      model,
      modality: 'text',
      tokenizer: path.join(dir, 'tokenizer'),
      pooling: 'none',
    });
    expect(flat.dimensions).toBe(2 * K); // [CLS] [SEP] of the empty probe text
    await expect(flat.encode(['the cat sat'])).rejects.toThrow(/use 'mean' or 'cls'/);
    await flat.dispose();
  });
});

describe('OnnxEncoder on images', () => {
  const mean = [0.5, 0.4, 0.3];
  const std = [0.2, 0.25, 0.3];
  /** Channel means of the normalised image, projected: what the tiny image model computes. */
  function expected(px: Uint8Array, channels: number): number[] {
    const m = [0, 1, 2].map((c) => {
      let s = 0;
      for (let k = 0; k < SIDE * SIDE; k++)
        s += (px[k * channels + Math.min(c, channels - 1)] / 255 - mean[c]) / std[c];
      return s / (SIDE * SIDE);
    });
    return vecMat(m, PROJ, 3, 4);
  }
  const random = (channels: number, seed: number) =>
    Uint8Array.from(fixedFloats(SIDE * SIDE * channels, seed), (x) => Math.round((x + 0.5) * 255));

  for (const layout of ['nchw', 'nhwc'] as const)
    it(`normalises decoded images in ${layout.toUpperCase()} (size from the model's input)`, async () => {
      const enc = await createOnnxEncoder({
        model: path.join(dir, `image-${layout}.onnx`),
        modality: 'image',
        image: { mean, std, layout },
        threads: 1,
      });
      expect(enc.dimensions).toBe(4);
      const rgb = random(3, 20);
      const rgba = random(4, 21);
      const out = await enc.encode([
        { data: rgb, width: SIDE, height: SIDE, channels: 3 },
        { data: rgba, width: SIDE, height: SIDE, channels: 4 }, // alpha dropped
        { data: Float32Array.from(rgb, (x) => x / 255), width: SIDE, height: SIDE, channels: 3 },
      ]);
      expectClose(out.subarray(0, 4), expected(rgb, 3), 1e-4);
      expectClose(
        out.subarray(4, 8),
        expected(
          rgba.filter((_, i) => i % 4 !== 3),
          3,
        ),
        1e-4,
      );
      expectClose(out.subarray(8, 12), expected(rgb, 3), 1e-4);
      await enc.dispose();
    });

  it('decodes and resizes files and bytes; grey images are replicated to RGB', async () => {
    const colour = { r: 200, g: 30, b: 90 };
    const file = path.join(dir, 'solid.png');
    await sharp({ create: { width: 17, height: 11, channels: 3, background: colour } })
      .png()
      .toFile(file);
    const enc = await createOnnxEncoder({
      model: path.join(dir, 'image-nchw.onnx'),
      modality: 'image',
      image: { mean, std },
      baseDir: dir,
      threads: 1,
    });
    const solid = new Uint8Array(SIDE * SIDE * 3).map((_, i) => [colour.r, colour.g, colour.b][i % 3]);
    const grey = random(1, 30);
    const bigGrey = { data: new Uint8Array(20 * 20).fill(77), width: 20, height: 20, channels: 1 };
    const out = await enc.encode([
      'solid.png',
      new Uint8Array(fs.readFileSync(file)),
      { data: grey, width: SIDE, height: SIDE, channels: 1 },
      bigGrey,
    ]);
    expectClose(out.subarray(0, 4), expected(solid, 3), 1e-4);
    expectClose(out.subarray(4, 8), expected(solid, 3), 1e-4);
    expectClose(out.subarray(8, 12), expected(grey, 1), 1e-4);
    expectClose(out.subarray(12, 16), expected(new Uint8Array(SIDE * SIDE).fill(77), 1), 1e-4);
    await expect(
      enc.encode([{ data: new Uint8Array(5), width: SIDE, height: SIDE, channels: 3 }]),
    ).rejects.toThrow(InvalidArgumentError);
    await enc.dispose();
  });
});
