/** Nearest-neighbour search over tensor columns. */
export { type BucketTable, buildBucketTable, findBucket } from './bucket-table.js';
export { E2LshFamily } from './e2lsh.js';
export {
  DEFAULT_BLOCK_ROWS,
  type ExactSearchOptions,
  exactSearch,
  type SearchMetric,
  type SearchResult,
} from './exact.js';
export type { HashFamily, LshKind } from './hash-family.js';
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
export {
  MAX_PERTURBATION_POSITIONS,
  PerturbationGenerator,
  perturbationSets,
} from './perturbation.js';
export { MAX_SIMHASH_BITS, SimHashFamily } from './simhash.js';
