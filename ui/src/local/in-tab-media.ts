/**
 * The media routes of the app's API answered in the in-tab worker from the opened folder's files
 * (the same paths, queries and replies as the server's routes/media.ts and routes/thumbnails.ts):
 * `GET api/media/:column/:row` gives the file's bytes, typed by their magic number, and
 * `GET api/thumbnails/:column/:row?size=N` a JPEG thumbnail of an image cell, made in the worker
 * (image-thumbnail.ts) and kept in a bounded in-memory cache. The page shows them through blob
 * URLs (in-tab-media-urls.ts), which also let <audio> and <video> seek.
 */
import { LruCache } from '../../../src/core/column/lru-cache.js';
import { InvalidArgumentError, ResourceNotFoundError } from '../../../src/core/errors.js';
import type { DataFrame } from '../../../src/core/frame/frame.js';
import { CONTENT_TYPE_HEAD_BYTES, contentTypeOfBytes } from '../../../src/core/io/media-content-type.js';
import { imageThumbnail } from './image-thumbnail';
import type { InTabReply } from './in-tab-api';
import type { FolderFiles } from './open-folder';

/** The path below the folder of the file behind a media cell (throws a typed error when there is none). */
export type MediaPathOf = (frame: DataFrame, column: string, row: number) => string;

/** Thumbnail sizes the server's route takes. */
const MIN_SIZE = 16;
const MAX_SIZE = 1024;
/** Thumbnails kept: at most this many, and this many bytes. */
const CACHED_THUMBNAILS = 4096;
const CACHED_THUMBNAIL_BYTES = 32 * 2 ** 20;

export class InTabMedia {
  private readonly thumbnails = new LruCache<Uint8Array, string>(CACHED_THUMBNAILS, CACHED_THUMBNAIL_BYTES);
  /** Thumbnails being made, so a second request for one waits for the first. */
  private readonly making = new Map<string, Promise<Uint8Array>>();

  constructor(
    private readonly frame: DataFrame,
    private readonly files: FolderFiles,
    private readonly pathOf: MediaPathOf,
  ) {}

  /** Whether `route` (`GET api/<name>`) with `segments` after it is one of the media routes. */
  static handles(route: string, segments: number): boolean {
    return (route === 'GET api/media' || route === 'GET api/thumbnails') && segments === 4;
  }

  /** Answer `GET api/<what>/:column/:row` with query `q`. */
  async answer(what: string, column: string, rowText: string, q: URLSearchParams): Promise<InTabReply> {
    const row = Number(rowText);
    if (rowText === '' || !Number.isInteger(row) || row < 0)
      throw new InvalidArgumentError(`the row must be an integer >= 0; got ${JSON.stringify(rowText)}`);
    if (what === 'media') {
      onlyParams(q, ['token']);
      return this.bytes(column, row);
    }
    onlyParams(q, ['size', 'token']);
    const sizeText = q.get('size');
    const size = sizeText === null ? 128 : Number(sizeText);
    if (!Number.isInteger(size) || size < MIN_SIZE || size > MAX_SIZE)
      throw new InvalidArgumentError(
        `"size" must be an integer from ${MIN_SIZE} to ${MAX_SIZE}; got ${JSON.stringify(sizeText)}`,
      );
    return this.thumbnail(column, row, size);
  }

  private fileOf(column: string, row: number): { path: string; file: File } {
    const path = this.pathOf(this.frame, column, row);
    const file = this.files.get(path);
    if (file === undefined)
      throw new ResourceNotFoundError(`the media file of this cell (${path}) is not in the folder`);
    return { path, file };
  }

  private async bytes(column: string, row: number): Promise<InTabReply> {
    const { file } = this.fileOf(column, row);
    const body = new Uint8Array(await file.arrayBuffer());
    return { status: 200, contentType: contentTypeOfBytes(body.subarray(0, CONTENT_TYPE_HEAD_BYTES)), body };
  }

  private async thumbnail(column: string, row: number, size: number): Promise<InTabReply> {
    const kind = this.frame.schema.find((f) => f.name === column)?.type;
    const { path, file } = this.fileOf(column, row);
    if (kind?.kind === 'deferred' && kind.media !== 'image')
      throw new ResourceNotFoundError(
        `column "${column}" holds ${kind.media}: in the tab only images have thumbnails (the app's server makes the others)`,
      );
    const key = `${path}\0${size}`;
    let bytes = this.thumbnails.get(key);
    if (bytes === undefined) {
      let made = this.making.get(key);
      if (made === undefined) {
        made = imageThumbnail(file, path, size).finally(() => this.making.delete(key));
        this.making.set(key, made);
      }
      bytes = await made;
      this.thumbnails.set(key, bytes);
    }
    return { status: 200, contentType: 'image/jpeg', body: bytes };
  }
}

/** A query with a parameter the route does not take is refused, as the server's schemas refuse it. */
function onlyParams(q: URLSearchParams, allowed: readonly string[]): void {
  for (const name of q.keys())
    if (!allowed.includes(name))
      throw new InvalidArgumentError(
        `unknown query parameter "${name}"; this route takes ${allowed.join(', ')}`,
      );
}
