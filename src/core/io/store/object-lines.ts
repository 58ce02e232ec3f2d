/**
 * An object column's fragments: JSON lines, one value a row, read whole and checked against their
 * CRC-32. A dataset from someone else is untrusted, so nesting is bounded and every line must parse.
 */
import type { Column } from '../../column/column.js';
import { ObjectColumn } from '../../column/object.js';
import { CorruptDataError, ParseError } from '../../errors.js';
import { DEFAULT_MAX_JSON_DEPTH, jsonTooDeepAt } from '../../json-depth.js';
import { type ByteSource, readVerifiedEntry } from './byte-source.js';
import type { FileFragment } from './manifest.js';

/** The values of a JSON-lines fragment of `rows` rows (appended to `values`); `file` names it in errors. */
export function decodeObjectLines(
  bytes: Uint8Array,
  file: string,
  rows: number,
  values: unknown[] = [],
): unknown[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CorruptDataError(file, 'not valid UTF-8');
  }
  let line = 0;
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf('\n', at);
    if (end < 0) throw new CorruptDataError(file, `line ${line + 1} has no end`);
    // A cell nested deeper would overflow the stack of whatever walks it once loaded.
    if (jsonTooDeepAt(text, DEFAULT_MAX_JSON_DEPTH, at, end) >= 0)
      throw new ParseError(
        file,
        line + 1,
        `JSON nested deeper than ${DEFAULT_MAX_JSON_DEPTH} levels of arrays and objects`,
      );
    try {
      values.push(JSON.parse(text.slice(at, end)));
    } catch {
      throw new CorruptDataError(file, `line ${line + 1} is not valid JSON`);
    }
    line++;
    at = end + 1;
  }
  if (line !== rows) throw new CorruptDataError(file, `holds ${line} rows, expected ${rows}`);
  return values;
}

/** An object column from its JSON-lines fragments. */
export function loadObjectColumn(source: ByteSource, fragments: readonly FileFragment[]): Column {
  const values: unknown[] = [];
  for (const f of fragments)
    decodeObjectLines(readVerifiedEntry(source, f.file), source.name(f.file.path), f.rows, values);
  return new ObjectColumn(values);
}
