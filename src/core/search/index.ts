/** Nearest-neighbour search over tensor columns. */
export {
  DEFAULT_BLOCK_ROWS,
  type ExactSearchOptions,
  exactSearch,
  type SearchMetric,
  type SearchResult,
} from './exact.js';
