/** Model evaluation: metrics, outputs helpers, per-slice evaluation and slice discovery. */
export {
  type CalibrationBin,
  type CalibrationOptions,
  calibrationBins,
  expectedCalibrationError,
} from './calibration.js';
export {
  type Average,
  type AveragedMetric,
  type AverageOptions,
  accuracy,
  type ClassificationReport,
  classificationReport,
  f1,
  type PrecisionRecallF1,
  precision,
  recall,
} from './classification.js';
export { type ClassOptions, type ConfusionMatrix, confusionMatrix } from './confusion.js';
export { type EvaluateOptions, evaluate, type MetricName, metricDirection } from './evaluate.js';
export {
  type BootstrapOptions,
  bootstrapInterval,
  type Interval,
  normalQuantile,
  wilsonInterval,
} from './intervals.js';
export type { Label, LabelsInput, NumbersInput } from './labels.js';
export { type LogLossOptions, logLoss } from './log-loss.js';
export { entropy, margin, predictions, softmax } from './outputs.js';
export { meanAbsoluteError, r2Score, rootMeanSquaredError } from './regression.js';
export { type RocAucOptions, rocAuc } from './roc-auc.js';
export type { ScoreClassOptions, ScoresInput } from './scores.js';
export { type DiscoveredSlices, type DiscoverSlicesOptions, discoverSlices } from './slice-discovery.js';
