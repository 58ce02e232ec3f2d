/** Efficient layers: SLIDE's LSH sparse output layer, MONGOOSE's scheduler and learnable hash, low-rank layers. */
export { type LearnableHashOptions, trainLearnableHash } from './learnable-hash.js';
export { type LowRankGradients, LowRankLinear, type LowRankLinearOptions } from './low-rank-linear.js';
export { LshTables, type LshTablesOptions } from './lsh-tables.js';
export { MongooseScheduler, type MongooseSchedulerOptions } from './mongoose-scheduler.js';
export { FixedIntervalRehash, type RehashScheduler, type WeightsView } from './rehash-scheduler.js';
export { type AdamOptions, type OptimizerOptions, RowOptimizer, type SgdOptions } from './row-optimizer.js';
export {
  type SlideForward,
  type SlideGradients,
  type SlideLabels,
  SlideLayer,
  type SlideLayerOptions,
  sparseSoftmaxCrossEntropy,
} from './slide-layer.js';
export { householderQr, type SvdResult, type TruncatedSvdOptions, truncatedSvd } from './truncated-svd.js';
