/**
 * The byte-level CSV scanner (RFC 4180): splits a buffer into records and fields without decoding
 * text. Each field is kept as a byte range plus flags (quoted; has doubled quotes), so numbers are
 * parsed straight from the bytes and string columns are built by copying bytes, never by building
 * JavaScript strings.
 */
import { ParseError } from '../errors.js';

const LF = 10;
const CR = 13;

/** Field flags: the field was quoted; it contains doubled quotes to unescape. */
export const QUOTED = 1;
export const ESCAPED = 2;

/** Byte ranges of the fields of the records scanned from one buffer (record-major). */
export class FieldTable {
  starts: Int32Array = new Int32Array(1024);
  ends: Int32Array = new Int32Array(1024);
  flags: Uint8Array = new Uint8Array(1024);
  count = 0;
  /** Byte offset where each record starts (for line numbers in errors). */
  recordStarts: Int32Array = new Int32Array(256);
  records = 0;

  reset(): void {
    this.count = 0;
    this.records = 0;
  }

  push(start: number, end: number, flag: number): void {
    if (this.count === this.starts.length) {
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      const f = new Uint8Array(this.flags.length * 2);
      f.set(this.flags);
      this.flags = f;
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.flags[this.count++] = flag;
  }

  pushRecord(start: number): void {
    if (this.records === this.recordStarts.length) this.recordStarts = grow(this.recordStarts);
    this.recordStarts[this.records++] = start;
  }
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Where a scan is: the file (for errors) and the line number of the buffer's first byte. */
export interface ScanContext {
  file: string;
  baseLine: number;
  /** Fields per record; -1 until the first record sets it. */
  columns: number;
}

/** 1-based line of byte `offset` of `buf`, counting line feeds before it. */
export function lineAt(buf: Uint8Array, offset: number, baseLine: number): number {
  let line = baseLine;
  let i = buf.indexOf(LF);
  while (i >= 0 && i < offset) {
    line++;
    i = buf.indexOf(LF, i + 1);
  }
  return line;
}

/** Line feeds in `buf[0, end)`. */
export function countLineFeeds(buf: Uint8Array, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) if (buf[i] === LF) n++;
  return n;
}

/**
 * Scan complete records of `buf` from `pos` into `table`. Unless `eof`, a record that may continue
 * past the end of the buffer is left unscanned. Returns the offset just past the last complete
 * record. Blank lines are skipped (except in one-column files, where they are empty fields).
 */
export function scanRecords(
  buf: Uint8Array,
  pos: number,
  eof: boolean,
  delimiter: number,
  quote: number,
  table: FieldTable,
  ctx: ScanContext,
): number {
  const n = buf.length;
  let i = pos;
  let done = pos;
  records: while (i < n) {
    const recordStart = i;
    const fieldsBefore = table.count;
    const c0 = buf[i];
    if ((c0 === LF || c0 === CR) && ctx.columns !== 1) {
      if (c0 === CR) {
        if (i + 1 >= n && !eof) break;
        i += buf[i + 1] === LF ? 2 : 1;
      } else i++;
      done = i;
      continue;
    }
    for (;;) {
      if (i < n && buf[i] === quote) {
        let j = i + 1;
        let flag = QUOTED;
        for (;;) {
          const k = buf.indexOf(quote, j);
          if (k < 0) {
            if (eof)
              throw new ParseError(
                ctx.file,
                lineAt(buf, recordStart, ctx.baseLine),
                'a quoted field is not closed: expected a closing quote before the end of the file',
              );
            table.count = fieldsBefore;
            break records;
          }
          if (k + 1 >= n && !eof) {
            // The next byte decides whether this quote closes the field or is doubled.
            table.count = fieldsBefore;
            break records;
          }
          if (k + 1 < n && buf[k + 1] === quote) {
            flag = QUOTED | ESCAPED;
            j = k + 2;
            continue;
          }
          table.push(i + 1, k, flag);
          i = k + 1;
          break;
        }
        if (i < n) {
          const c = buf[i];
          if (c === delimiter) {
            i++;
            continue;
          }
          if (c !== LF && c !== CR)
            throw new ParseError(
              ctx.file,
              lineAt(buf, i, ctx.baseLine),
              `expected a delimiter or the end of the line after a closing quote, found ${JSON.stringify(String.fromCharCode(c))}; quotes inside a quoted field must be doubled ("")`,
            );
        }
      } else {
        let j = i;
        while (j < n) {
          const c = buf[j];
          if (c === delimiter || c === LF || c === CR) break;
          j++;
        }
        if (j >= n && !eof) {
          table.count = fieldsBefore;
          break records;
        }
        table.push(i, j, 0);
        i = j;
        if (i < n && buf[i] === delimiter) {
          i++;
          continue;
        }
      }
      // End of the record: at a line break or the end of the data.
      if (i < n) {
        if (buf[i] === CR) {
          if (i + 1 >= n && !eof) {
            table.count = fieldsBefore;
            break records;
          }
          i += buf[i + 1] === LF ? 2 : 1;
        } else i++;
      }
      break;
    }
    const got = table.count - fieldsBefore;
    if (ctx.columns < 0) ctx.columns = got;
    else if (got !== ctx.columns)
      throw new ParseError(
        ctx.file,
        lineAt(buf, recordStart, ctx.baseLine),
        `expected ${ctx.columns} fields (as in the first record), found ${got}`,
      );
    table.pushRecord(recordStart);
    done = i;
  }
  return done;
}
