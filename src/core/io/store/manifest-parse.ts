/**
 * Parsing a manifest: its JSON text checked against its own checksum and validated field by field
 * (the mirror of the Node store's manifest-write.ts). A manifest is data: nothing in it is ever
 * executed, and anything wrong in it is a {@link CorruptDataError} naming its file. The Node store
 * (manifest-read.ts) and the in-tab app read manifests through this one parser.
 */
import { bitmapBytes } from '../../column/bitmap.js';
import {
  type ColumnType,
  MEDIA_KINDS,
  type MediaKind,
  SCALAR_DTYPES,
  type ScalarDType,
  TENSOR_DTYPES,
  type TensorDType,
} from '../../column/types.js';
import { CorruptDataError } from '../../errors.js';
import { MAX_FRAME_ROWS } from '../../frame/merge.js';
import {
  type ColumnEntry,
  type DeferredEntry,
  type FileEntry,
  FORMAT,
  FORMAT_VERSION,
  type Manifest,
  manifestChecksum,
  TENSOR_BYTES,
  type TensorFileEntry,
} from './manifest.js';

/** Parse and validate a manifest's text; anything wrong is a {@link CorruptDataError} naming `file`. */
export function parseManifest(text: string, file: string): Manifest {
  const fail = (detail: string): never => {
    throw new CorruptDataError(file, `bad manifest: ${detail}`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return fail(`not valid JSON (${(e as Error).message})`);
  }
  if (!isRecord(parsed)) return fail('not a JSON object');
  const { checksum, ...rest } = parsed;
  if (rest.format !== FORMAT) return fail(`"format" is ${JSON.stringify(rest.format)}, not "${FORMAT}"`);
  if (typeof rest.formatVersion !== 'number' || rest.formatVersion > FORMAT_VERSION)
    return fail(
      `format version ${String(rest.formatVersion)} is newer than this Tessera reads (${FORMAT_VERSION}); upgrade Tessera`,
    );
  const expected = manifestChecksum(rest);
  if (checksum !== expected) return fail(`checksum mismatch (${String(checksum)}, computed ${expected})`);
  return validate(rest, fail);
}

function validate(m: Record<string, unknown>, fail: (detail: string) => never): Manifest {
  const count = (v: unknown, what: string): number => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(`${what} must be a count, got ${v}`);
    return v as number;
  };
  const version = count(m.version, 'version');
  if (version < 1) fail('version must be at least 1');
  if (m.parent !== null) count(m.parent, 'parent');
  if (!['write', 'append', 'index', 'edit', 'undo'].includes(m.operation as string)) fail('bad "operation"');
  if (typeof m.createdAt !== 'string') fail('bad "createdAt"');
  const length = count(m.length, 'length');
  if (length > MAX_FRAME_ROWS)
    fail(`length ${length} is more than the ${MAX_FRAME_ROWS} rows a frame can hold`);
  if (!Array.isArray(m.columns)) fail('"columns" must be an array');
  const columns = m.columns as unknown[];
  const names = new Set<string>();
  for (const c of columns) {
    if (!isRecord(c) || typeof c.name !== 'string') fail('every column needs a name');
    const col = c as Record<string, unknown> & { name: string };
    if (names.has(col.name)) fail(`column "${col.name}" appears twice`);
    names.add(col.name);
    const at = `column "${col.name}"`;
    const type = checkType(col.type, at, fail);
    if (type.kind === 'deferred') {
      checkDeferred(col.deferred, at, fail);
      continue;
    }
    if (!Array.isArray(col.fragments)) fail(`${at} has no fragment list`);
    let rows = 0;
    for (const f of col.fragments as unknown[]) {
      if (!isRecord(f)) fail(`${at}: bad fragment`);
      const frag = f as Record<string, unknown>;
      const n = count(frag.rows, `${at}: fragment rows`);
      rows += n;
      if (type.kind === 'tensor') checkTensorFragment(frag, n, type, at, fail);
      else {
        checkFile(frag.file, at, fail);
        if (frag.blocks !== undefined) checkBlocks(frag.blocks, type, at, fail);
      }
    }
    if (rows !== length) fail(`${at} has ${rows} rows in its fragments, but the dataset has ${length}`);
    if (col.encoder !== undefined) checkEncoderSpec(col.encoder, type, at, fail);
  }
  for (const c of columns as ColumnEntry[])
    if (c.type.kind === 'deferred')
      for (const input of (c as { deferred: DeferredEntry }).deferred.inputs)
        if (!names.has(input)) fail(`column "${c.name}" has an input "${input}" that is not a column`);
  checkAcyclic(columns as ColumnEntry[], fail);
  if (m.primaryKey !== null && (typeof m.primaryKey !== 'string' || !names.has(m.primaryKey)))
    fail('"primaryKey" is not a column');
  if (m.indexes !== undefined) checkIndexEntries(m.indexes, columns as ColumnEntry[], length, version, fail);
  return m as unknown as Manifest;
}

function checkType(t: unknown, at: string, fail: (d: string) => never): ColumnType {
  if (!isRecord(t)) return fail(`${at}: bad type`);
  switch (t.kind) {
    case 'scalar':
      if (!SCALAR_DTYPES.includes(t.dtype as ScalarDType)) fail(`${at}: bad scalar dtype`);
      break;
    case 'tensor':
      if (!TENSOR_DTYPES.includes(t.dtype as TensorDType)) fail(`${at}: bad tensor dtype`);
      if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
        fail(`${at}: bad tensor shape`);
      break;
    case 'object':
      break;
    case 'deferred':
      if (t.media !== undefined && !MEDIA_KINDS.includes(t.media as MediaKind)) fail(`${at}: bad media kind`);
      break;
    default:
      fail(`${at}: unknown column kind ${JSON.stringify(t.kind)}`);
  }
  return t as unknown as ColumnType;
}

/** Data files live directly in `data/`; nothing in a manifest may point elsewhere. */
const FILE_PATH = /^data\/[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

function checkFile(f: unknown, at: string, fail: (d: string) => never): FileEntry {
  if (!isRecord(f)) return fail(`${at}: bad file entry`);
  if (typeof f.path !== 'string' || !FILE_PATH.test(f.path))
    fail(`${at}: bad file path ${JSON.stringify(f.path)}`);
  if (typeof f.bytes !== 'number' || !Number.isSafeInteger(f.bytes) || f.bytes < 0)
    fail(`${at}: bad file size`);
  if (typeof f.crc32 !== 'number' || !Number.isInteger(f.crc32) || f.crc32 < 0 || f.crc32 > 0xffffffff)
    fail(`${at}: bad checksum`);
  return f as unknown as FileEntry;
}

/** A scalar fragment's block index: a block size and a side file (its size is checked at open). */
function checkBlocks(b: unknown, type: ColumnType, at: string, fail: (d: string) => never) {
  if (type.kind !== 'scalar') fail(`${at}: only scalar fragments have a block index`);
  if (!isRecord(b)) return fail(`${at}: bad block index entry`);
  if (!Number.isSafeInteger(b.rowsPerBlock) || (b.rowsPerBlock as number) < 1)
    fail(`${at}: bad rows per block`);
  checkFile(b.file, at, fail);
}

function checkTensorFragment(
  f: Record<string, unknown>,
  rows: number,
  type: Extract<ColumnType, { kind: 'tensor' }>,
  at: string,
  fail: (d: string) => never,
) {
  const d = f.data;
  if (!isRecord(d) || typeof d.path !== 'string' || !FILE_PATH.test(d.path))
    fail(`${at}: bad tensor file entry`);
  const data = d as unknown as TensorFileEntry;
  if (!Number.isSafeInteger(data.headerBytes) || data.headerBytes < 64 || data.headerBytes % 64 !== 0)
    fail(`${at}: bad npy header size`);
  if (!Number.isSafeInteger(data.rowsPerBlock) || data.rowsPerBlock < 1) fail(`${at}: bad checksum block`);
  const rowBytes = type.shape.reduce((a, b) => a * b, 1) * TENSOR_BYTES[type.dtype];
  if (data.bytes !== data.headerBytes + rows * rowBytes) fail(`${at}: tensor file size does not match rows`);
  const checks = checkFile(data.checksums, at, fail);
  const blocks = rowBytes === 0 ? 0 : Math.ceil(rows / data.rowsPerBlock);
  if (checks.bytes !== 4 * (1 + blocks)) fail(`${at}: checksum file size does not match rows`);
  if (f.validity !== null) {
    const v = checkFile(f.validity, at, fail);
    if (v.bytes !== bitmapBytes(rows)) fail(`${at}: validity file size does not match rows`);
  }
}

function checkDeferred(d: unknown, at: string, fail: (d: string) => never) {
  if (!isRecord(d) || typeof d.function !== 'string' || d.function.length === 0)
    fail(`${at}: a deferred column needs a function name`);
  const entry = d as Record<string, unknown>;
  if (!isRecord(entry.params)) fail(`${at}: deferred parameters must be an object`);
  if (!Array.isArray(entry.inputs) || !entry.inputs.every((n) => typeof n === 'string'))
    fail(`${at}: deferred inputs must be column names`);
  if (entry.batched !== undefined && typeof entry.batched !== 'boolean') fail(`${at}: bad "batched"`);
  if (
    entry.batchSize !== undefined &&
    !(Number.isSafeInteger(entry.batchSize) && (entry.batchSize as number) >= 1)
  )
    fail(`${at}: bad "batchSize"`);
  if (entry.output !== undefined) checkType(entry.output, `${at} output`, fail);
}

function checkAcyclic(columns: ColumnEntry[], fail: (d: string) => never) {
  const inputs = new Map<string, string[]>();
  for (const c of columns)
    if (c.type.kind === 'deferred') inputs.set(c.name, (c as { deferred: DeferredEntry }).deferred.inputs);
  const state = new Map<string, 1 | 2>();
  const visit = (name: string, path: string[]) => {
    const s = state.get(name);
    if (s === 2) return;
    if (s === 1) fail(`deferred columns depend on each other in a cycle: ${[...path, name].join(' → ')}`);
    state.set(name, 1);
    for (const i of inputs.get(name) ?? []) visit(i, [...path, name]);
    state.set(name, 2);
  };
  for (const name of inputs.keys()) visit(name, []);
}

/**
 * Checks a manifest's `indexes` value: every key a tensor column, every entry well formed and not
 * built for more rows than the dataset has or for a later version.
 */
function checkIndexEntries(
  indexes: unknown,
  columns: readonly ColumnEntry[],
  length: number,
  version: number,
  fail: (detail: string) => never,
): void {
  if (!isRecord(indexes)) fail('"indexes" must be an object keyed by column name');
  for (const [name, entry] of Object.entries(indexes as Record<string, unknown>)) {
    const at = `index of column "${name}"`;
    const column = columns.find((c) => c.name === name);
    if (column === undefined || column.type.kind !== 'tensor')
      fail(`${at}: there is no tensor column "${name}"`);
    if (typeof entry !== 'object' || entry === null) fail(`${at}: bad entry`);
    const e = entry as Record<string, unknown>;
    if (e.kind !== 'simhash' && e.kind !== 'e2lsh') fail(`${at}: unknown kind ${JSON.stringify(e.kind)}`);
    if (!isCount(e.rows) || (e.rows as number) > length)
      fail(`${at}: bad row count (the dataset has ${length} rows)`);
    if (!isCount(e.version) || (e.version as number) < 1 || (e.version as number) > version)
      fail(`${at}: bad version`);
    checkFile(e.file, at, fail);
  }
}

/** A tensor column's recorded encoder: a registered name and plain JSON options (data, never code). */
function checkEncoderSpec(spec: unknown, type: ColumnType, at: string, fail: (d: string) => never): void {
  if (type.kind !== 'tensor') fail(`${at}: only a tensor column records an encoder`);
  if (!isRecord(spec) || typeof spec.name !== 'string' || spec.name.length === 0 || spec.name.length > 256)
    fail(`${at}: bad encoder (needs a name)`);
  const { options } = spec as Record<string, unknown>;
  if (!isRecord(options) || Object.keys(spec as object).some((k) => k !== 'name' && k !== 'options'))
    fail(`${at}: bad encoder (needs { name, options })`);
}

function isCount(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
