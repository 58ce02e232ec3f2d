/**
 * Loading of one stored column into memory, every file verified first: scalar fragments from Arrow
 * IPC (mapped-scalar.ts), object fragments from JSON lines (nesting bounded), several fragments joined into one column.
 */
import type { Column } from '../../../core/column/column.js';
import { concatColumns } from '../../../core/column/concat.js';
import { ObjectColumn } from '../../../core/column/object.js';
import { ScalarColumn } from '../../../core/column/scalar.js';
import type { ScalarDType } from '../../../core/column/types.js';
import { CorruptDataError, ParseError } from '../../../core/errors.js';
import { DEFAULT_MAX_JSON_DEPTH, jsonTooDeepAt } from '../../../core/json-depth.js';
import { readVerified } from './file-io.js';
import { dataPath } from './layout.js';
import type { FileFragment } from './manifest.js';
import { loadWholeFragment } from './mapped-scalar.js';

/** A scalar column from its Arrow IPC fragments (each file read whole and checked). */
export function loadScalar(root: string, dtype: ScalarDType, fragments: readonly FileFragment[]): Column {
  if (fragments.length === 0) return ScalarColumn.from([], dtype);
  return concatColumns(fragments.map((f) => loadWholeFragment(root, dtype, f)));
}

/** An object column from its JSON-lines fragments. */
export function loadObjects(root: string, fragments: readonly FileFragment[]): Column {
  const values: unknown[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (const f of fragments) {
    const file = dataPath(root, f.file.path);
    let text: string;
    try {
      text = decoder.decode(readVerified(file, f.file.bytes, f.file.crc32));
    } catch (e) {
      if (e instanceof CorruptDataError) throw e;
      throw new CorruptDataError(file, 'not valid UTF-8');
    }
    let line = 0;
    let at = 0;
    while (at < text.length) {
      const end = text.indexOf('\n', at);
      if (end < 0) throw new CorruptDataError(file, `line ${line + 1} has no end`);
      // A dataset from someone else is untrusted: a cell nested deeper would overflow the stack of
      // whatever walks it once loaded.
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
    if (line !== f.rows) throw new CorruptDataError(file, `holds ${line} rows, expected ${f.rows}`);
  }
  return new ObjectColumn(values);
}
