/**
 * The buffer layout of an Arrow IPC batch checked against its schema: each column's row count and
 * each buffer's size must fit the column's type. Arrow JS wraps whatever bytes a buffer has; a
 * buffer shorter than its rows need would read as missing or wrong values, so it is refused.
 */
import * as arrow from 'apache-arrow';

/** The parts of a record batch header the layout check reads. */
export interface BatchLayout {
  length: number | bigint;
  nodes: readonly { length: number | bigint; nullCount: number | bigint }[];
  buffers: readonly { length: number | bigint }[];
}

/**
 * What is wrong with `batch` as a batch of `fields` (each top-level column must have the batch's
 * row count, and the buffers must be exactly those the columns have), or null. Types whose layout is not known here (unions, views, intervals) end the
 * check at that column, the rest being left to Arrow JS.
 */
export function batchLayoutProblem(batch: BatchLayout, fields: readonly arrow.Field[]): string | null {
  let node = 0;
  let buffer = 0;
  const problem = (what: string) => ({ problem: what });
  /** Consume the next buffer, which must hold `bytes` bytes unless `optional`. */
  const take = (bytes: number, what: string, field: string, optional = false) => {
    const b = batch.buffers[buffer++];
    if (b === undefined) return problem(`column "${field}" lacks its ${what} buffer`);
    const have = Number(b.length);
    if (!optional && have < bytes)
      return problem(`column "${field}" has a ${what} buffer of ${have} bytes where its rows need ${bytes}`);
    return null;
  };
  type Step = { problem: string } | 'unknown' | null;
  const visit = (type: arrow.DataType, field: string, rows: number | null): Step => {
    const n = batch.nodes[node++];
    if (n === undefined) return problem(`column "${field}" has no field node`);
    const len = Number(n.length);
    const nulls = Number(n.nullCount);
    if (rows !== null && len !== rows) return problem(`column "${field}" has ${len} rows, its batch ${rows}`);
    if (arrow.DataType.isNull(type)) return null;
    const allNull = len > 0 && nulls === len;
    const validity = take(Math.ceil(len / 8), 'validity', field, nulls === 0);
    if (validity) return validity;
    if (arrow.DataType.isBool(type)) return take(Math.ceil(len / 8), 'data', field, allNull);
    if (arrow.DataType.isDictionary(type))
      return take(len * bytesPerValue(type.indices), 'index', field, allNull);
    if (
      arrow.DataType.isUtf8(type) ||
      arrow.DataType.isBinary(type) ||
      arrow.DataType.isLargeUtf8(type) ||
      arrow.DataType.isLargeBinary(type)
    ) {
      const width = arrow.DataType.isUtf8(type) || arrow.DataType.isBinary(type) ? 4 : 8;
      return take(len > 0 ? (len + 1) * width : 0, 'offsets', field) ?? take(0, 'data', field, true);
    }
    if (arrow.DataType.isList(type) || arrow.DataType.isMap(type))
      return take(len > 0 ? (len + 1) * 4 : 0, 'offsets', field) ?? visit(type.children[0].type, field, null);
    if (arrow.DataType.isFixedSizeList(type)) {
      const child = batch.nodes[node];
      const need = len * type.listSize;
      if (child !== undefined && Number(child.length) < need)
        return problem(
          `column "${field}" has lists of ${type.listSize} over ${len} rows, but ${child.length} values`,
        );
      return visit(type.children[0].type, field, null);
    }
    if (arrow.DataType.isStruct(type)) {
      for (const child of type.children) {
        const step = visit(child.type, `${field}.${child.name}`, len);
        if (step) return step;
      }
      return null;
    }
    if (
      arrow.DataType.isInt(type) ||
      arrow.DataType.isFloat(type) ||
      arrow.DataType.isDate(type) ||
      arrow.DataType.isTimestamp(type) ||
      arrow.DataType.isTime(type) ||
      arrow.DataType.isDecimal(type) ||
      arrow.DataType.isFixedSizeBinary(type) ||
      arrow.DataType.isDuration(type)
    )
      return take(len * bytesPerValue(type), 'data', field, allNull);
    return 'unknown';
  };
  const rows = Number(batch.length);
  for (const f of fields) {
    const step = visit(f.type, f.name, rows);
    if (step === 'unknown') return null;
    if (step) return step.problem;
  }
  if (buffer !== batch.buffers.length)
    return `it has ${batch.buffers.length} buffers where its columns have ${buffer}`;
  return null;
}

/** Bytes per value of a fixed-width type, as Arrow JS reads it (its array type times its stride). */
function bytesPerValue(type: arrow.DataType): number {
  return (
    (type.ArrayType as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT *
    ((type as { stride?: number }).stride ?? 1)
  );
}

/**
 * What is wrong with the offsets of `data` (strings, binary, lists, and the same inside children
 * and dictionaries), or null. Offsets must rise and stay within the values they index: Arrow JS
 * reads past them as empty or other values. Only readable once the body is, so checked per column.
 */
export function offsetsProblem(data: arrow.Data): string | null {
  const offsets = data.valueOffsets as Int32Array | BigInt64Array | undefined;
  if (offsets !== undefined && data.length > 0 && !arrow.DataType.isUnion(data.type)) {
    const values = data.children.length > 0 ? data.children[0].length : (data.values?.length ?? 0);
    let previous = 0;
    for (let i = data.offset; i <= data.offset + data.length; i++) {
      const at = Number(offsets[i]);
      if (!(at >= previous && at <= values))
        return `has offset ${offsets[i]} at row ${i}, after ${previous} and over ${values} values`;
      previous = at;
    }
  }
  for (const child of data.children) {
    const problem = offsetsProblem(child);
    if (problem) return problem;
  }
  const dictionary = data.dictionary?.data ?? [];
  for (const d of dictionary) {
    const problem = offsetsProblem(d);
    if (problem) return `(its dictionary) ${problem}`;
  }
  return null;
}
