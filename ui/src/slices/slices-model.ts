/**
 * The slices panel's model: the report (POST /api/slices, src/core/app/slice-metrics.ts, its types in
 * slice-replies.ts),
 * the columns it guesses from their names (label, prediction, scores, embedding, groups), and the
 * translation of a slice's condition into the URL's filter rules, so that clicking a slice filters
 * the table and the gallery, which follow the URL.
 */
import type { SliceMetricName as MetricName, SliceReport } from '../../../src/core/app/slice-replies.js';
import type { ColumnInfo, Condition } from '../api';
import type { FilterRule, FilterState } from '../filter/filter-model';
import { cellView } from '../table/format';

export type {
  MetricValue,
  SliceMetricName as MetricName,
  SliceReport,
  SliceResult,
} from '../../../src/core/app/slice-replies.js';

/** One bin of the reliability diagram. */
export type CalibrationBin = NonNullable<SliceReport['calibration']>[number];

/** What the panel asks for: the columns chosen (null: none). */
export interface SliceChoice {
  label: string | null;
  prediction: string | null;
  scores: string | null;
  groups: string[];
  embedding: string | null;
  k: number;
}

/** The metrics' names as the panel heads them. */
export const METRIC_TITLES: Record<MetricName, string> = {
  accuracy: 'accuracy',
  f1_macro: 'F1 (macro)',
  roc_auc: 'AUC',
  ece: 'ECE',
};

const scalar = (c: ColumnInfo) => c.kind === 'scalar';
const tensor = (c: ColumnInfo) => c.kind === 'tensor';

/** Columns that can hold labels or predictions: scalar strings, numbers and booleans. */
export function labelColumns(columns: readonly ColumnInfo[]): ColumnInfo[] {
  return columns.filter((c) => scalar(c) && ['string', 'number', 'bool'].includes(cellView(c)));
}

/** Columns that can hold class probabilities or embeddings. */
export function tensorColumns(columns: readonly ColumnInfo[]): ColumnInfo[] {
  return columns.filter(tensor);
}

/** The first column whose name matches `exact`, else the first whose name contains `part`. */
function byName(columns: readonly ColumnInfo[], exact: RegExp, part: RegExp): string | null {
  return (columns.find((c) => exact.test(c.name)) ?? columns.find((c) => part.test(c.name)))?.name ?? null;
}

/** Names that are not worth grouping by: files, paths, ids, free text. */
const NOT_A_GROUP = /(^id$|_id$|file|path|url|name|text|caption|description)/i;

/**
 * Columns offered for grouping: labels' kinds, but not ids, files or free text (one slice per row
 * says nothing), nor the cluster columns slice discovery adds (they are results, not choices).
 */
export function groupableColumns(columns: readonly ColumnInfo[]): ColumnInfo[] {
  return labelColumns(columns).filter((c) => !NOT_A_GROUP.test(c.name) && !/_cluster_k\d+$/.test(c.name));
}

/** Rows above which slice discovery starts off (its k-means over every row takes a while). */
export const DISCOVER_AT_ONCE_ROWS = 200_000;

/**
 * The columns guessed from their names (label, pred, probs, emb, ...); groups: the other string
 * columns; discovery on the embedding unless the frame has over {@link DISCOVER_AT_ONCE_ROWS} rows.
 */
export function guessChoice(columns: readonly ColumnInfo[], rows = 0): SliceChoice {
  const labels = labelColumns(columns);
  const label = byName(
    labels,
    /^(label|labels|target|y|class|truth|ground_?truth|gt)$/i,
    /label|target|truth/i,
  );
  const prediction = byName(
    labels.filter((c) => c.name !== label),
    /^(pred|preds|prediction|predictions|predicted|y_?pred|yhat)$/i,
    /pred/i,
  );
  const tensors = tensorColumns(columns);
  const scores = byName(tensors, /^(probs|probabilities|scores|proba)$/i, /prob|score|logit|conf/i);
  const embedding = byName(
    tensors.filter((c) => c.name !== scores),
    /^(embedding|embeddings|emb)$/i,
    /emb|feature|vector/i,
  );
  const groups = labels
    .filter(
      (c) =>
        cellView(c) === 'string' && c.name !== label && c.name !== prediction && !NOT_A_GROUP.test(c.name),
    )
    .map((c) => c.name);
  return {
    label,
    prediction,
    scores,
    groups,
    embedding: rows > DISCOVER_AT_ONCE_ROWS ? null : embedding,
    k: 6,
  };
}

/** A choice as the URL keeps it (see url-state.ts). */
export function formatChoice(choice: SliceChoice): string {
  return JSON.stringify(choice);
}

/**
 * The choice a URL kept, with names the frame no longer has dropped; null when there is none or it
 * is not one (a hand-edited link), so the panel guesses instead.
 */
export function parseChoice(text: string | null, columns: readonly ColumnInfo[]): SliceChoice | null {
  if (text === null) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (raw === null || typeof raw !== 'object') return null;
  const r = raw as Record<string, unknown>;
  const names = new Set(columns.map((c) => c.name));
  const name = (v: unknown) => (typeof v === 'string' && names.has(v) ? v : null);
  const k = typeof r.k === 'number' && Number.isInteger(r.k) && r.k >= 2 && r.k <= 64 ? r.k : 6;
  return {
    label: name(r.label),
    prediction: name(r.prediction),
    scores: name(r.scores),
    groups: Array.isArray(r.groups) ? r.groups.map(name).filter((g) => g !== null) : [],
    embedding: name(r.embedding),
    k,
  };
}

/** The request body of a choice (null when it cannot be evaluated: no label, or neither prediction nor scores). */
export function sliceRequest(choice: SliceChoice, filter: Condition | null): Record<string, unknown> | null {
  if (choice.label === null || (choice.prediction === null && choice.scores === null)) return null;
  return {
    label: choice.label,
    ...(choice.prediction !== null ? { prediction: choice.prediction } : {}),
    ...(choice.scores !== null ? { scores: choice.scores } : {}),
    ...(choice.groups.length > 0 ? { groups: choice.groups } : {}),
    ...(choice.embedding !== null ? { discover: { embedding: choice.embedding, k: choice.k } } : {}),
    ...(filter !== null ? { filter } : {}),
  };
}

/** A slice's condition (a comparison, or an AND of them, as the server makes them) as filter rules. */
export function conditionRules(condition: Condition): FilterRule[] | null {
  if ('and' in condition) {
    const rules = condition.and.map(conditionRules);
    return rules.some((r) => r === null) ? null : (rules as FilterRule[][]).flat();
  }
  if ('or' in condition) return null; // the URL's rules have one join; the server makes no OR for a slice
  const { column, op, value } = condition;
  if (op === 'is null' || op === 'is not null') return [{ column, op, value: '' }];
  if (op !== '==' || value === null || value === undefined) return null;
  return [{ column, op: '==', value: String(value) }];
}

/**
 * The filter that shows a slice's rows: its rules ANDed with the current rules on other columns
 * (the panel evaluated within the current filter); an OR filter is replaced, since rules have one
 * join. The text search stays.
 */
export function filterToSlice(current: FilterState, condition: Condition): FilterState | null {
  const rules = conditionRules(condition);
  if (rules === null) return null;
  const columns = new Set(rules.map((r) => r.column));
  const kept = current.join === 'and' ? current.rules.filter((r) => !columns.has(r.column)) : [];
  return { join: 'and', rules: [...kept, ...rules], search: current.search };
}

/** A metric's value as the panel prints it. */
export function formatMetric(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined ? '–' : value.toFixed(digits);
}
