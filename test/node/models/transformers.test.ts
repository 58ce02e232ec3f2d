import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attr, encodeModel } from '../../../src/core/tensor/onnx-builder.js';
import { createTransformersEncoder } from '../../../src/node/models/transformers.js';
import { fixedFloats, naiveTokenIds, VOCAB, writeWordLevelTokenizer } from './fixtures.js';

let dir: string;
const V = Object.keys(VOCAB).length;
const D = 4;
const E = fixedFloats(V * D, 11); // token embeddings: the whole "model" is a lookup

const int64 = (values: number[]) => ({ type: 'int64' as const, dims: [values.length], data: values });

/** A BERT-shaped folder: config.json, tokenizer files, onnx/model.onnx giving last_hidden_state = E[ids]. */
function writeTextModel(folder: string): void {
  writeWordLevelTokenizer(folder, 6);
  fs.writeFileSync(
    path.join(folder, 'config.json'),
    JSON.stringify({ model_type: 'bert', architectures: ['BertModel'], hidden_size: D, vocab_size: V }),
  );
  fs.mkdirSync(path.join(folder, 'onnx'));
  const graph = encodeModel({
    name: 'lookup',
    nodes: [
      { op: 'Gather', inputs: ['E', 'input_ids'], outputs: ['emb'] },
      // token_type_ids must be consumed too: add 0 × type so the graph takes all three BERT inputs.
      { op: 'Cast', inputs: ['token_type_ids'], outputs: ['tf'], attributes: [attr.int('to', 1)] },
      { op: 'Cast', inputs: ['attention_mask'], outputs: ['mf'], attributes: [attr.int('to', 1)] },
      { op: 'Mul', inputs: ['tf', 'mf'], outputs: ['tm'] },
      { op: 'Unsqueeze', inputs: ['tm', 'last'], outputs: ['tm3'] },
      { op: 'Add', inputs: ['emb', 'tm3'], outputs: ['last_hidden_state'] },
    ],
    inputs: [
      { name: 'input_ids', type: 'int64', shape: ['n', 't'] },
      { name: 'attention_mask', type: 'int64', shape: ['n', 't'] },
      { name: 'token_type_ids', type: 'int64', shape: ['n', 't'] },
    ],
    outputs: [{ name: 'last_hidden_state', type: 'float32', shape: ['n', 't', D] }],
    initializers: [
      { name: 'E', type: 'float32', dims: [V, D], data: E },
      { name: 'last', ...int64([-1]) },
    ],
  });
  fs.writeFileSync(path.join(folder, 'onnx', 'model.onnx'), graph);
}

const MEAN = [0.5, 0.5, 0.5];
const STD = [0.25, 0.5, 1];

/** A ViT-shaped folder: preprocessor_config.json and a model whose pooler_output is the channel means. */
function writeImageModel(folder: string): void {
  fs.mkdirSync(path.join(folder, 'onnx'), { recursive: true });
  fs.writeFileSync(
    path.join(folder, 'config.json'),
    JSON.stringify({ model_type: 'vit', architectures: ['ViTModel'] }),
  );
  fs.writeFileSync(
    path.join(folder, 'preprocessor_config.json'),
    JSON.stringify({
      image_processor_type: 'ViTImageProcessor',
      do_resize: true,
      size: { height: 8, width: 8 },
      resample: 2,
      do_rescale: true,
      rescale_factor: 1 / 255,
      do_normalize: true,
      image_mean: MEAN,
      image_std: STD,
    }),
  );
  const graph = encodeModel({
    name: 'channel_means',
    nodes: [
      {
        op: 'ReduceMean',
        inputs: ['pixel_values', 'axes'],
        outputs: ['pooler_output'],
        attributes: [attr.int('keepdims', 0)],
      },
    ],
    inputs: [{ name: 'pixel_values', type: 'float32', shape: ['n', 3, 8, 8] }],
    outputs: [{ name: 'pooler_output', type: 'float32', shape: ['n', 3] }],
    initializers: [{ name: 'axes', ...int64([2, 3]) }],
  });
  fs.writeFileSync(path.join(folder, 'onnx', 'model.onnx'), graph);
}

/**
 * A CLIP-shaped folder: onnx/text_model.onnx (text_embeds = sum of E[ids] over real tokens) and
 * onnx/vision_model.onnx (image_embeds = channel means), a CLIP image processor (shortest edge, crop).
 */
function writeClipModel(folder: string): void {
  writeWordLevelTokenizer(folder);
  fs.mkdirSync(path.join(folder, 'onnx'), { recursive: true });
  fs.writeFileSync(
    path.join(folder, 'config.json'),
    JSON.stringify({ model_type: 'clip', projection_dim: D, text_config: {}, vision_config: {} }),
  );
  fs.writeFileSync(
    path.join(folder, 'preprocessor_config.json'),
    JSON.stringify({
      image_processor_type: 'CLIPImageProcessor',
      do_resize: true,
      size: { shortest_edge: 8 },
      do_center_crop: true,
      crop_size: { height: 8, width: 8 },
      resample: 3,
      do_rescale: true,
      rescale_factor: 1 / 255,
      do_normalize: true,
      image_mean: MEAN,
      image_std: STD,
    }),
  );
  const text = encodeModel({
    name: 'clip_text',
    nodes: [
      { op: 'Gather', inputs: ['E', 'input_ids'], outputs: ['emb'] },
      { op: 'Cast', inputs: ['attention_mask'], outputs: ['mf'], attributes: [attr.int('to', 1)] },
      { op: 'Unsqueeze', inputs: ['mf', 'last'], outputs: ['m3'] },
      { op: 'Mul', inputs: ['emb', 'm3'], outputs: ['masked'] },
      {
        op: 'ReduceSum',
        inputs: ['masked', 'one'],
        outputs: ['text_embeds'],
        attributes: [attr.int('keepdims', 0)],
      },
    ],
    inputs: [
      { name: 'input_ids', type: 'int64', shape: ['n', 't'] },
      { name: 'attention_mask', type: 'int64', shape: ['n', 't'] },
    ],
    outputs: [{ name: 'text_embeds', type: 'float32', shape: ['n', D] }],
    initializers: [
      { name: 'E', type: 'float32', dims: [V, D], data: E },
      { name: 'last', ...int64([-1]) },
      { name: 'one', ...int64([1]) },
    ],
  });
  fs.writeFileSync(path.join(folder, 'onnx', 'text_model.onnx'), text);
  const vision = encodeModel({
    name: 'clip_vision',
    nodes: [
      {
        op: 'ReduceMean',
        inputs: ['pixel_values', 'axes'],
        outputs: ['image_embeds'],
        attributes: [attr.int('keepdims', 0)],
      },
    ],
    inputs: [{ name: 'pixel_values', type: 'float32', shape: ['n', 3, 8, 8] }],
    outputs: [{ name: 'image_embeds', type: 'float32', shape: ['n', 3] }],
    initializers: [{ name: 'axes', ...int64([2, 3]) }],
  });
  fs.writeFileSync(path.join(folder, 'onnx', 'vision_model.onnx'), vision);
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-transformers-'));
  writeTextModel(path.join(dir, 'tiny-bert'));
  writeImageModel(path.join(dir, 'tiny-vit'));
  writeClipModel(path.join(dir, 'tiny-clip'));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThan(tol);
}

describe('TransformersEncoder, text', () => {
  const row = (id: number) => Array.from(E.subarray(id * D, (id + 1) * D));

  it('loads a local BERT-type folder offline and mean-pools the real tokens', async () => {
    const enc = await createTransformersEncoder({ model: path.join(dir, 'tiny-bert'), modality: 'text' });
    expect(enc.dimensions).toBe(D);
    expect(enc.name).toBe('tiny-bert');
    // model_max_length is 6: the long text keeps [CLS], four words and its [SEP].
    const texts = ['the cat sat', 'dog', 'the dog ran far on the mat'];
    const out = await enc.encode(texts);
    texts.forEach((t, i) => {
      const ids = naiveTokenIds(t, 6);
      const mean = row(0).map((_, j) => ids.reduce((s, id) => s + row(id)[j], 0) / ids.length);
      expectClose(out.subarray(i * D, (i + 1) * D), mean);
    });
    await enc.dispose();
  });

  it('CLS pooling and normalisation', async () => {
    const enc = await createTransformersEncoder({
      model: path.join(dir, 'tiny-bert'),
      modality: 'text',
      pooling: 'cls',
      normalize: true,
    });
    const cls = row(VOCAB['[CLS]']);
    const norm = Math.hypot(...cls);
    expectClose(
      await enc.encode(['cat', 'the mat']),
      [...cls, ...cls].map((x) => x / norm),
    );
    await enc.dispose();
  });

  it('never fetches: a folder without the model file is an error naming the path', async () => {
    const folder = path.join(dir, 'no-weights');
    writeWordLevelTokenizer(folder);
    fs.writeFileSync(path.join(folder, 'config.json'), JSON.stringify({ model_type: 'bert' }));
    await expect(createTransformersEncoder({ model: folder, modality: 'text' })).rejects.toThrow(
      /no-weights/,
    );
    await expect(
      createTransformersEncoder({ model: path.join(dir, 'nothing-here'), modality: 'text' }),
    ).rejects.toThrow(/does not exist/);
  });
});

describe('TransformersEncoder, images', () => {
  it('preprocesses with the folder preprocessor_config.json and takes pooler_output', async () => {
    const enc = await createTransformersEncoder({ model: path.join(dir, 'tiny-vit'), modality: 'image' });
    expect(enc.dimensions).toBe(3);
    // Solid colours survive any resize exactly, so the expected means are known.
    const solid = (rgb: number[], w: number, h: number, channels: 3 | 4 = 3) => ({
      data: Uint8Array.from({ length: w * h * channels }, (_, i) =>
        i % channels < 3 ? rgb[i % channels] : 255,
      ),
      width: w,
      height: h,
      channels,
    });
    const colours = [
      [255, 0, 128],
      [10, 200, 30],
    ];
    const out = await enc.encode([solid(colours[0], 8, 8), solid(colours[1], 20, 13, 4)]);
    const expected = colours.flatMap((rgb) => rgb.map((v, c) => (v / 255 - MEAN[c]) / STD[c]));
    expectClose(out, expected, 1e-4);
    await enc.dispose();
  });
});

describe('TransformersEncoder, a CLIP folder', () => {
  it('text through the text tower (text_embeds), images through the vision tower (image_embeds)', async () => {
    const folder = path.join(dir, 'tiny-clip');
    const text = await createTransformersEncoder({ model: folder, modality: 'text' });
    expect(text.dimensions).toBe(D);
    const texts = ['the cat sat on the mat', 'dog'];
    const row = (id: number) => Array.from(E.subarray(id * D, (id + 1) * D));
    const sums = texts.flatMap((t) => {
      const ids = naiveTokenIds(t);
      return row(0).map((_, j) => ids.reduce((s, id) => s + row(id)[j], 0));
    });
    expectClose(await text.encode(texts), sums);
    await text.dispose();

    const image = await createTransformersEncoder({ model: folder, modality: 'image', normalize: true });
    const rgb = [30, 120, 250];
    const solid = {
      data: Uint8Array.from({ length: 20 * 8 * 3 }, (_, i) => rgb[i % 3]),
      width: 20,
      height: 8, // shortest edge already 8: the processor only crops the centre
      channels: 3,
    };
    const means = rgb.map((v, c) => (v / 255 - MEAN[c]) / STD[c]);
    const norm = Math.hypot(...means);
    expectClose(
      await image.encode([solid]),
      means.map((m) => m / norm),
      1e-4,
    );
    await image.dispose();
  });
});
