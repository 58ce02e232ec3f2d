/**
 * The structure of Arrow IPC data checked before Arrow JS reads it: every message's framing, body
 * size, buffers and row counts against the bytes there are and against the schema, dictionary ids,
 * and a file's footer against its messages. Arrow JS trusts these numbers, and corrupt ones can
 * make it loop for ever, allocate without bound, or read the wrong bytes; checked first, they
 * cannot. The whole-file reader ({@link checkedTable}) and the streaming one ({@link
 * checkedMessages}, which reads only framing and headers) run the same checks.
 */
import type { FileHandle } from 'node:fs/promises';
import * as arrow from 'apache-arrow';
import { Footer } from 'apache-arrow/ipc/metadata/file';
import { ByteBuffer } from 'flatbuffers';
import { ParseError } from '../../../core/errors.js';
import { batchLayoutProblem } from '../../../core/io/arrow-ipc-layout.js';
import { readAt } from './file.js';

/**
 * Arrow JS decodes message headers with `flatbuffers`, trusting the length of every vector in
 * them: a corrupt length (up to 2^31) makes it build arrays of that size, which hangs the
 * process. A vector cannot hold more entries than the buffer has bytes, so longer ones are
 * rejected here (this changes nothing for valid data).
 */
const vectorLength = ByteBuffer.prototype.__vector_len;
if (!(vectorLength as { checked?: boolean }).checked) {
  const checked = function (this: ByteBuffer, offset: number): number {
    const n = vectorLength.call(this, offset);
    if (!(n >= 0 && n <= this.capacity()))
      throw new RangeError(`a flatbuffer vector of ${n} entries is longer than its buffer`);
    return n;
  };
  (checked as { checked?: boolean }).checked = true;
  ByteBuffer.prototype.__vector_len = checked;
}

const ARROW_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"

/**
 * An Arrow table from IPC bytes (file or stream format), after checking every message's framing,
 * body size and row counts against the bytes there are, and that a file's footer points at those
 * messages. Arrow JS trusts these numbers, and corrupt ones can make it loop for ever or allocate
 * without bound; checked first, they cannot.
 */
export function checkedTable(bytes: Uint8Array, file: string): arrow.Table {
  const n = bytes.length;
  const isFile = ARROW_MAGIC.every((m, k) => bytes[k] === m);
  const limit = isFile ? footerStartOf(bytes.subarray(Math.max(0, n - 10)), n, file) : n;
  const footer = isFile ? footerOf(bytes.subarray(limit), file) : null;
  const scan = new MessageScan(isFile ? 8 : 0, limit, file, footer?.schema ?? null);
  for (;;) {
    const frame = scan.frame(bytes.subarray(scan.pos, Math.min(scan.pos + 8, limit)));
    if (frame === null) break;
    scan.check(bytes.subarray(frame.header, frame.header + frame.headerLength), frame);
  }
  if (!isFile) return arrow.tableFromIPC(bytes.subarray(0, scan.end));
  checkFooterBlocks(footer!, scan, file);
  return new arrow.Table(arrow.RecordBatchReader.from(bytes).readAll());
}

/** Where the footer of the Arrow IPC file of `size` bytes starts, from its last 10 bytes. */
function footerStartOf(tail: Uint8Array, size: number, file: string): number {
  if (size < 18 || tail.length !== 10 || !ARROW_MAGIC.every((m, k) => tail[4 + k] === m))
    throw new ParseError(
      file,
      null,
      'not a valid Arrow IPC file: it does not end with "ARROW1" (truncated?)',
    );
  const footerLength = new DataView(tail.buffer, tail.byteOffset, 10).getInt32(0, true);
  const footerStart = size - 10 - footerLength;
  if (footerLength <= 0 || footerStart < 8)
    throw new ParseError(file, null, `not a valid Arrow IPC file: bad footer length ${footerLength}`);
  return footerStart;
}

/** The decoded footer of an Arrow IPC file (`footer`: its bytes from its start to the end of the file). */
function footerOf(footer: Uint8Array, file: string): Footer {
  try {
    return Footer.decode(footer.subarray(0, footer.length - 10));
  } catch (e) {
    const why = (e as Error).message;
    throw new ParseError(file, null, `not a valid Arrow IPC file: its footer cannot be decoded (${why})`);
  }
}

/**
 * The whole-file reader reads the batches the footer points at, the streaming one the messages in
 * order: both must be the same, so the footer's blocks must point, in order, at the batch messages.
 */
function checkFooterBlocks(footer: Footer, scan: MessageScan, file: string): void {
  const lists: [string, Iterable<{ offset: number | bigint }>, number[]][] = [
    ['record batch', footer.recordBatches(), scan.recordBatchStarts],
    ['dictionary batch', footer.dictionaryBatches(), scan.dictionaryBatchStarts],
  ];
  for (const [what, blocks, starts] of lists) {
    const offsets = Array.from(blocks, (b) => Number(b.offset));
    const k = offsets.findIndex((at, i) => at !== starts[i]);
    if (k >= 0 || offsets.length !== starts.length)
      throw new ParseError(
        file,
        null,
        `not a valid Arrow IPC file: its footer lists ${offsets.length} ${what}es${
          k >= 0 ? `, the ${k + 1}. at byte ${offsets[k]}` : ''
        }, its messages ${starts.length}${k >= 0 && k < starts.length ? ` (that one at byte ${starts[k]})` : ''}`,
      );
  }
}

function schemaText(schema: arrow.Schema): string {
  const field = (f: arrow.Field): unknown => [
    f.name,
    String(f.type),
    f.nullable,
    [...f.metadata],
    (f.type.children ?? []).map(field),
  ];
  return JSON.stringify([schema.fields.map(field), [...schema.metadata]]);
}

/** A message whose framing and header were checked: where its header lies and how long its body is. */
export interface CheckedMessage {
  kind: arrow.MessageHeader;
  /** Where its header starts in the file, or its header's bytes where it is not in the file. */
  header: number;
  bytes?: Uint8Array;
  headerLength: number;
  bodyLength: number;
}

/**
 * Checks the messages of Arrow IPC data one by one from `start` up to an end-of-stream marker or
 * `limit`: each must lie within the data, start with a schema, and have batches whose row counts,
 * buffers, column count and dictionary ids fit the body and the schema. Each message moves `pos`
 * forward by at least 8 bytes, so a scan ends.
 */
class MessageScan {
  readonly messages: CheckedMessage[] = [];
  readonly recordBatchStarts: number[] = [];
  readonly dictionaryBatchStarts: number[] = [];
  /** Where the next message starts; after the scan, where the checked part ends. */
  pos: number;
  end: number;

  constructor(
    start: number,
    private readonly limit: number,
    private readonly file: string,
    /** A file's schema (from its footer), or null for a stream, whose first message is its schema. */
    private schema: arrow.Schema | null,
  ) {
    this.pos = start;
    this.end = start;
  }

  private bad(what: string): ParseError {
    const at = `message ${this.messages.length} at byte ${this.pos}`;
    return new ParseError(this.file, null, `not valid Arrow IPC data: ${at} ${what}`);
  }

  /** Where the next message's header lies, from its first 8 bytes (fewer near `limit`); null at the end. */
  frame(prefix: Uint8Array): { header: number; headerLength: number } | null {
    this.end = this.pos;
    if (this.pos === this.limit) return null; // a stream may end without a marker
    const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
    if (prefix.length < 4) throw this.bad('is cut off');
    let len = view.getInt32(0, true);
    let header = this.pos + 4;
    if (len === -1) {
      if (prefix.length < 8) throw this.bad('is cut off');
      len = view.getInt32(4, true);
      header = this.pos + 8;
    }
    if (len === 0) {
      // The end-of-stream marker, which ends the data (a file's footer follows it): one that comes
      // earlier is a damaged length that would silently drop the batches after it.
      if (header !== this.limit)
        throw this.bad(`ends the stream ${this.limit - header} bytes before the data ends`);
      this.end = header;
      return null;
    }
    if (len < 0 || header + len > this.limit)
      throw this.bad(`has a header of ${len} bytes, beyond the end of the data`);
    return { header, headerLength: len };
  }

  /** Check the message framed by `frame` from its header bytes, and move past it. */
  check(headerBytes: Uint8Array, frame: { header: number; headerLength: number }): void {
    let message: arrow.Message;
    try {
      message = arrow.Message.decode(headerBytes);
    } catch (e) {
      throw this.bad(`has a header that cannot be decoded (${(e as Error).message})`);
    }
    const bodyStart = frame.header + frame.headerLength;
    const body = Number(message.bodyLength);
    if (!Number.isSafeInteger(body) || body < 0 || bodyStart + body > this.limit)
      throw this.bad(`has a body of ${message.bodyLength} bytes, beyond the end of the data`);
    // Writers pad headers and bodies to multiples of 8 bytes (the format requires it).
    if (bodyStart % 8 !== 0 || body % 8 !== 0)
      throw this.bad(`has a header of ${frame.headerLength} and a body of ${body} bytes, not aligned to 8`);
    if (message.isSchema()) {
      if (this.messages.length > 0) throw this.bad('is a second schema');
      if (this.schema !== null && schemaText(message.header()) !== schemaText(this.schema))
        throw this.bad("is a schema that differs from the file's footer");
      this.schema = message.header();
    } else if (this.schema === null) throw this.bad('is not a schema');
    else if (message.isRecordBatch()) {
      this.checkBatch(message.header(), body, this.schema.fields);
      this.recordBatchStarts.push(this.pos);
    } else if (message.isDictionaryBatch()) {
      const id = message.header().id;
      const type = this.schema.dictionaries.get(Number(id));
      if (type === undefined) throw this.bad(`is a dictionary with id ${id}, which the schema does not have`);
      this.checkBatch(message.header().data, body, [new arrow.Field(`dictionary ${id}`, type)]);
      this.dictionaryBatchStarts.push(this.pos);
    } else throw this.bad(`has an unknown kind (${message.headerType})`);
    this.messages.push({
      kind: message.headerType,
      header: frame.header,
      headerLength: frame.headerLength,
      bodyLength: body,
    });
    this.pos = bodyStart + body;
  }

  private checkBatch(batch: RecordBatchHeader, body: number, fields: readonly arrow.Field[]): void {
    const nodes = fieldNodes(fields);
    if (batch.nodes.length !== nodes)
      throw this.bad(`has ${batch.nodes.length} column nodes where the schema has ${nodes}`);
    // Every row takes at least a bit of some buffer; allow slack for all-null and empty columns.
    const maxRows = Math.max(4096, body * 8);
    const rows = Number(batch.length);
    if (!Number.isSafeInteger(rows) || rows < 0 || rows > maxRows)
      throw this.bad(`claims ${batch.length} rows`);
    for (const node of batch.nodes) {
      const count = Number(node.length);
      const nulls = Number(node.nullCount);
      if (!(count >= 0 && count <= maxRows && nulls >= 0 && nulls <= count))
        throw this.bad(`has a column of ${node.length} rows`);
    }
    // Writers lay buffers out in order, each at a multiple of 8 bytes (the format requires it).
    let end = 0;
    for (const b of batch.buffers) {
      const off = Number(b.offset);
      const blen = Number(b.length);
      if (!(off >= 0 && blen >= 0 && off + blen <= body)) throw this.bad('has a buffer outside its body');
      if (off % 8 !== 0 || off < end) throw this.bad(`has a buffer at byte ${off} of its body, out of place`);
      end = off + blen;
    }
    const problem = batchLayoutProblem(batch, fields);
    if (problem !== null) throw this.bad(`does not fit its schema: ${problem}`);
  }
}

type RecordBatchHeader = ReturnType<arrow.Message<arrow.MessageHeader.RecordBatch>['header']>;

/** How many field nodes a batch of these fields has: one per field and per child, none for a dictionary's values. */
function fieldNodes(fields: readonly arrow.Field[]): number {
  let n = 0;
  for (const f of fields)
    n += 1 + (arrow.DataType.isDictionary(f.type) ? 0 : fieldNodes(f.type.children ?? []));
  return n;
}

/**
 * The messages of the Arrow IPC file or stream open in `handle`, each checked as
 * {@link checkedTable} checks them, reading only their framing and headers.
 */
export async function checkedMessages(handle: FileHandle, file: string): Promise<readonly CheckedMessage[]> {
  const size = (await handle.stat()).size;
  const read = async (at: number, length: number) => {
    const bytes = new Uint8Array(length);
    await readAt(handle, bytes, at);
    return bytes;
  };
  if (size < 8) throw new ParseError(file, null, 'expected Arrow IPC data, found fewer than 8 bytes');
  const head = await read(0, 8);
  const isFile = ARROW_MAGIC.every((m, k) => head[k] === m);
  const limit = isFile
    ? footerStartOf(await read(Math.max(0, size - 10), Math.min(10, size)), size, file)
    : size;
  const footer = isFile ? footerOf(await read(limit, size - limit), file) : null;
  const scan = new MessageScan(isFile ? 8 : 0, limit, file, footer?.schema ?? null);
  for (;;) {
    const frame = scan.frame(await read(scan.pos, Math.min(8, limit - scan.pos)));
    if (frame === null) break;
    scan.check(await read(frame.header, frame.headerLength), frame);
  }
  if (footer === null) return scan.messages;
  checkFooterBlocks(footer, scan, file);
  // Arrow JS writes a file's schema only in its footer; the stream read needs it up front.
  if (scan.messages[0]?.kind === arrow.MessageHeader.Schema) return scan.messages;
  const bytes = arrow.Message.encode(arrow.Message.from(footer.schema));
  const schema = {
    kind: arrow.MessageHeader.Schema,
    header: -1,
    headerLength: bytes.length,
    bodyLength: 0,
    bytes,
  };
  return [schema, ...scan.messages];
}
