/**
 * `output: { path }` of map, update and embed: tensor rows streamed in row order to an `.npy` file
 * (numpy's `np.load` reads it) as batches complete, with block checksums beside it (`PATH.crc`, and
 * `PATH.validity` when some rows are null). The result is a {@link MappedTensorColumn} over the
 * file, so a result larger than memory never has to be held. Files are written under temporary
 * names and renamed when complete: a failed or cancelled run leaves nothing behind.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getBit, markNull } from '../../core/column/bitmap.js';
import type { Column } from '../../core/column/column.js';
import type { TensorColumn } from '../../core/column/tensor.js';
import type { TensorDType } from '../../core/column/types.js';
import {
  InvalidArgumentError,
  LengthMismatchError,
  TypeMismatchError,
  UnsupportedError,
} from '../../core/errors.js';
import type { TensorOutput, TensorSink } from '../../core/exec/output-sink.js';
import type { FileEntry } from '../../core/io/store/manifest.js';
import { TENSOR_BYTES } from '../../core/io/store/manifest.js';
import { npyHeader } from '../../core/io/store/npy.js';
import { crc32 } from '../io/store/checksum.js';
import { FileSink } from '../io/store/file-io.js';
import { tempPath } from '../io/store/layout.js';
import { MappedTensorColumn } from '../io/store/mapped-tensor.js';
import { CHECKSUM_BLOCK_BYTES } from '../io/store/write-fragments.js';

type Expected = { dtype: TensorDType; shape: readonly number[] };

/** Open an `.npy` sink for `rows` rows at `target.path`. */
export async function openNpySink(
  target: TensorOutput,
  rows: number,
  expected?: Expected,
): Promise<TensorSink> {
  if (typeof target?.path !== 'string' || target.path === '')
    throw new InvalidArgumentError('output needs a path, e.g. output: { path: "vectors.npy" }');
  if (os.endianness() !== 'LE')
    throw new UnsupportedError('writing .npy outputs needs a little-endian machine');
  const file = path.resolve(target.path);
  if (!target.overwrite && fs.existsSync(file))
    throw new InvalidArgumentError(
      `${file} already exists; pass output: { path, overwrite: true } to replace it`,
    );
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  return new NpySink(file, rows, expected);
}

class NpySink implements TensorSink {
  private type: Expected | null;
  private data: FileSink | null = null;
  private readonly dataTemp: string;
  private written = 0;
  private rowBytes = 0;
  private rowsPerBlock = 1;
  private headerBytes = 0;
  private sums: number[] = [];
  /** CRC of the block being filled and its bytes so far. */
  private blockCrc = 0;
  private blockFill = 0;
  private validity: Uint8Array | null = null;
  private readonly temps: string[] = [];

  constructor(
    private readonly file: string,
    private readonly rows: number,
    expected: Expected | undefined,
  ) {
    this.type = expected ? { dtype: expected.dtype, shape: [...expected.shape] } : null;
    this.dataTemp = tempPath(file);
  }

  async write(batch: TensorColumn): Promise<void> {
    if (this.data === null) await this.start(batch);
    const type = this.type as Expected;
    if (batch.dtype !== type.dtype || !sameShape(batch.shape, type.shape))
      throw new TypeMismatchError(
        `rows ${this.written} to ${this.written + batch.length - 1} are ${batch.dtype}[${batch.shape.join(', ')}], ` +
          `but the file holds ${type.dtype}[${type.shape.join(', ')}]; every batch must give rows of one type and shape`,
      );
    if (this.written + batch.length > this.rows)
      throw new LengthMismatchError(`more rows than the ${this.rows} the output was opened for`);
    const d = batch.data;
    const bytes = new Uint8Array(d.buffer, d.byteOffset, batch.length * this.rowBytes);
    this.sumBlocks(bytes);
    if (batch.validity !== null && batch.nullCount > 0)
      for (let i = 0; i < batch.length; i++)
        if (!getBit(batch.validity, i)) this.validity = markNull(this.validity, this.rows, this.written + i);
    await (this.data as FileSink).write(bytes);
    this.written += batch.length;
  }

  async finish(): Promise<Column> {
    try {
      if (this.data === null) await this.start(null);
      if (this.written !== this.rows)
        throw new LengthMismatchError(`the output got ${this.written} rows of the ${this.rows} expected`);
      if (this.blockFill > 0) this.sums.push(this.blockCrc);
      const data = this.data as FileSink;
      await data.close(false);
      const sums = new Uint32Array(this.sums);
      const checksums = await this.sideFile('.crc', new Uint8Array(sums.buffer));
      const validity = this.validity === null ? null : await this.sideFile('.validity', this.validity);
      // Side files first, the data file last: a complete .npy always has its checksums beside it.
      if (validity === null) await fs.promises.rm(`${this.file}.validity`, { force: true });
      for (const [temp, final] of this.renames) await fs.promises.rename(temp, final);
      await fs.promises.rename(this.dataTemp, this.file);
      const type = this.type as Expected;
      return new MappedTensorColumn(path.dirname(this.file), { kind: 'tensor', ...type }, [
        {
          rows: this.rows,
          data: {
            path: path.basename(this.file),
            bytes: data.bytes,
            headerBytes: this.headerBytes,
            rowsPerBlock: this.rowsPerBlock,
            checksums,
          },
          validity,
        },
      ]);
    } catch (e) {
      await this.abort();
      throw e;
    }
  }

  async abort(): Promise<void> {
    await this.data?.abort();
    await Promise.all(this.temps.map((t) => fs.promises.rm(t, { force: true })));
  }

  private readonly renames: [string, string][] = [];

  /** A side file (`PATH.crc`, `PATH.validity`) under a temporary name, renamed at the end. */
  private async sideFile(suffix: string, bytes: Uint8Array): Promise<FileEntry> {
    const final = `${this.file}${suffix}`;
    const temp = tempPath(final);
    this.temps.push(temp);
    const sink = await FileSink.create(temp);
    await sink.write(bytes);
    await sink.close(false);
    this.renames.push([temp, final]);
    return { path: path.basename(final), bytes: sink.bytes, crc32: sink.crc };
  }

  /** Create the data file and write its header; the first batch (or `expected`) fixes the type. */
  private async start(first: TensorColumn | null) {
    this.type ??= first ? { dtype: first.dtype, shape: [...first.shape] } : { dtype: 'float32', shape: [] };
    const { dtype, shape } = this.type;
    this.rowBytes = shape.reduce((a, b) => a * b, 1) * TENSOR_BYTES[dtype];
    this.rowsPerBlock =
      this.rowBytes === 0 ? 1 : Math.max(1, Math.floor(CHECKSUM_BLOCK_BYTES / this.rowBytes));
    const header = npyHeader(dtype, [this.rows, ...shape]);
    this.headerBytes = header.length;
    this.sums.push(crc32(header));
    this.temps.push(this.dataTemp);
    this.data = await FileSink.create(this.dataTemp, false);
    await this.data.write(header);
  }

  /** Fold bytes into the running block checksums (blocks of `rowsPerBlock` rows, as the store reads them). */
  private sumBlocks(bytes: Uint8Array) {
    const blockBytes = this.rowsPerBlock * this.rowBytes;
    let at = 0;
    while (at < bytes.length) {
      const take = Math.min(blockBytes - this.blockFill, bytes.length - at);
      this.blockCrc = crc32(bytes.subarray(at, at + take), this.blockCrc);
      this.blockFill += take;
      at += take;
      if (this.blockFill === blockBytes) {
        this.sums.push(this.blockCrc);
        this.blockCrc = 0;
        this.blockFill = 0;
      }
    }
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
