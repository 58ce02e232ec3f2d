/**
 * The messages of a scalar fragment's Arrow IPC file (format 2), built straight from a column's
 * buffers: the head, one record batch per block, and the tail with the footer. Arrow JS's writer
 * assembles, copies and re-slices each batch through several layers (costly for thousands of
 * small batches); here only each batch's header is encoded (by Arrow JS), and its body is views of
 * the column's memory (only string offsets are rebased to start at zero, and bitmaps are sliced at
 * whole bytes). The layout is the one Arrow JS's file writer gives: any Arrow reader reads it.
 */
import * as arrow from 'apache-arrow';
import { FileBlock, Footer } from 'apache-arrow/ipc/metadata/file';
import { BufferRegion, FieldNode, RecordBatch } from 'apache-arrow/ipc/metadata/message';
import { bitmapBytes, countSetBits, sliceBitmap } from '../../../core/column/bitmap.js';
import type { ScalarColumn } from '../../../core/column/scalar.js';

const MAGIC = new TextEncoder().encode('ARROW1');
const PADDING = new Uint8Array(8);

/** The file's first bytes: the magic and two bytes of padding. */
export function ipcHead(): Uint8Array {
  const head = new Uint8Array(8);
  head.set(MAGIC);
  return head;
}

/** A message header, framed as the IPC format frames it (continuation, length, padding to 8). */
function framed(message: arrow.Message): Uint8Array {
  const header = arrow.Message.encode(message);
  const size = (header.byteLength + 8 + 7) & ~7;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setInt32(0, -1, true);
  view.setInt32(4, size - 8, true);
  out.set(header, 8);
  return out;
}

/** One record batch message: its framed header, then its body buffers each padded to 8 bytes. */
export interface BatchMessage {
  chunks: Uint8Array[];
  /** The batch's entry in the footer (its offset is set by the caller). */
  metaDataLength: number;
  bodyLength: number;
}

/** Rows `[start, start + length)` of `col` (`start` a multiple of 8) as one record batch message. */
export function batchMessage(col: ScalarColumn, start: number, length: number): BatchMessage {
  const validity = col.validity === null ? null : sliceBitmap(col.validity, start, length);
  const nulls = validity === null ? 0 : length - countSetBits(validity, length);
  const buffers: Uint8Array[] = [nulls > 0 ? validity!.subarray(0, bitmapBytes(length)) : new Uint8Array(0)];
  if (col.dtype === 'string') {
    const offsets = col.offsets!;
    const first = offsets[start];
    const rebased = new Int32Array(length + 1);
    for (let i = 0; i <= length; i++) rebased[i] = offsets[start + i] - first;
    buffers.push(
      new Uint8Array(rebased.buffer),
      (col.values as Uint8Array).subarray(first, offsets[start + length]),
    );
  } else if (col.dtype === 'bool')
    buffers.push(sliceBitmap(col.values as Uint8Array, start, length).subarray(0, bitmapBytes(length)));
  else {
    const values = col.values;
    const width = values.BYTES_PER_ELEMENT;
    buffers.push(new Uint8Array(values.buffer, values.byteOffset + start * width, length * width));
  }
  const regions: BufferRegion[] = [];
  const chunks: Uint8Array[] = [];
  let bodyLength = 0;
  for (const b of buffers) {
    const padded = (b.byteLength + 7) & ~7;
    regions.push(new BufferRegion(bodyLength, padded));
    if (b.byteLength > 0) chunks.push(b);
    if (padded > b.byteLength) chunks.push(PADDING.subarray(0, padded - b.byteLength));
    bodyLength += padded;
  }
  const header = new RecordBatch(length, [new FieldNode(length, nulls)], regions, null);
  const message = framed(arrow.Message.from(header, bodyLength) as arrow.Message);
  return { chunks: [message, ...chunks], metaDataLength: message.byteLength, bodyLength };
}

/** The file's last bytes: end-of-stream marker, footer (schema and `batches`), footer length, magic. */
export function ipcTail(schema: arrow.Schema, batches: readonly FileBlock[]): Uint8Array {
  const footer = Footer.encode(new Footer(schema, arrow.MetadataVersion.V5, batches as FileBlock[], []));
  const out = new Uint8Array(8 + footer.byteLength + 4 + MAGIC.length);
  const view = new DataView(out.buffer);
  view.setInt32(0, -1, true);
  view.setInt32(4, 0, true);
  out.set(footer, 8);
  view.setInt32(8 + footer.byteLength, footer.byteLength, true);
  out.set(MAGIC, 12 + footer.byteLength);
  return out;
}

/** The IPC schema message of `schema`, as a stream starts with it (kept in the block index). */
export function schemaMessage(schema: arrow.Schema): Uint8Array {
  return framed(arrow.Message.from(schema) as arrow.Message);
}

export { FileBlock };
