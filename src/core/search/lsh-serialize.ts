/**
 * An LSH index as bytes, so it can be saved beside its column and loaded without rebuilding:
 *
 * ```
 * "TSRLSH02"                 8 bytes, the format and its version
 * uint32 LE                  CRC-32 of every byte after this field
 * uint32 LE                  length of the JSON header
 * JSON header                { params, arrays: [{ name, type, offset, length }] }, padded to 8 bytes
 * arrays                     little-endian typed arrays at 8-byte aligned offsets: the projections,
 *                            E2LSH offsets and multipliers, then keys / starts / ids of each table
 * ```
 *
 * Loading checks the checksum first, so damaged bytes give a {@link CorruptDataError}, never a wrong
 * answer: a flipped bit in a projection or a bucket key would still parse as a valid index that
 * returns other neighbours. It then checks every field and every table (sorted keys, consistent
 * starts, row ids in range), so even bytes with a matching checksum never cause an out-of-range read.
 */
import type { TensorColumn } from '../column/tensor.js';
import { crc32 } from '../crc32.js';
import { CorruptDataError, UnsupportedError } from '../errors.js';
import { E2LshFamily } from '../lsh/e2lsh.js';
import type { HashFamily } from '../lsh/hash-family.js';
import { MAX_SIMHASH_BITS, SimHash } from '../lsh/simhash.js';
import { type BucketTable, checkBucketTable } from './bucket-table.js';
import { LshIndex, type LshParams, MAX_E2LSH_HASHES } from './lsh-index.js';

const MAGIC = 'TSRLSH02';
/** The first version, without a checksum: refused, since its damage cannot be detected. */
const MAGIC_V1 = 'TSRLSH01';
/** Bytes before the JSON header: the magic, the checksum and the header's length. */
const PREAMBLE = MAGIC.length + 8;

type ArrayType = 'float32' | 'uint32' | 'int32';
type AnyArray = Float32Array | Uint32Array | Int32Array;

interface ArrayEntry {
  name: string;
  type: ArrayType;
  offset: number;
  length: number;
}

/** The index's parameters, hash family and tables as one byte array. */
export function encodeLshIndex(index: LshIndex): Uint8Array {
  if (!littleEndian()) throw new UnsupportedError('encodeLshIndex: big-endian platforms are not supported');
  const arrays: [string, AnyArray][] = [['projections', index.family.projections]];
  if (index.family instanceof E2LshFamily) {
    arrays.push(['offsets', index.family.offsets], ['multipliers', index.family.multipliers]);
  }
  index.buckets.forEach((b, t) => {
    arrays.push([`keys.${t}`, b.keys], [`starts.${t}`, b.starts], [`ids.${t}`, b.ids]);
  });
  // The header lists the offsets, which depend on the header's length: lay out with some slack,
  // and again until the header fits before the first array.
  const entries: ArrayEntry[] = arrays.map(([name, a]) => ({
    name,
    type: typeName(a),
    offset: 0,
    length: a.length,
  }));
  const encodeHeader = () =>
    new TextEncoder().encode(JSON.stringify({ params: index.params, arrays: entries }));
  let headerBytes = encodeHeader();
  for (;;) {
    let at = align8(PREAMBLE + headerBytes.length + 64);
    for (const e of entries) {
      e.offset = at;
      at = align8(at + e.length * 4);
    }
    headerBytes = encodeHeader();
    if (PREAMBLE + headerBytes.length <= entries[0].offset) break;
  }
  const last = entries[entries.length - 1];
  const total = align8(last.offset + last.length * 4);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(MAGIC.length + 4, headerBytes.length, true);
  out.set(headerBytes, PREAMBLE);
  arrays.forEach(([, a], i) => {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), entries[i].offset);
  });
  view.setUint32(MAGIC.length, crc32(out.subarray(MAGIC.length + 4)), true);
  return out;
}

/**
 * An index from bytes of {@link encodeLshIndex}, over `column` (the column it was built for).
 * `source` names the bytes in error messages (e.g. the file path).
 *
 * @throws CorruptDataError if the bytes are not a valid index.
 * @throws ShapeError if the column's rows or row size differ from those the index was built for.
 */
export function decodeLshIndex(bytes: Uint8Array, column: TensorColumn, source: string): LshIndex {
  const { params, family, buckets } = decodeLshParts(bytes, source);
  return new LshIndex(params, family, buckets, column);
}

/** The parts of an encoded index, checked, before it is bound to a column. */
export function decodeLshParts(
  bytes: Uint8Array,
  source: string,
): { params: LshParams; family: HashFamily; buckets: BucketTable[] } {
  const fail = (detail: string): never => {
    throw new CorruptDataError(source, `bad LSH index: ${detail}`);
  };
  if (bytes.length < PREAMBLE) fail('the file is too short');
  const magic = String.fromCharCode(...bytes.subarray(0, MAGIC.length));
  if (magic === MAGIC_V1) fail(`format ${MAGIC_V1} has no checksum; rebuild the index and save it again`);
  if (magic !== MAGIC) fail('wrong magic bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(MAGIC.length, true) !== crc32(bytes.subarray(MAGIC.length + 4)))
    fail('the checksum does not match (the bytes are damaged)');
  const headerLength = view.getUint32(MAGIC.length + 4, true);
  if (PREAMBLE + headerLength > bytes.length) fail('the header runs past the end');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREAMBLE, PREAMBLE + headerLength)));
  } catch {
    fail('the header is not JSON');
  }
  if (!isRecord(header) || !isRecord(header.params) || !Array.isArray(header.arrays))
    return fail('bad header');
  const params = checkParams(header.params, fail);
  const arrays = new Map<string, AnyArray>();
  for (const e of header.arrays as unknown[]) {
    if (!isRecord(e) || typeof e.name !== 'string') return fail('bad array entry');
    const { type } = e;
    const offset = e.offset as number;
    const length = e.length as number;
    if (type !== 'float32' && type !== 'uint32' && type !== 'int32') return fail(`bad type of ${e.name}`);
    if (!isCount(offset) || !isCount(length) || offset % 4 !== 0 || offset + length * 4 > bytes.length)
      return fail(`array ${e.name} lies outside the file`);
    arrays.set(e.name, typedView(bytes, offset, length, type));
  }
  const get = <T extends AnyArray>(name: string, ctor: new (...a: never[]) => T, length?: number): T => {
    const a = arrays.get(name);
    if (!(a instanceof ctor)) return fail(`array ${name} is missing or of the wrong type`);
    if (length !== undefined && a.length !== length)
      return fail(`array ${name} has ${a.length} values, not ${length}`);
    return a as T;
  };
  const { tables, hashes, dimensions, rows } = params;
  const projections = get('projections', Float32Array, tables * hashes * dimensions);
  let family: HashFamily;
  if (params.kind === 'simhash')
    family = new SimHash({ dim: dimensions, hashesPerTable: hashes, tables, projections });
  else {
    const offsets = get('offsets', Float32Array, tables * hashes);
    const multipliers = get('multipliers', Uint32Array, tables * hashes);
    family = new E2LshFamily(tables, hashes, dimensions, params.width, projections, offsets, multipliers);
  }
  const buckets: BucketTable[] = [];
  for (let t = 0; t < tables; t++) {
    const table = {
      keys: get(`keys.${t}`, Uint32Array),
      starts: get(`starts.${t}`, Uint32Array),
      ids: get(`ids.${t}`, Int32Array),
    };
    const problem = checkBucketTable(table, rows);
    if (problem !== null) fail(`table ${t}: ${problem}`);
    buckets.push(table);
  }
  return { params, family, buckets };
}

function checkParams(p: Record<string, unknown>, fail: (d: string) => never): LshParams {
  if (p.kind !== 'simhash' && p.kind !== 'e2lsh') fail(`unknown kind ${JSON.stringify(p.kind)}`);
  const okMetric = p.kind === 'simhash' ? p.metric === 'cosine' || p.metric === 'dot' : p.metric === 'l2';
  if (!okMetric) fail(`metric ${JSON.stringify(p.metric)} does not fit kind ${p.kind}`);
  for (const name of ['tables', 'hashes', 'dimensions'] as const)
    if (!isCount(p[name]) || (p[name] as number) < 1) fail(`bad ${name}`);
  if (!isCount(p.rows)) fail('bad rows');
  if (!Number.isSafeInteger(p.seed)) fail('bad seed');
  if ((p.hashes as number) > (p.kind === 'simhash' ? MAX_SIMHASH_BITS : MAX_E2LSH_HASHES))
    fail('too many hashes per table');
  if (typeof p.width !== 'number' || !Number.isFinite(p.width) || (p.kind === 'e2lsh' && !(p.width > 0)))
    fail('bad width');
  return {
    kind: p.kind as LshParams['kind'],
    metric: p.metric as LshParams['metric'],
    tables: p.tables as number,
    hashes: p.hashes as number,
    width: p.width as number,
    seed: p.seed as number,
    dimensions: p.dimensions as number,
    rows: p.rows as number,
  };
}

function typedView(bytes: Uint8Array, offset: number, length: number, type: ArrayType): AnyArray {
  // An unaligned view (bytes inside a larger buffer) is copied first.
  const aligned = (bytes.byteOffset + offset) % 4 === 0;
  const buffer = aligned ? bytes.buffer : bytes.slice(offset, offset + length * 4).buffer;
  const at = aligned ? bytes.byteOffset + offset : 0;
  if (type === 'float32') return new Float32Array(buffer, at, length);
  if (type === 'uint32') return new Uint32Array(buffer, at, length);
  return new Int32Array(buffer, at, length);
}

function typeName(a: AnyArray): ArrayType {
  return a instanceof Float32Array ? 'float32' : a instanceof Uint32Array ? 'uint32' : 'int32';
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function littleEndian(): boolean {
  return new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
}
