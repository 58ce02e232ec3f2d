// Small model fixtures written by the tests themselves: a word-level tokenizer and the naive
// tokenisation it should produce.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const VOCAB: Record<string, number> = {
  '[PAD]': 0,
  '[UNK]': 1,
  '[CLS]': 2,
  '[SEP]': 3,
  the: 4,
  cat: 5,
  sat: 6,
  on: 7,
  mat: 8,
  dog: 9,
  ran: 10,
  far: 11,
};

const special = (content: string, id: number) => ({
  id,
  content,
  single_word: false,
  lstrip: false,
  rstrip: false,
  normalized: false,
  special: true,
});

/** Writes tokenizer.json (lowercase, whitespace, WordLevel, [CLS] … [SEP]) and tokenizer_config.json. */
export function writeWordLevelTokenizer(dir: string, modelMaxLength = 64): void {
  fs.mkdirSync(dir, { recursive: true });
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['[PAD]', '[UNK]', '[CLS]', '[SEP]'].map((t) => special(t, VOCAB[t])),
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
      },
    },
    decoder: null,
    model: { type: 'WordLevel', vocab: VOCAB, unk_token: '[UNK]' },
  };
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  fs.writeFileSync(
    path.join(dir, 'tokenizer_config.json'),
    JSON.stringify({
      tokenizer_class: 'PreTrainedTokenizer',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      model_max_length: modelMaxLength,
    }),
  );
}

/** The ids the tokenizer above should give: [CLS], lower-cased words (unknown → [UNK]), [SEP]. */
export function naiveTokenIds(text: string, maxLength = Number.POSITIVE_INFINITY): number[] {
  const words = text
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .map((w) => VOCAB[w] ?? VOCAB['[UNK]']);
  return [VOCAB['[CLS]'], ...words.slice(0, Math.max(0, maxLength - 2)), VOCAB['[SEP]']];
}

/** A deterministic pseudo-random float array (LCG), so fixtures need no seeded library. */
export function fixedFloats(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}
