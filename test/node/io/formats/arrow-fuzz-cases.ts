/**
 * Damaged Arrow IPC files for the fuzz test of both Arrow readers and its one-off trial script:
 * small valid files (file and stream format, several column kinds, a dictionary, two batches), the
 * byte ranges of their value buffers, and seeded single-bit or single-byte damage.
 */
import * as arrow from 'apache-arrow';
import { formatArrow } from '../../../../src/index.js';
import { frameOf } from '../../../helpers/arbitrary.js';

export interface ArrowSample {
  name: string;
  bytes: Uint8Array;
}

/** The valid files the damage starts from. */
export function arrowSamples(): ArrowSample[] {
  const rows = Array.from({ length: 12 }, (_, i) => ({
    int: i % 5 === 1 ? null : i * 7 - 20,
    float: i % 4 === 2 ? null : i / 3,
    str: i % 6 === 3 ? null : `s${i}${'é'.repeat(i % 3)}`,
    bool: i % 7 === 4 ? null : i % 2 === 0,
    vec: i % 8 === 5 ? null : [i, -i],
    obj: i % 9 === 6 ? null : { k: i },
  }));
  const tessera = frameOf(rows);
  const dict = new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32(), 0);
  const table = new arrow.Table({
    label: arrow.vectorFromArray(
      Array.from({ length: 12 }, (_, i) => (i === 2 ? null : ['cat', 'dog', 'bird'][i % 3])),
      dict,
    ),
    small: arrow.vectorFromArray(
      Array.from({ length: 12 }, (_, i) => i - 3),
      new arrow.Int16(),
    ),
    at: arrow.vectorFromArray(
      Array.from({ length: 12 }, (_, i) => i * 1_000_001),
      new arrow.TimestampMicrosecond(),
    ),
  });
  // Two record batches that share one dictionary.
  const twoBatches = table.slice(0, 5).concat(table.slice(5));
  return [
    { name: 'tessera.arrow', bytes: formatArrow(tessera) },
    { name: 'tessera.arrows', bytes: formatArrow(tessera, { format: 'stream' }) },
    { name: 'dictionary.arrow', bytes: arrow.tableToIPC(twoBatches, 'file') },
    { name: 'dictionary.arrows', bytes: arrow.tableToIPC(twoBatches, 'stream') },
  ];
}

/** Byte ranges `[start, end)` in an undamaged file where damage can change what it reads without a trace. */
export interface DamageRegions {
  /** The buffers of record and dictionary batches: values, validity bits and offsets. */
  values: [number, number][];
  /** The text of the schema (field names, metadata keys and values) in schema messages and footer. */
  text: [number, number][];
  /** The schema's encoding: schema messages, and a file's footer (which holds the schema). */
  schema: [number, number][];
}

export function damageRegions(bytes: Uint8Array): DamageRegions {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const isFile = bytes[0] === 0x41 && bytes[1] === 0x52;
  let pos = isFile ? 8 : 0;
  const values: [number, number][] = [];
  const schemas: [number, number][] = [];
  let schema: arrow.Schema | null = null;
  while (pos + 8 <= bytes.length) {
    let len = view.getInt32(pos, true);
    let header = pos + 4;
    if (len === -1) {
      len = view.getInt32(pos + 4, true);
      header = pos + 8;
    }
    if (len <= 0) break;
    const message = arrow.Message.decode(bytes.subarray(header, header + len));
    const bodyStart = header + len;
    if (message.isSchema()) {
      schema = message.header();
      schemas.push([header, bodyStart]);
    }
    if (message.isRecordBatch() || message.isDictionaryBatch()) {
      const batch = message.isRecordBatch() ? message.header() : message.header().data;
      for (const b of batch.buffers)
        if (Number(b.length) > 0)
          values.push([bodyStart + Number(b.offset), bodyStart + Number(b.offset) + Number(b.length)]);
    }
    pos = bodyStart + Number(message.bodyLength);
  }
  if (isFile) {
    schema = arrow.tableFromIPC(bytes).schema;
    schemas.push([pos, bytes.length - 10]);
  }
  const strings = new Set<string>();
  const collect = (fields: readonly arrow.Field[]) => {
    for (const f of fields) {
      strings.add(f.name);
      for (const [k, v] of f.metadata) strings.add(k).add(v);
      collect(f.type.children ?? []);
    }
  };
  if (schema) {
    collect(schema.fields);
    for (const [k, v] of schema.metadata) strings.add(k).add(v);
  }
  // Flatbuffer strings: a 4-byte length, then the bytes.
  const text: [number, number][] = [];
  for (const s of strings) {
    const utf8 = new TextEncoder().encode(s);
    if (utf8.length === 0) continue;
    for (const [from, to] of schemas)
      for (let at = from + 4; at + utf8.length <= to; at++)
        if (view.getUint32(at - 4, true) === utf8.length && utf8.every((b, k) => bytes[at + k] === b))
          text.push([at, at + utf8.length]);
  }
  return { values, text, schema: schemas };
}

/** One piece of damage: flip bit `bit` of byte `at`, or overwrite the byte with `byte`. */
export type Damage = { at: number; bit: number } | { at: number; byte: number };

export function damaged(bytes: Uint8Array, d: Damage): Uint8Array {
  const out = bytes.slice();
  out[d.at] = 'bit' in d ? out[d.at] ^ (1 << d.bit) : d.byte;
  return out;
}

/** `count` seeded pieces of damage for a file of `length` bytes: three bit flips to one byte overwrite. */
export function damages(length: number, count: number, rand: () => number): Damage[] {
  return Array.from({ length: count }, (_, k) => {
    const at = Math.floor(rand() * length);
    return k % 4 === 3 ? { at, byte: Math.floor(rand() * 256) } : { at, bit: Math.floor(rand() * 8) };
  });
}
