/**
 * Typed errors: every error class of the library lives here. Every error says what was wrong and
 * what to do about it, and every one extends {@link TesseraError} so callers can catch the
 * library's errors apart from their own. The worker protocol rebuilds any class exported here by
 * name, so a new class crosses thread boundaries intact without further changes.
 */
export class TesseraError extends Error {
  /**
   * Whether another attempt may succeed. Most of Tessera's errors (a wrong output shape, a missing
   * column, a cancelled run) fail the same way every time, so a run ends at once with the error
   * unchanged; the transient ones (a worker thread that died) set this to true.
   */
  static readonly retryable: boolean = false;

  /**
   * Whether the error is about the input at particular rows (a media file that is missing, does not
   * decode, is too large or leads out of its folder) rather than about the operation. Another try
   * gives the same, so a batched run (map, embed) that meets one fails at once, with a
   * {@link BatchFailedError} that names the rows and has this error as its cause.
   */
  static readonly aboutInput: boolean = false;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Whether a failed batch is worth another try: decided by the error's class for Tessera's errors;
 * anything else (the user's function threw, the file system failed) may be intermittent, so yes.
 */
export function isRetryable(error: unknown): boolean {
  if (error instanceof TesseraError) return (error.constructor as typeof TesseraError).retryable;
  return true;
}

/** Whether `error` is about the input at particular rows (see {@link TesseraError.aboutInput}). */
export function isAboutInput(error: unknown): boolean {
  return error instanceof TesseraError && (error.constructor as typeof TesseraError).aboutInput;
}

/** Levenshtein distance, used to suggest the name the user probably meant. */
function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The closest candidate to `name`, if one is close enough to be a likely typo. */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = c.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

export class ColumnNotFoundError extends TesseraError {
  constructor(
    readonly column: string,
    readonly available: readonly string[],
  ) {
    const guess = suggest(column, available);
    super(
      `no column "${column}"` +
        (guess !== undefined
          ? `; did you mean "${guess}"?`
          : `; the frame has ${available.length ? available.map((n) => `"${n}"`).join(', ') : 'no columns'}`),
    );
  }
}

export class LengthMismatchError extends TesseraError {}
export class TypeMismatchError extends TesseraError {}
export class DuplicateKeyError extends TesseraError {}
export class DuplicateColumnError extends TesseraError {}
export class IndexOutOfRangeError extends TesseraError {
  constructor(
    readonly index: number,
    readonly length: number,
  ) {
    super(
      length === 0
        ? `index ${index} is out of range: the frame is empty`
        : `index ${index} is out of range for length ${length} (valid: 0 to ${length - 1}, or -${length} to -1 from the end)`,
    );
  }
}
/** An argument that is not valid for the operation (bad option, negative count, ...). */
export class InvalidArgumentError extends TesseraError {}

/** An operation that this build or environment cannot do (e.g. writing files in the browser). */
export class UnsupportedError extends TesseraError {}

/**
 * A dataset file that is missing, truncated, fails its checksum or cannot be parsed. `file` is the
 * path of the damaged file.
 */
export class CorruptDataError extends TesseraError {
  constructor(
    readonly file: string,
    /** What is wrong with the file, without the advice (the message has both). */
    readonly detail: string,
  ) {
    super(
      `corrupt dataset file ${file}: ${detail}. The file changed or was damaged after it was written; ` +
        'restore it from a copy, or read an earlier version with read(path, { version })',
    );
  }
}

/** No Tessera dataset (no committed manifest) at a path. */
export class DatasetNotFoundError extends TesseraError {
  constructor(
    readonly path: string,
    detail = 'there is no manifest.json',
  ) {
    super(`no Tessera dataset at ${path}: ${detail}; create one with write(df, path) or df.write(path)`);
  }
}

/** A dataset version that does not exist (never committed, or removed by vacuum). */
export class VersionNotFoundError extends TesseraError {
  constructor(
    readonly version: number,
    readonly available: readonly number[],
    path: string,
  ) {
    super(
      `dataset ${path} has no version ${version}; ` +
        (available.length
          ? `available versions: ${available.join(', ')} (versions() lists them)`
          : 'it has no readable versions'),
    );
  }
}

/** A deferred column's function name that has not been registered in this process. */
export class FunctionNotRegisteredError extends TesseraError {
  constructor(
    readonly functionName: string,
    column?: string,
  ) {
    super(
      `${column === undefined ? 'a deferred column' : `column "${column}"`} is computed by the function ` +
        `"${functionName}", which is not registered in this process; call registerFunction("${functionName}", ` +
        'factory) before reading its values (Tessera never runs code stored in a dataset)',
    );
  }
}

/** A path template (e.g. `${DATA_ROOT}/images`) that names an environment variable that is not set. */
export class MissingVariableError extends TesseraError {
  constructor(
    readonly variable: string,
    readonly template: string,
  ) {
    super(
      `the path template "${template}" needs the environment variable ${variable}, which is not set; ` +
        `set it (e.g. ${variable}=/path/to/data) or pass { env: { ${variable}: '...' } }`,
    );
  }
}

/**
 * Another writer holds a dataset's write lock past the caller's `lockTimeoutMs`, or committed the
 * version this write was about to commit; nothing was committed, so the write can be retried.
 */
export class ConcurrentWriteError extends TesseraError {}

/**
 * A saved search index that was built over other rows than its column holds now (rows were appended
 * since): it must be rebuilt before it is used, since it would silently miss the new rows.
 */
export class StaleIndexError extends TesseraError {}

/**
 * Malformed input to an importer (CSV, JSON, Arrow IPC, Parquet): `file` is the path (or `<bytes>`
 * for in-memory input), `line` the 1-based line (or row) where it went wrong when known, and the
 * message says what was expected there.
 */
export class ParseError extends TesseraError {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly detail: string,
  ) {
    super(`cannot parse ${file}${line === null ? '' : `, line ${line}`}: ${detail}`);
  }
}

/**
 * A batch of a `map`, `filter`, `update` or `embed` that kept failing: rows `[start, end)` failed
 * `attempts` times; `cause` is the last failure (the function's error, or a worker that died).
 */
export class BatchFailedError extends TesseraError {
  /**
   * @param rows the frame's rows whose input failed, where known (an input error located in the
   * batch); otherwise the whole batch `[start, end)` is named.
   */
  constructor(
    readonly start: number,
    readonly end: number,
    readonly attempts: number,
    override readonly cause: unknown,
    readonly rows?: readonly number[],
  ) {
    const where =
      rows === undefined || rows.length === 0
        ? `rows [${start}, ${end})`
        : `${rows.length === 1 ? 'row' : 'rows'} ${rows.join(', ')} (of the batch [${start}, ${end}))`;
    super(
      `${where} failed ${attempts} time${attempts === 1 ? '' : 's'}: ` +
        `${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}; ` +
        (isAboutInput(cause)
          ? 'fix or remove the input at these rows (e.g. filter them out) and run again'
          : 'fix the function for these rows (or raise `retries` if the failure is intermittent)'),
    );
  }
}

/**
 * The rows of one batch whose input could not be read (`rows` count from the batch's first row),
 * with the first such error as `cause`. Thrown where a batch's inputs are loaded; the executor
 * reports it as a {@link BatchFailedError} that names the frame's rows.
 */
export class RowsFailedError extends TesseraError {
  static override readonly aboutInput = true;

  constructor(
    readonly rows: readonly number[],
    override readonly cause: unknown,
  ) {
    super(
      `${rows.length === 1 ? 'row' : 'rows'} ${rows.join(', ')} of the batch: ` +
        `${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`,
    );
  }
}

/** A run that was cancelled (its signal aborted, or its worker pool closed). */
export class AbortedError extends TesseraError {}

/**
 * A worker thread that stopped while computing a batch (it exited, crashed or ran out of memory):
 * the batch is retried on a fresh thread. `exitCode` is the thread's exit code when it exited.
 */
export class WorkerCrashedError extends TesseraError {
  static override readonly retryable = true;

  constructor(
    readonly exitCode: number | null,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(detail, options);
  }
}

/** An array whose length does not match the shape it was passed with, or an invalid dimension. */
export class ShapeError extends TesseraError {}

/** ONNX Runtime failed to build or run a kernel graph. */
export class OrtKernelError extends TesseraError {}

/**
 * A model that could not be loaded or run: a missing or damaged file, an output name it does not
 * have, inputs of a shape it does not take. The message names the model file or folder.
 */
export class ModelError extends TesseraError {
  constructor(
    readonly model: string,
    detail: string,
  ) {
    super(`model ${model}: ${detail}`);
  }
}

/** A media path that is absolute or leaves its base directory (`..`). */
export class PathEscapeError extends TesseraError {
  static override readonly aboutInput = true;

  constructor(
    readonly mediaPath: string,
    readonly baseDir: string,
  ) {
    super(
      `media path "${mediaPath}" escapes the base directory ${baseDir}: paths must be relative and stay ` +
        'inside baseDir (no absolute paths, no ".." out of it); move the files under baseDir or set baseDir to a directory that holds them',
    );
  }
}

/**
 * A stored media column whose base directory lies outside the dataset's own directory and outside
 * every root the reader granted: a dataset from someone else must not read files elsewhere.
 */
export class MediaRootNotGrantedError extends TesseraError {
  constructor(
    readonly baseDir: string,
    readonly datasetRoot: string,
  ) {
    super(
      `a stored media column reads from ${baseDir}, outside the dataset ${datasetRoot}; if you trust ` +
        `this dataset, grant the directory with read(path, { mediaRoots: [${JSON.stringify(baseDir)}] })`,
    );
  }
}

/**
 * A media file, or the decoded value asked for, over a size limit (or a file that is not a regular
 * file, such as a device or a FIFO): refused before reading or allocating.
 */
export class MediaLimitError extends TesseraError {
  static override readonly aboutInput = true;

  constructor(
    readonly source: string,
    detail: string,
  ) {
    super(`refusing ${source}: ${detail}`);
  }
}

/** A media file whose format (or variant of a format) this loader does not read. */
export class UnsupportedMediaError extends TesseraError {
  static override readonly aboutInput = true;
}

/** A media file that claims a supported format but cannot be parsed (truncated, bad header). */
export class MediaDecodeError extends TesseraError {
  static override readonly aboutInput = true;

  constructor(
    readonly source: string,
    detail: string,
  ) {
    super(`cannot decode ${source}: ${detail}`);
  }
}

/** An external program (ffmpeg, ffprobe) that a loader needs and that is not installed. */
export class ToolNotFoundError extends TesseraError {
  constructor(
    readonly tool: string,
    purpose: string,
  ) {
    super(
      `${purpose} needs the program "${tool}", which is not installed (not found on PATH); ` +
        `install it (Debian/Ubuntu: apt-get install -y ffmpeg) and retry`,
    );
  }
}

/** No Chromium to drive (the app's check and browser tests): the path given does not exist. */
export class BrowserNotFoundError extends TesseraError {
  constructor(readonly executablePath: string) {
    super(
      `no Chromium at ${executablePath}; install it (Debian/Ubuntu: apt-get install -y chromium) or give its path with --browser PATH`,
    );
  }
}

/** `tessera demo --check` found the app not working: the page showed no rows or no thumbnail in time. */
export class AppCheckError extends TesseraError {}

/**
 * A request the app's server refuses: a Host or Origin that is not the server's own (DNS rebinding,
 * a cross-site request), a missing or wrong token, or a file outside what the open dataset serves.
 */
export class AccessDeniedError extends TesseraError {}

/** A request for something the app's server does not have: an unknown route, view or media cell. */
export class ResourceNotFoundError extends TesseraError {}

/** A byte range (HTTP `Range`) that lies wholly outside the file it asks for. */
export class RangeNotSatisfiableError extends TesseraError {}

/**
 * A computed cell (a deferred column's value at a row) that the app's server did not get within its
 * time limit; the computation goes on and its result is cached, so asking again later may succeed.
 */
export class CellTimeoutError extends TesseraError {
  static override readonly retryable = true;
}

/**
 * An encoder that cannot be named or built: a column that does not record which encoder made its
 * vectors (so a new query cannot be encoded the same way), or a name no encoder is registered as.
 */
export class EncoderNotKnownError extends TesseraError {}

/** A request body of a content type the route does not take (HTTP 415). */
export class UnsupportedContentTypeError extends TesseraError {}

/** A request body larger than the route allows (HTTP 413). */
export class PayloadTooLargeError extends TesseraError {}

/**
 * An edit refused because what it would change has changed since the client saw it (another tab or
 * process edited the same cell, or undo was asked of a version that is no longer the newest). Nothing
 * was written: reload, look, and edit again.
 */
export class ConflictError extends TesseraError {}

/**
 * A write refused because the app's server, or what it opened, cannot be written: a `--read-only`
 * server, or a source that is not a stored Tessera dataset (a CSV, Parquet or image folder).
 */
export class ReadOnlyError extends TesseraError {}
