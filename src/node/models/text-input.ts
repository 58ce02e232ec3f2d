/**
 * Text inputs of encoders: a batch of strings tokenised with a Hugging Face tokenizer into padded
 * `input_ids`, `attention_mask` and `token_type_ids`.
 *
 * Truncation is done here rather than by transformers.js, which cuts the finished id list and so
 * drops the closing special token ([SEP], </s>) of long texts; Python's tokenizers keep it, and
 * models were trained with it. Here the trailing run of special tokens is kept and words are cut.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import type { loadLocalTokenizer } from './transformers-env.js';

type Tokenizer = Awaited<ReturnType<typeof loadLocalTokenizer>>;

/** Padded token batch, `[n, length]` each, row-major. */
export interface TokenBatch {
  n: number;
  length: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  tokenTypeIds: BigInt64Array;
}

/** Ids of one text, cut to `maxLength` tokens with its closing special tokens kept. */
export function truncateIds(
  ids: readonly number[],
  maxLength: number,
  special: ReadonlySet<number>,
): number[] {
  if (ids.length <= maxLength) return [...ids];
  let suffix = 0;
  while (suffix < ids.length && suffix < maxLength && special.has(ids[ids.length - 1 - suffix])) suffix++;
  return [...ids.slice(0, maxLength - suffix), ...ids.slice(ids.length - suffix)];
}

/**
 * Tokenises `texts` (with the tokenizer's special tokens), cuts each to `maxLength` (default: the
 * tokenizer's `model_max_length`), and pads to the longest with the pad token.
 */
export function tokenizeBatch(
  tokenizer: Tokenizer,
  texts: readonly unknown[],
  maxLength?: number,
): TokenBatch {
  const limit = maxLength ?? tokenizer.model_max_length ?? Number.POSITIVE_INFINITY;
  if (!(limit >= 2)) throw new InvalidArgumentError(`maxLength must be at least 2, got ${limit}`);
  const special = new Set<number>(tokenizer.all_special_ids);
  const rows = texts.map((x, i) => {
    if (typeof x !== 'string')
      throw new InvalidArgumentError(`input ${i} of a text encoder must be a string, got ${typeof x}`);
    return truncateIds(tokenizer.encode(x), limit, special);
  });
  const n = rows.length;
  const length = Math.max(1, ...rows.map((r) => r.length));
  const pad = BigInt(tokenizer.pad_token_id ?? 0);
  const inputIds = new BigInt64Array(n * length).fill(pad);
  const attentionMask = new BigInt64Array(n * length);
  rows.forEach((ids, i) => {
    for (let t = 0; t < ids.length; t++) {
      inputIds[i * length + t] = BigInt(ids[t]);
      attentionMask[i * length + t] = 1n;
    }
  });
  return { n, length, inputIds, attentionMask, tokenTypeIds: new BigInt64Array(n * length) };
}
