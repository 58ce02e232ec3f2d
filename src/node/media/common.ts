/**
 * The typed errors of the media loaders: a path that leaves its base directory, a format no loader
 * reads, a file that cannot be decoded, and a missing external program.
 */
import { TesseraError } from '../../core/errors.js';

/** A media path that is absolute or leaves its base directory (`..`). */
export class PathEscapeError extends TesseraError {
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

/** A media file whose format (or variant of a format) this loader does not read. */
export class UnsupportedMediaError extends TesseraError {}

/** A media file that claims a supported format but cannot be parsed (truncated, bad header). */
export class MediaDecodeError extends TesseraError {
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
