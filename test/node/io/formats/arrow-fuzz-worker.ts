/**
 * Worker thread of the Arrow fuzz runs: reads each damaged file it is sent with one of the two
 * Arrow readers and reports how that went. It runs in a thread so that a reader that hangs can be
 * stopped from outside (see arrow-fuzz-runner.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parentPort } from 'node:worker_threads';
import { ParseError, TesseraError } from '../../../../src/core/errors.js';
import type { DataFrame } from '../../../../src/core/frame/frame.js';
import { readArrow, readArrowBatches } from '../../../../src/node/io/formats/arrow-ipc.js';

export type ArrowReaderName = 'readArrow' | 'readArrowBatches';

export interface ArrowTrialRequest {
  id: number;
  reader: ArrowReaderName;
  bytes: Uint8Array;
}

/** `ok` with the values read; `parse`: a ParseError naming the file; `typed`: another Tessera error. */
export type ArrowTrialReply =
  | { id: number; kind: 'ok'; print: string }
  | { id: number; kind: 'parse' | 'typed' | 'other'; message: string };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-arrow-fuzz-'));
let files = 0;

async function trial({ id, reader, bytes }: ArrowTrialRequest): Promise<ArrowTrialReply> {
  const file = path.join(dir, `f${files++}.arrow`);
  fs.writeFileSync(file, bytes);
  try {
    const frames: DataFrame[] = [];
    if (reader === 'readArrow') frames.push(await readArrow(file));
    else for await (const df of readArrowBatches(file)) frames.push(df);
    return { id, kind: 'ok', print: fingerprint(frames) };
  } catch (e) {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    if (e instanceof ParseError && e.file === file) return { id, kind: 'parse', message };
    return { id, kind: e instanceof TesseraError ? 'typed' : 'other', message };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** A frame's names and values as text, so two reads can be compared (NaN, bigint, dates kept). */
export function fingerprint(frames: readonly DataFrame[]): string {
  const names = frames[0]?.columnNames ?? [];
  const columns = names.map((name) =>
    frames.flatMap((df) => Array.from(df.column(name).toArray() as ArrayLike<unknown>)),
  );
  return JSON.stringify({ names, columns }, (_key, v) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, String);
    return v;
  });
}

parentPort?.on('message', async (request: ArrowTrialRequest | 'exit') => {
  if (request === 'exit') {
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
  parentPort?.postMessage(await trial(request));
});
