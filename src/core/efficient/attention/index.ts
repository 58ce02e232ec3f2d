/** Attention methods behind one interface: exact softmax and its efficient approximations. */

export { memoryUnits, UNITS_PER_FEATURE } from './budget.js';
export { type AttentionGroups, clusteredAttention } from './clustered.js';
export {
  type AttentionOptions,
  type AttentionResult,
  type AttentionShape,
  MAX_MATRIX_ENTRIES,
} from './common.js';
export { type ExactAttentionOptions, exactAttention } from './exact.js';
export {
  CAUSAL_CHUNK,
  causalChunkFeeds,
  exactAttentionGraph,
  linearAttentionGraph,
  linformerGraph,
  performerGraph,
  scatterbrainLowRankGraph,
} from './graphs.js';
export { eluPlusOne, type LinearAttentionOptions, linearAttention } from './linear.js';
export { type LinformerOptions, linformerAttention, linformerProjections } from './linformer.js';
export { type LocalAttentionOptions, localAttention } from './local.js';
export {
  type PerformerOptions,
  performerAttention,
  type RandomFeatureOptions,
  randomFeatureMatrix,
} from './performer.js';
export {
  REFORMER_SELF_LOGIT,
  type ReformerOptions,
  reformerAttention,
  reformerDefaultBuckets,
  reformerRotations,
} from './reformer.js';
export {
  type RoutingOptions,
  routingAttention,
  routingCentroids,
  routingGroups,
  updateRoutingCentroids,
} from './routing.js';
export {
  SCATTERBRAIN_MIN_DENOMINATOR,
  type ScatterbrainOptions,
  scatterbrainAttention,
} from './scatterbrain.js';
export {
  type SmyrfOptions,
  smyrfAttention,
  smyrfGroups,
  smyrfHashVectors,
} from './smyrf.js';
