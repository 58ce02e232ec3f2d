/**
 * A dropped or picked file as a frame, in the worker: Arrow IPC (file or stream format) through
 * apache-arrow, Parquet through parquet-wasm (its WebAssembly module is a separate asset vite
 * emits, fetched once on the first Parquet file), CSV and TSV through the core's CSV parser (the one
 * `tessera app` reads them with). Tessera dataset folders come later.
 */
import { tableFromIPC } from 'apache-arrow';
import { ParseError } from '../../../src/core/errors.js';
import { DataFrame } from '../../../src/core/frame/frame.js';
import { parseCsv } from '../../../src/core/io/csv-parse.js';
import type { InTabFormat } from './protocol.js';

const PARQUET_MAGIC = 'PAR1';
const ARROW_FILE_MAGIC = 'ARROW1';
/** An Arrow IPC stream begins with a continuation marker (0xFFFFFFFF) before its schema message. */
const ARROW_STREAM_MARKER = 0xffffffff;
/** Rows per batch parquet-wasm makes: large, so a file becomes one batch per row group. */
const PARQUET_BATCH_ROWS = 1 << 24;

/** Text formats have no magic number: their file name's extension names them (as `tessera app` does). */
const TEXT_EXTENSIONS: Record<string, InTabFormat> = { '.csv': 'csv', '.tsv': 'csv' };

/**
 * The format of `bytes` by their magic numbers (the file name may lie or be missing), else, for
 * text, by the file name's extension.
 */
export function detectFormat(bytes: Uint8Array, name: string): InTabFormat {
  const text = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (
    bytes.length >= 8 &&
    text(0, 4) === PARQUET_MAGIC &&
    text(bytes.length - 4, bytes.length) === PARQUET_MAGIC
  )
    return 'parquet';
  if (text(0, 6) === ARROW_FILE_MAGIC) return 'arrow';
  if (
    bytes.length >= 8 &&
    new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true) === ARROW_STREAM_MARKER
  )
    return 'arrow';
  const byName = TEXT_EXTENSIONS[extension(name)];
  if (byName !== undefined) return byName;
  throw new ParseError(
    name,
    null,
    'the tab reads Parquet, Arrow IPC and CSV (.csv, .tsv) files; this is none of them (JSON and dataset folders need `tessera app PATH` for now)',
  );
}

/** The frame in `bytes` (a file named `name`) and its format. */
export async function frameOfFile(
  bytes: Uint8Array,
  name: string,
): Promise<{ frame: DataFrame; format: InTabFormat }> {
  const format = detectFormat(bytes, name);
  if (format === 'csv')
    return {
      frame: parseCsv(bytes, { file: name, delimiter: extension(name) === '.tsv' ? '\t' : ',' }),
      format,
    };
  const ipc = format === 'parquet' ? await parquetToIpc(bytes, name) : bytes;
  try {
    return { frame: DataFrame.fromArrow(tableFromIPC(ipc)), format };
  } catch (e) {
    throw new ParseError(name, null, e instanceof Error ? e.message : String(e));
  }
}

/** `.csv` of `data.CSV`; empty without a dot. */
function extension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot).toLowerCase();
}

async function parquetToIpc(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  const parquet = await parquetWasm();
  try {
    return parquet.readParquet(bytes, { batchSize: PARQUET_BATCH_ROWS }).intoIPCStream();
  } catch (e) {
    throw new ParseError(name, null, e instanceof Error ? e.message : String(e));
  }
}

type ParquetWasm = typeof import('parquet-wasm/esm');
let loading: Promise<ParquetWasm> | null = null;

/** parquet-wasm, initialised once with the wasm asset vite emitted beside the bundle. */
function parquetWasm(): Promise<ParquetWasm> {
  loading ??= (async () => {
    const [module, { default: wasmUrl }] = await Promise.all([
      import('parquet-wasm/esm'),
      import('parquet-wasm/esm/parquet_wasm_bg.wasm?url'),
    ]);
    await module.default({ module_or_path: wasmUrl });
    return module;
  })();
  return loading;
}
