/** Nearest-neighbour search over tensor columns. */
export { type BucketTable, buildBucketTable, findBucket } from './bucket-table.js';
export {
  DEFAULT_BLOCK_ROWS,
  type ExactSearchOptions,
  exactSearch,
  type SearchMetric,
  type SearchResult,
} from './exact.js';
export {
  buildLshIndex,
  LshIndex,
  type LshIndexOptions,
  type LshParams,
  type LshSearchOptions,
  type LshSearchResult,
  MAX_E2LSH_HASHES,
} from './lsh-index.js';
export { decodeLshIndex, decodeLshParts, encodeLshIndex } from './lsh-serialize.js';
