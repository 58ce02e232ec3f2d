/**
 * The app's slices panel, computed: metrics of a classifier per slice of the open frame (each value
 * of each grouping column, and the clusters of slice discovery), with confidence intervals and the
 * gap from overall, plus the confusion matrix and the calibration bins, all from the evaluation
 * module (src/core/eval). Every slice and confusion cell carries the filter condition that selects
 * its rows, so the app filters every view to it.
 *
 * Discovered slices are expressed as a condition on a cluster column: k-means (seeded, so the same
 * embedding and k always give the same clusters) over the whole frame adds an int32 column named
 * `<embedding>_cluster_k<k>` to the served frame, and a discovered slice is `column == c`. A
 * condition stays short whatever the slice's size (never a list of row ids), and the table can
 * show, sort and filter the column like any other. It lives as long as the server or the tab
 * (it is not written to the dataset); running discovery again on a fresh one makes the same column.
 * The request and report types are in slice-replies.ts.
 */

import type { Column } from '../column/column.js';
import { ScalarColumn } from '../column/scalar.js';
import { DuplicateColumnError, InvalidArgumentError, TypeMismatchError } from '../errors.js';
import { binsOfSums } from '../eval/calibration.js';
import { type ClassData, prepareEvaluation } from '../eval/evaluate.js';
import type { Label } from '../eval/labels.js';
import { discoverSlices } from '../eval/slice-discovery.js';
import { intervalYield } from '../exec/event-loop-yield.js';
import type { DataFrame } from '../frame/frame.js';
import { sortedCodes } from '../frame/keys/codes.js';
import { type Condition, conditionRows } from './conditions.js';
import { copyLayoutPoints } from './polygon-condition.js';
import { evaluatedScoreOrders } from './score-orders.js';
import { evaluateSlices, type SlicePartition } from './slice-evaluate.js';
import type { SliceMetricName, SliceReport, SliceRequest, SliceResult } from './slice-replies.js';
import type { ViewStore } from './views.js';

/** What the overall slice is. */
const OVERALL = { name: 'overall', kind: 'overall', condition: null } as const;
/** Most classes a confusion matrix is drawn for. */
const MAX_CLASSES = 50;

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * The frame an app serves and its views (the server's context, the in-tab worker's): discovery's
 * cluster column replaces `frame` with the same rows plus that column.
 */
export interface ServedFrame {
  frame: DataFrame;
  readonly views: ViewStore;
}

/** Slice metrics of the open frame (see the file's comment). */
export async function sliceReport(ctx: ServedFrame, request: SliceRequest): Promise<SliceReport> {
  const { label, prediction, scores } = request;
  if (prediction === undefined && scores === undefined)
    throw new InvalidArgumentError('slices need { prediction: column } or { scores: column }, or both');
  const groups = request.groups ?? [];
  for (const name of [label, ...(prediction ? [prediction] : []), ...groups]) {
    const c = ctx.frame.column(name); // ColumnNotFoundError names the missing column
    if (!(c instanceof ScalarColumn))
      throw new TypeMismatchError(
        `column "${name}" is not a scalar column; label, prediction and groups must be`,
      );
  }
  const classes =
    request.classes ?? (scores !== undefined ? sortedStringClasses(ctx.frame, label, prediction) : undefined);
  const discovered = request.discover ? await clusterColumn(ctx, request, classes) : null;
  const frame = ctx.frame;
  const filtered = request.filter !== undefined;
  // The filter's rows; null for every row (no list of a million row numbers to make and walk).
  const rows = filtered ? conditionRows(frame, request.filter as Condition) : null;
  const rowCount = rows === null ? frame.length : rows.length;
  const metrics: SliceMetricName[] =
    scores !== undefined ? ['accuracy', 'f1_macro', 'roc_auc', 'ece'] : ['accuracy', 'f1_macro'];
  const evalColumns = [label, ...(prediction ? [prediction] : []), ...(scores ? [scores] : [])];
  const selected = frame.select(...new Set(evalColumns));
  // Without a filter the frame itself, whose string columns keep their dictionaries between
  // requests (a take would copy every string and encode them again).
  const base = rows !== null ? selected.takeValid(rows) : selected;
  const options = {
    label,
    ...(prediction ? { prediction } : {}),
    ...(scores ? { scores } : {}),
    ...(classes ? { classes } : {}),
    metrics,
  };
  const yielder = intervalYield();
  const prepared = prepareEvaluation(base, options, 'classification');
  await yielder();
  const data = prepared.data as ClassData;
  /** Evaluated row → its position among `rows` (the filtered frame's rows; frame rows with no filter). */
  const evaluatedRows = prepared.rows;
  /** The frame row of each evaluated row. */
  const frameRows = rows === null ? evaluatedRows : frameRowsOf(evaluatedRows, rows);
  const maxGroups = request.maxGroups ?? 50;

  /** Every row of the frame is evaluated: the partitions depend on the column alone. */
  const everyRow = rows === null && evaluatedRows.length === frame.length;

  /** The kept groups of a grouping column, as a partition of the evaluated rows. */
  function groupsOf(column: string): Groups {
    const source = frame.column(column);
    const kept = everyRow ? KEPT_GROUPS.get(source) : undefined;
    if (kept !== undefined && kept.maxGroups === maxGroups) return kept.groups;
    const groups = groupsOfRows(source);
    if (everyRow) KEPT_GROUPS.set(source, { maxGroups, groups });
    return groups;
  }

  function groupsOfRows(source: Column): Groups {
    const { codes: frameCodes, card } = sortedCodes(source, 'a slice column');
    // Group sizes over the filtered rows (labelled or not), the largest kept.
    const sizes = new Int32Array(card);
    const firstRow = new Int32Array(card).fill(-1);
    for (let r = 0; r < rowCount; r++) {
      const row = rows === null ? r : rows[r];
      const c = frameCodes[row];
      if (sizes[c]++ === 0) firstRow[c] = row;
    }
    const present = Array.from({ length: card }, (_, c) => c).filter((c) => sizes[c] > 0);
    const kept = present.sort((a, b) => sizes[b] - sizes[a] || a - b).slice(0, maxGroups);
    const sliceOf = new Int32Array(card).fill(-1);
    kept.forEach((c, s) => {
      sliceOf[c] = s;
    });
    const codes = new Int32Array(evaluatedRows.length);
    if (everyRow) for (let p = 0; p < codes.length; p++) codes[p] = sliceOf[frameCodes[p]];
    else {
      for (let p = 0; p < codes.length; p++) codes[p] = sliceOf[frameCodes[frameRows[p]]];
    }
    return {
      partition: { codes, slices: kept.length },
      values: kept.map((c) => jsonValue(source.get(firstRow[c]))),
      left: present.length - kept.length,
    };
  }

  const truncated: Record<string, number> = {};
  const grouped = groups.map((column) => {
    const g = groupsOf(column);
    if (g.left > 0) truncated[column] = g.left;
    return { column, kind: 'group' as 'group' | 'discovered', ...g };
  });
  if (discovered !== null)
    grouped.push({ column: discovered.column, kind: 'discovered', ...groupsOf(discovered.column) });
  await yielder();
  const evaluated = await evaluateSlices(
    data,
    grouped.map((g) => g.partition),
    metrics,
    { samples: request.bootstrap ?? 100, maxRows: request.bootstrapRows ?? 1000 },
    scores === undefined || !metrics.includes('roc_auc')
      ? undefined
      : evaluatedScoreOrders(frame.column(scores), frameRows),
  );
  const results = grouped.map(({ column, kind, values }, j) =>
    evaluated.partitions[j].map((m, s): SliceResult => {
      const value = values[s];
      return {
        ...m,
        name:
          kind === 'group'
            ? `${column} = ${value === null ? 'null' : String(value)}`
            : `cluster ${String(value)}`,
        kind,
        column,
        value: value === undefined ? null : value,
        condition: value === undefined ? null : valueCondition(column, value),
      };
    }),
  );
  const slices = rankByGap(results.slice(0, groups.length).flat());
  const overall: SliceResult = { ...evaluated.overall, ...OVERALL };
  const overallSlot = evaluated.slots - 1;
  return {
    rows: rowCount,
    evaluated: overall.count,
    metrics,
    overall,
    slices,
    truncated,
    discovered: discovered === null ? null : { ...discovered, slices: rankByGap(results[groups.length]) },
    confusion:
      data.classes.length <= MAX_CLASSES ? confusionOf(data, evaluated.confusion, label, prediction) : null,
    calibration:
      evaluated.calibration === null
        ? null
        : binsOfSums(evaluated.calibration, overallSlot).map((b) => ({
            lower: b.lower,
            upper: b.upper,
            count: b.count,
            confidence: finite(b.confidence),
            accuracy: finite(b.accuracy),
          })),
  };
}

/** The frame row of each evaluated row (`evaluated` are positions among `rows`). */
function frameRowsOf(evaluated: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(evaluated.length);
  for (let p = 0; p < out.length; p++) out[p] = rows[evaluated[p]];
  return out;
}

/** The sorted distinct values of string label (and prediction) columns; undefined for other labels. */
function sortedStringClasses(
  frame: DataFrame,
  label: string,
  prediction: string | undefined,
): string[] | undefined {
  const columns = [label, ...(prediction ? [prediction] : [])].map((n) => frame.column(n) as ScalarColumn);
  if (columns.some((c) => c.dtype !== 'string')) return undefined;
  const seen = new Set<string>();
  // The dictionary (built once per column) is what encoding the labels uses too.
  for (const c of columns) for (const v of c.dictionary().dictionary) seen.add(v);
  return [...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Worst first (largest gap); undefined gaps last; ties keep their order. */
function rankByGap(slices: SliceResult[]): SliceResult[] {
  const key = (s: SliceResult) => s.gap ?? Number.NEGATIVE_INFINITY;
  return slices
    .map((s, i) => [s, i] as const)
    .sort((a, b) => key(b[0]) - key(a[0]) || a[1] - b[1])
    .map(([s]) => s);
}

/** A cell as JSON names it in a condition (undefined: a value a condition cannot name, e.g. a date). */
function jsonValue(v: unknown): Label | null | undefined {
  if (v === null) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return undefined;
}

function valueCondition(column: string, value: Label | null): Condition {
  return value === null ? { column, op: 'is null' } : { column, op: '==', value };
}

function confusionOf(
  d: ClassData,
  counts: Int32Array,
  label: string,
  prediction: string | undefined,
): SliceReport['confusion'] {
  const k = d.classes.length;
  return {
    classes: d.classes,
    counts: Array.from({ length: k }, (_, t) => Array.from(counts.subarray(t * k, t * k + k))),
    // Without a prediction column the predicted class is the scores' argmax: no column to filter on.
    conditions: d.classes.map((t) =>
      d.classes.map((p) =>
        prediction === undefined ? null : { and: [valueCondition(label, t), valueCondition(prediction, p)] },
      ),
    ),
  };
}

/** The kept groups of a grouping column, as a partition of the evaluated rows. */
interface Groups {
  partition: SlicePartition;
  values: (Label | null | undefined)[];
  left: number;
}

/**
 * Per grouping column, its groups over every row (a request without a filter, nothing missing):
 * columns are immutable, so asking again (another metric, other scores) groups nothing. Read only.
 */
const KEPT_GROUPS = new WeakMap<Column, { maxGroups: number; groups: Groups }>();

/** Cluster columns this server added (a column of the same name from elsewhere is never replaced). */
const ADDED = new WeakMap<ServedFrame, Set<string>>();

/** The cluster columns slice discovery added to `ctx`'s served frame (they are not in the dataset). */
export function addedClusterColumns(ctx: ServedFrame): readonly string[] {
  return [...(ADDED.get(ctx) ?? [])];
}

/**
 * The cluster column of `discover`, added to the served frame (and its views) on first use; the
 * k-means runs over the whole frame, so the column and its conditions do not depend on the filter.
 */
async function clusterColumn(
  ctx: ServedFrame,
  request: SliceRequest,
  classes: Label[] | undefined,
): Promise<{ column: string; k: number }> {
  const { embedding, k = 6 } = request.discover as { embedding: string; k?: number };
  const column = `${embedding}_cluster_k${k}`;
  const added = ADDED.get(ctx) ?? new Set<string>();
  ADDED.set(ctx, added);
  if (ctx.frame.columnNames.includes(column)) {
    if (added.has(column)) return { column, k };
    throw new DuplicateColumnError(
      `the frame has a column "${column}" already, which slice discovery would add; rename that column`,
    );
  }
  const found = await discoverSlices(ctx.frame, {
    embedding,
    k,
    label: request.label,
    ...(request.prediction ? { prediction: request.prediction } : {}),
    ...(request.scores ? { scores: request.scores } : {}),
    ...(classes ? { classes } : {}),
    seed: 0,
    confidence: false,
  });
  if (added.has(column)) return { column, k }; // a request beside this one added it meanwhile
  const before = ctx.frame;
  ctx.frame = before.withColumn(column, found.assignments);
  // The map's layouts stay usable by the `in polygon` filter (a lasso) over the new frame.
  copyLayoutPoints(before, ctx.frame);
  ctx.views.replaceFrame(ctx.frame);
  added.add(column);
  return { column, k };
}
