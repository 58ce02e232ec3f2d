/**
 * `tessera`: everything a Node user needs. The isomorphic core (also `tessera/core`) plus the file
 * system, the dataset store, media columns, the worker-thread pool and ONNX Runtime kernels.
 * Encoders live in `tessera/models`, so that this entry never loads a model runtime.
 *
 * Curated by hand: every name here is a decision (test/api/public-names.txt lists them). Heavy
 * native modules (sharp, ONNX Runtime) load on first use, not on import.
 */

// Columns: the column kinds, the `column()` factory, Arrow interop and the registry of named
// functions behind deferred columns.

export {
  type BatchFn,
  Column,
  type ColumnKind,
  type ColumnType,
  type ColumnTypeHint,
  column,
  columnFromArrow,
  columnToArrow,
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
} from './core/index.js';

// The DataFrame and the options of its operations.

export {
  type AggregateResult,
  type AggregateSpec,
  type AggregateSpecEntry,
  type Batch,
  type BatchArray,
  type BatchOptions,
  type BatchRunOptions,
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
} from './core/index.js';

// Execution of batched runs (map, filter, update, embed): executors, functions named by module so a
// worker can load them, and progress.

export {
  answerBatchRequests,
  type BatchPlan,
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
} from './core/index.js';

// Models as the frame sees them: anything that turns a batch of inputs into vectors.

export { columnEncoder, type Encoder, type EncoderSpec, type Modality } from './core/index.js';

// Nearest-neighbour search over tensor columns: exact and LSH indexes.

export {
  buildLshIndex,
  type ExactSearchOptions,
  exactSearch,
  LshIndex,
  type LshIndexOptions,
  type LshKind,
  type LshParams,
  type LshSearchOptions,
  type LshSearchResult,
  type SearchMetric,
  type SearchResult,
} from './core/index.js';

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
  type KMeansOptions,
  type KMeansResult,
  kmeans,
  type Label,
  type LabelsInput,
  type LogLossOptions,
  logLoss,
  type MetricName,
  margin,
  meanAbsoluteError,
  type NumbersInput,
  type PcaLayoutOptions,
  type PrecisionRecallF1,
  pcaLayout,
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
} from './core/index.js';

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
} from './core/index.js';

// Efficient layers: SLIDE's LSH sparse output layer, MONGOOSE's scheduler and learnable hash,
// low-rank layers.

export {
  type AdamOptions,
  DwtaHash,
  type DwtaOptions,
  FixedIntervalRehash,
  type LearnableHashOptions,
  type LowRankGradients,
  LowRankLinear,
  type LowRankLinearOptions,
  LshTables,
  type LshTablesOptions,
  MongooseScheduler,
  type MongooseSchedulerOptions,
  type NeuronHash,
  type OptimizerOptions,
  type RehashScheduler,
  RowOptimizer,
  type SgdOptions,
  SimHash,
  type SimHashOptions,
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
} from './core/index.js';

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
} from './core/index.js';

// Seeded random numbers, for reproducible samples, splits and initialisations.

export { Random } from './core/index.js';

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
} from './core/index.js';

// Import and export: CSV, JSON / JSON lines, Arrow IPC, Parquet, image folders, Hugging Face files.

export {
  type ArrowReadOptions,
  type ArrowWriteOptions,
  type CsvReadOptions,
  type CsvWriteOptions,
  formatArrow,
  formatCsv,
  formatParquet,
  type HuggingFaceOptions,
  type ImageFolderOptions,
  type JsonLinesBatchOptions,
  type JsonReadOptions,
  jsonRecords,
  type ParquetBatchOptions,
  type ParquetReadOptions,
  type ParquetWriteOptions,
  parseArrow,
  parseCsv,
  parseJson,
  parseParquet,
  readArrow,
  readArrowBatches,
  readCsv,
  readCsvBatches,
  readHuggingFace,
  readImageFolder,
  readJson,
  readJsonLines,
  readJsonLinesBatches,
  readParquet,
  readParquetBatches,
  type TextEncodingName,
  writeArrow,
  writeCsv,
  writeJson,
  writeJsonLines,
  writeParquet,
} from './node/io/formats/index.js';

// The dataset store: versioned directories with atomic commits; importing it makes `df.write` work.

export {
  append,
  breakLock,
  type CellChange,
  type ColumnChanges,
  type ColumnDiff,
  type CommitColumnsOptions,
  commitColumns,
  type DiffOptions,
  diffVersion,
  dropIndex,
  MappedTensorColumn,
  type ReadOptions,
  type ReadRowsOptions,
  type RepairOptions,
  type RepairResult,
  read,
  readManifest,
  readRows,
  repair,
  type SaveIndexOptions,
  saveIndex,
  type VacuumOptions,
  type VacuumResult,
  type VerifyOptions,
  type VerifyProblem,
  type VerifyReport,
  type VersionCheck,
  type VersionDiff,
  type VersionInfo,
  vacuum,
  verify,
  versions,
  write,
} from './node/io/store/index.js';

// Media columns: images, audio, video, volumes and graphs loaded lazily from paths or bytes;
// importing them registers their loaders, so stored media columns read back.

export {
  type AudioDecodeOptions,
  type AudioInfo,
  type AudioValue,
  audioColumn,
  decodeAudio,
  decodeAudioFile,
  decodeGraph,
  decodeImage,
  decodeVideo,
  decodeVolume,
  Graph,
  type GraphInfo,
  graphColumn,
  hasVideoTools,
  type ImageColourSpace,
  type ImageColumnOptions,
  type ImageDecodeOptions,
  type ImageInfo,
  type ImageValue,
  imageColumn,
  imageMetadata,
  imageThumbnail,
  MAX_DECODED_ELEMENTS,
  MAX_MEDIA_FILE_BYTES,
  type MediaColumnOptions,
  type MediaPlace,
  type MediaSource,
  mediaInfo,
  probeVideo,
  readAudioInfo,
  readGraphInfo,
  readImageHeader,
  readVolumeInfo,
  setVideoTools,
  type ThumbnailOptions,
  TRUNCATED_AUDIO_WARNING,
  thumbnailColumn,
  type VideoDecodeOptions,
  type VideoInfo,
  type VideoValue,
  type VolumeArray,
  type VolumeInfo,
  type VolumeValue,
  videoColumn,
  volumeColumn,
} from './node/media/index.js';

// Parallel execution on this machine; importing it also makes tensor outputs stream to `.npy`
// files and long runs draw a progress bar on a terminal.

export { WorkerPoolExecutor, type WorkerPoolOptions } from './node/exec/index.js';

// Tensor kernels for Node: ONNX Runtime for large inputs, TypeScript for small ones.

export { type NodeKernelsOptions, nodeKernels } from './node/tensor/node-kernels.js';

// The app's server (`tessera app PATH`): the HTTP API the browser app uses.

export {
  type AppServerOptions,
  type Condition,
  type ConditionOp,
  createAppServer,
  type RunningApp,
  type ServeAppOptions,
  serveApp,
} from './node/server/index.js';
