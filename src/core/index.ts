/**
 * `tessera/core`: Tessera's isomorphic API, which runs unchanged in Node and in the browser.
 *
 * Curated by hand: every name here is a decision (test/api/public-names.txt lists them). Helpers
 * that only other modules or tests use stay in their source files.
 */

// Columns: the column kinds, the `column()` factory, Arrow interop and the registry of named
// functions behind deferred columns.

export { columnFromArrow, columnToArrow } from './column/arrow.js';
export {
  type BatchFn,
  Column,
  type ColumnKind,
  type ColumnType,
  type ColumnTypeHint,
  column,
  DeferredColumn,
  type DeferredFn,
  type DeferredOptions,
  type FunctionContext,
  type FunctionFactory,
  type FunctionParams,
  type FunctionSpec,
  type Indices,
  LazyCell,
  type MediaKind,
  ObjectColumn,
  type RegisteredFunction,
  type RowFn,
  registeredColumn,
  registeredFunctionNames,
  registerFunction,
  ScalarColumn,
  type ScalarDType,
  type ScalarValue,
  type TensorArray,
  TensorColumn,
  type TensorDType,
  unregisterFunction,
} from './column/index.js';

// The DataFrame and the options of its operations.

export {
  type AggregateResult,
  type AggregateSpec,
  type AggregateSpecEntry,
  type Batch,
  type BatchArray,
  type BatchOptions,
  type ColumnInput,
  type CompareOp,
  type ConcatOptions,
  type CustomReducer,
  DataFrame,
  type EmbedOptions,
  type Field,
  type FilterOptions,
  type FormatOptions,
  type FrameSearchOptions,
  type Group,
  type GroupBy,
  type GroupByOptions,
  type GroupRows,
  type LockOptions,
  type MapFn,
  type MapFunction,
  type MapOptions,
  type MergeOptions,
  type Predicate,
  type ReducerName,
  type Row,
  type SampleOptions,
  type SearchQuery,
  type SliceByResult,
  type SortBy,
  type SortKey,
  type SortOptions,
  type SumOptions,
  type VarianceOptions,
  type WriteOptions,
  type WriteResult,
} from './frame/index.js';

// Reading text formats from bytes in memory (Node's readCsv streams files through the same parser).

export { type CsvReadOptions, parseCsv } from './io/csv-parse.js';
export type { TextEncodingName } from './io/text-encoding.js';

// Execution of batched runs (map, filter, update, embed): executors, functions named by module so a
// worker can load them, and progress.

export {
  answerBatchRequests,
  type BatchPlan,
  type BatchRunOptions,
  type EncoderRef,
  type Executor,
  type FunctionRef,
  InlineExecutor,
  inline,
  type Progress,
  type ProgressOptions,
  type RemoteBatches,
  type RunOptions,
  RunProgressEvent,
  registerFunctionModule,
  WebWorkerExecutor,
  type WebWorkerExecutorOptions,
  type WebWorkerLike,
} from './exec/index.js';

// Models as the frame sees them: anything that turns a batch of inputs into vectors.

export { columnEncoder } from './models/column-encoder.js';
export type { Encoder, EncoderSpec, Modality } from './models/encoder.js';

// Nearest-neighbour search over tensor columns: exact and LSH indexes.

export type { LshKind } from './lsh/index.js';
export {
  buildLshIndex,
  type ExactSearchOptions,
  exactSearch,
  LshIndex,
  type LshIndexOptions,
  type LshParams,
  type LshSearchOptions,
  type LshSearchResult,
  type SearchMetric,
  type SearchResult,
} from './search/index.js';

// Evaluation: metrics, intervals, per-slice evaluation, slice discovery and k-means.

export {
  type Average,
  type AverageOptions,
  accuracy,
  type BootstrapOptions,
  bootstrapInterval,
  type CalibrationBin,
  type CalibrationOptions,
  type ClassificationReport,
  type ClassOptions,
  type ConfusionMatrix,
  calibrationBins,
  classificationReport,
  confusionMatrix,
  type DiscoveredSlices,
  type DiscoverSlicesOptions,
  discoverSlices,
  type EvaluateOptions,
  entropy,
  evaluate,
  expectedCalibrationError,
  f1,
  type Interval,
  type Label,
  type LabelsInput,
  type LogLossOptions,
  logLoss,
  type MetricName,
  margin,
  meanAbsoluteError,
  type NumbersInput,
  type PrecisionRecallF1,
  precision,
  predictions,
  type RocAucOptions,
  r2Score,
  recall,
  rocAuc,
  rootMeanSquaredError,
  type ScoreClassOptions,
  type ScoresInput,
  softmax,
  wilsonInterval,
} from './eval/index.js';

// Efficient attention: exact softmax attention and its approximations, behind one interface.

export {
  type AttentionOptions,
  type AttentionResult,
  type AttentionShape,
  clusteredAttention,
  type ExactAttentionOptions,
  exactAttention,
  type LinearAttentionOptions,
  type LinformerOptions,
  type LocalAttentionOptions,
  linearAttention,
  linformerAttention,
  localAttention,
  memoryUnits,
  type PerformerOptions,
  performerAttention,
  type RandomFeatureOptions,
  type ReformerOptions,
  type RoutingOptions,
  reformerAttention,
  routingAttention,
  type ScatterbrainOptions,
  type SmyrfOptions,
  scatterbrainAttention,
  smyrfAttention,
} from './efficient/attention/index.js';

// Clustering: k-means (Euclidean or spherical).

export { type KMeansOptions, type KMeansResult, kmeans } from './cluster/index.js';

// 2-D layouts of embeddings (the app's map).

export { type PcaLayoutOptions, pcaLayout } from './layout/index.js';

// Efficient layers: SLIDE's LSH sparse output layer, MONGOOSE's scheduler and learnable hash,
// low-rank layers.

export {
  type AdamOptions,
  FixedIntervalRehash,
  type LearnableHashOptions,
  type LowRankGradients,
  LowRankLinear,
  type LowRankLinearOptions,
  LshTables,
  type LshTablesOptions,
  MongooseScheduler,
  type MongooseSchedulerOptions,
  type OptimizerOptions,
  type RehashScheduler,
  RowOptimizer,
  type SgdOptions,
  type SlideForward,
  type SlideGradients,
  type SlideLabels,
  SlideLayer,
  type SlideLayerOptions,
  type SvdResult,
  sparseSoftmaxCrossEntropy,
  type TruncatedSvdOptions,
  trainLearnableHash,
  truncatedSvd,
  type WeightsView,
} from './efficient/layers/index.js';

// Locality-sensitive hash families (SimHash, DWTA), shared by SLIDE's layers and the search indexes.

export { DwtaHash, type DwtaOptions, type NeuronHash, SimHash, type SimHashOptions } from './lsh/index.js';

// Dense kernels: one interface, the TypeScript reference, ONNX Runtime (the runtime module is passed
// in: onnxruntime-web in a browser) and a per-call choice by size.

export {
  type FloatArray,
  type FloatDType,
  type MatmulOptions,
  OrtKernels,
  type OrtKernelsOptions,
  type OrtModule,
  type OrtModuleSource,
  type Reduction,
  SizeDispatchKernels,
  type SizeThresholds,
  type TensorKernels,
  type TopKOptions,
  type TopKResult,
  TsKernels,
  tsKernels,
} from './tensor/index.js';

// Seeded random numbers, for reproducible samples, splits and initialisations.

export { Random } from './random.js';

// Errors: every failure is a TesseraError subclass that says what was wrong.

export {
  AbortedError,
  AccessDeniedError,
  AppCheckError,
  BatchFailedError,
  BrowserNotFoundError,
  CellTimeoutError,
  ColumnNotFoundError,
  ConcurrentWriteError,
  ConflictError,
  CorruptDataError,
  DatasetNotFoundError,
  DuplicateColumnError,
  DuplicateKeyError,
  EncoderNotKnownError,
  FunctionNotRegisteredError,
  IndexOutOfRangeError,
  InvalidArgumentError,
  LengthMismatchError,
  MediaDecodeError,
  MediaLimitError,
  MediaRootNotGrantedError,
  MissingVariableError,
  ModelError,
  OrtKernelError,
  ParseError,
  PathEscapeError,
  PayloadTooLargeError,
  RangeNotSatisfiableError,
  ReadOnlyError,
  ResourceNotFoundError,
  ShapeError,
  StaleIndexError,
  TesseraError,
  ToolNotFoundError,
  TypeMismatchError,
  UnsupportedContentTypeError,
  UnsupportedError,
  UnsupportedMediaError,
  VersionNotFoundError,
  WorkerCrashedError,
} from './errors.js';
