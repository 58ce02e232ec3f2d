/**
 * The structure checks of the Arrow readers on valid files that Arrow JS does not write itself,
 * and the streaming reader's checks coming before its first batch.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { FileBlock, Footer } from 'apache-arrow/ipc/metadata/file';
import { afterAll, describe, expect, it } from 'vitest';
import { type DataFrame, ParseError, readArrow, readArrowBatches } from '../../../../src/index.js';
import { arrowSamples } from './arrow-fuzz-cases.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-arrow-structure-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * The Arrow IPC file of `stream` as Arrow C++ (pyarrow) writes it: the stream, schema message
 * included (Arrow JS leaves it out and keeps the schema only in the footer), then the footer.
 */
function fileWithSchemaMessage(stream: Uint8Array): Uint8Array {
  const view = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
  const records: FileBlock[] = [];
  const dictionaries: FileBlock[] = [];
  let schema: arrow.Schema | null = null;
  let pos = 0;
  for (;;) {
    const len = view.getInt32(pos + 4, true);
    if (len === 0) break;
    const message = arrow.Message.decode(stream.subarray(pos + 8, pos + 8 + len));
    const block = new FileBlock(8 + len, message.bodyLength, 8 + pos);
    if (message.isSchema()) schema = message.header();
    else (message.isRecordBatch() ? records : dictionaries).push(block);
    pos += 8 + len + Number(message.bodyLength);
  }
  const footer = Footer.encode(new Footer(schema!, arrow.MetadataVersion.V5, records, dictionaries));
  const magic = new TextEncoder().encode('ARROW1');
  const length = new Uint8Array(4);
  new DataView(length.buffer).setInt32(0, footer.length, true);
  return Uint8Array.from([...magic, 0, 0, ...stream, ...footer, ...length, ...magic]);
}

async function batches(file: string): Promise<DataFrame[]> {
  const out: DataFrame[] = [];
  for await (const df of readArrowBatches(file)) out.push(df);
  return out;
}

describe('Arrow IPC structure', () => {
  it('reads a file whose schema comes first as a message (as Arrow C++ writes), with either reader', async () => {
    for (const sample of arrowSamples().filter((s) => s.name.endsWith('.arrows'))) {
      const file = path.join(dir, `${sample.name}-cpp.arrow`);
      fs.writeFileSync(file, fileWithSchemaMessage(sample.bytes));
      const streamFile = path.join(dir, sample.name);
      fs.writeFileSync(streamFile, sample.bytes);
      const expected = (await readArrow(streamFile)).toRecords();
      expect((await readArrow(file)).toRecords()).toEqual(expected);
      expect((await batches(file)).flatMap((df) => df.toRecords())).toEqual(expected);
    }
  });

  it('readArrowBatches checks the whole file before its first batch', async () => {
    const sample = arrowSamples().find((s) => s.name === 'dictionary.arrows')!;
    // Cut the file inside its last record batch: the first batch is intact, but nothing is read.
    const file = path.join(dir, 'cut.arrows');
    fs.writeFileSync(file, sample.bytes.subarray(0, sample.bytes.length - 20));
    const seen: DataFrame[] = [];
    const read = async () => {
      for await (const df of readArrowBatches(file)) seen.push(df);
    };
    await expect(read()).rejects.toThrow(ParseError);
    await expect(read()).rejects.toThrow(file);
    expect(seen).toEqual([]);
  });
});
