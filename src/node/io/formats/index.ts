/**
 * Import and export: CSV, JSON / JSON lines, Arrow IPC (file and stream), Parquet. Each format has
 * `readX(path)` → DataFrame, `writeX(df, path)`, in-memory `parseX` / `formatX`, and, where the
 * format allows reading a part at a time, `readXBatches(path)`: an async iterator of frames.
 * Malformed input is a {@link ParseError} naming the file and, where known, the line.
 */

export type { TextEncodingName } from '../../../core/io/text-encoding.js';
export {
  type ArrowReadOptions,
  type ArrowWriteOptions,
  arrowTableToFrame,
  formatArrow,
  parseArrow,
  readArrow,
  readArrowBatches,
  writeArrow,
} from './arrow-ipc.js';
export {
  CsvParser,
  type CsvReadOptions,
  type CsvWriteOptions,
  formatCsv,
  parseCsv,
  readCsv,
  readCsvBatches,
  writeCsv,
} from './csv.js';
export { type HuggingFaceOptions, readHuggingFace } from './hugging-face.js';
export { IMAGE_EXTENSIONS, type ImageFolderOptions, readImageFolder } from './image-folder.js';
export {
  type JsonLinesBatchOptions,
  type JsonReadOptions,
  jsonRecords,
  parseJson,
  readJson,
  readJsonLines,
  readJsonLinesBatches,
  writeJson,
  writeJsonLines,
} from './json.js';
export {
  formatParquet,
  type ParquetBatchOptions,
  type ParquetReadOptions,
  type ParquetWriteOptions,
  parseParquet,
  readParquet,
  readParquetBatches,
  writeParquet,
} from './parquet.js';
