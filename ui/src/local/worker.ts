/**
 * The in-tab worker: holds the opened file or folder as a frame and answers the app's API over it (in-tab-api.ts),
 * so filters, sorts, searches, map layouts and slices never run on the page's thread. A cancelled
 * request's reply is dropped (a view it made is dropped too); a sort in progress yields between
 * steps, and UMAP runs in a Web Worker of its own (in-tab-umap.ts), so other requests, cancellations
 * included, are served meanwhile. A followed event stream (a layout's progress) is posted as event
 * messages until it ends or is cancelled.
 */
import { yieldToEventLoop } from '../../../src/core/exec/event-loop-yield.js';
import { errorReply, InTabApi, type InTabReply } from './in-tab-api.js';
import { frameOfFile } from './open-file.js';
import { frameOfFolder } from './open-folder.js';
import type { OpenedFile, PageMessage, WorkerMessage } from './protocol.js';
import { runTabMap } from './tab-map.js';
import { isTabMapMessage } from './tab-map-protocol.js';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<PageMessage>) => void) | null;
  postMessage(message: WorkerMessage, transfer?: Transferable[]): void;
};

let api: InTabApi | null = null;
const cancelled = new Set<number>();
/** The event streams followed, by request id: each one's stop. */
const following = new Map<number, () => void>();

scope.onmessage = (event) => {
  const message = event.data;
  if (isTabMapMessage(message)) return void runTabMap(message, api?.frame ?? null);
  if (message.kind === 'cancel') {
    const stop = following.get(message.id);
    if (stop !== undefined) {
      following.delete(message.id);
      stop();
    } else cancelled.add(message.id);
    return;
  }
  if (message.kind === 'follow') {
    follow(message.id, message.url);
    return;
  }
  void answer(message).then((reply) => {
    if (cancelled.delete(message.id)) {
      dropMadeView(message, reply);
      return;
    }
    // A copy of exactly the body's bytes, transferred (not copied again) to the page.
    const body = reply.body.slice().buffer;
    scope.postMessage({ kind: 'reply', id: message.id, ...reply, body }, [body]);
  });
};

async function answer(message: Exclude<PageMessage, { kind: 'cancel' | 'follow' }>): Promise<InTabReply> {
  if (cancelled.has(message.id)) return errorReply(new Error('cancelled'));
  if (message.kind === 'open' || message.kind === 'open-folder') {
    try {
      const { frame, format, files } =
        message.kind === 'open'
          ? {
              ...(await frameOfFile(new Uint8Array(await message.file.arrayBuffer()), message.file.name)),
              files: null,
            }
          : await frameOfFolder(message.files, message.name);
      const name = message.kind === 'open' ? message.file.name : message.name;
      api?.close();
      api = new InTabApi(frame, { kind: format, name }, files);
      const opened: OpenedFile = { name, format, rows: frame.length, columns: frame.columnNames.length };
      return {
        status: 200,
        contentType: 'application/json',
        body: new TextEncoder().encode(JSON.stringify(opened)),
      };
    } catch (e) {
      return errorReply(e);
    }
  }
  if (api === null) return errorReply(new Error('no file is open in this tab yet'));
  if (message.method === 'POST') {
    // A filter or a search may hold the thread for a while: first read the messages already queued,
    // so a request superseded while an earlier one ran is cancelled before it starts.
    await yieldToEventLoop();
    if (cancelled.has(message.id)) return errorReply(new Error('cancelled'));
  }
  return api.handle(message.method, message.url, message.body);
}

/** Post the events of stream `url` (a map layout's progress) until it ends or the page cancels it. */
function follow(id: number, url: string): void {
  const post = (event: string, data: unknown, end: boolean) =>
    scope.postMessage({ kind: 'event', id, event, data, end });
  if (api === null) {
    post('failed', { name: '', message: 'no file is open in this tab yet' }, true);
    return;
  }
  following.set(id, () => {}); // until follow returns its stop (events may come at once)
  const stop = api.analysis.follow(
    url,
    ({ event, data }) => {
      if (following.has(id)) post(event, data, false);
    },
    () => {
      if (following.delete(id)) post('end', null, true);
    },
  );
  if (following.has(id)) following.set(id, stop);
}

/** A view made for a request the page gave up on: nobody will drop it, so drop it now. */
function dropMadeView(message: PageMessage, reply: InTabReply): void {
  if (message.kind !== 'api' || message.method !== 'POST' || reply.status !== 201 || api === null) return;
  const { id } = JSON.parse(new TextDecoder().decode(reply.body)) as { id: string };
  void api.handle('DELETE', `api/views/${encodeURIComponent(id)}`, undefined);
}
