/**
 * Server-sent events that tell every open page (each browser tab) that the dataset has a new
 * version, so a tab refreshes what it shows after another tab's edit. Pages listen on
 * GET /api/versions/events; each commit sends one `version` event to all of them.
 */
import { PassThrough } from 'node:stream';

/** What a `version` event says: the new version and what changed. */
export interface VersionEvent {
  version: number;
  operation: string;
  /** Columns whose data changed (edited, added, restored or dropped). */
  columns: string[];
  /** Cells changed (rows of the edited column), null when not known. */
  rows: number | null;
}

export class VersionEvents {
  private readonly streams = new Set<PassThrough>();

  /** A new event stream (its first event: the current version, when there is one). */
  open(current: number | null): PassThrough {
    const stream = new PassThrough();
    this.streams.add(stream);
    stream.on('close', () => this.streams.delete(stream));
    // A comment first, so the browser sees the stream open at once.
    stream.write(`: tessera versions\n\n`);
    if (current !== null) stream.write(frame('current', { version: current }));
    return stream;
  }

  /** Tell every open stream about a new version. */
  publish(event: VersionEvent): void {
    const text = frame('version', event);
    for (const s of this.streams) s.write(text);
  }

  /** End every stream (the server is closing). */
  close(): void {
    for (const s of this.streams) s.end();
    this.streams.clear();
  }
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
