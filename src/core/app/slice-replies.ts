/**
 * The slices panel's request and reply (POST /api/slices), one home for the server and the in-tab
 * worker that answer it (slice-metrics.ts) and the page that reads it (ui/src/slices).
 */

import type { Label } from '../eval/labels.js';
import type { Condition } from './conditions.js';
import type { SliceMetrics } from './slice-evaluate.js';

export type { MetricValue, SliceMetrics } from './slice-evaluate.js';

/** The metrics a report has: accuracy and F1, and with scores AUC and ECE. */
export type SliceMetricName = 'accuracy' | 'f1_macro' | 'roc_auc' | 'ece';

/** What the panel asks for. */
export interface SliceRequest {
  /** The column of true labels. */
  label: string;
  /** The column of predicted labels (or give `scores`, whose argmax is then the prediction). */
  prediction?: string;
  /** A tensor column of class probabilities `[k]` (classes in sorted label order), or one per row. */
  scores?: string;
  /**
   * The class of each score column, in order. Default for string labels: their distinct values
   * (with the predictions') in sorted order, as a classifier trained on them numbers its outputs.
   */
  classes?: Label[];
  /** Grouping columns: each value of each column is one slice. */
  groups?: string[];
  /** Only the rows passing this condition (the app's current filter). */
  filter?: Condition;
  /** Slice discovery: k-means with `k` clusters (default 6) on the embedding column. */
  discover?: { embedding: string; k?: number };
  /** Most slices per grouping column (the largest groups are kept; default 50). */
  maxGroups?: number;
  /** Bootstrap resamples of the intervals of F1, AUC and ECE (default 100: the panel answers at once). */
  bootstrap?: number;
  /** Rows per slice the bootstrap runs on, at most (default 1000; see slice-evaluate.ts). */
  bootstrapRows?: number;
}

export interface SliceResult extends SliceMetrics {
  name: string;
  kind: 'overall' | 'group' | 'discovered';
  /** The grouping (or cluster) column and its value, for group and discovered slices. */
  column?: string;
  value?: Label | null;
  /** The filter condition that selects the slice's rows; null for overall (no condition). */
  condition: Condition | null;
}

export interface SliceReport {
  /** Rows passing the filter, and of them rows evaluated. */
  rows: number;
  evaluated: number;
  /** The metrics in display order; the first ranks the slices. */
  metrics: SliceMetricName[];
  overall: SliceResult;
  /** Group slices, worst first. */
  slices: SliceResult[];
  /** Groups left out per column because of `maxGroups`. */
  truncated: Record<string, number>;
  /** Discovered slices (clusters), worst first, and the cluster column they filter on. */
  discovered: { column: string; k: number; slices: SliceResult[] } | null;
  /** Confusion counts `counts[t][p]` (row = true class); null over 50 classes. */
  confusion: { classes: Label[]; counts: number[][]; conditions: (Condition | null)[][] } | null;
  /** Reliability diagram bins (15, equal width, as the ECE uses); null without scores. */
  calibration:
    | { lower: number; upper: number; count: number; confidence: number | null; accuracy: number | null }[]
    | null;
}
