/**
 * The in-tab worker: holds the opened file or folder as a frame and answers the app's API over it (in-tab-api.ts),
 * so filters, sorts and searches never run on the page's thread. A cancelled request's reply is
 * dropped (a view it made is dropped too); a sort in progress yields between steps, so other
 * requests, cancellations included, are served meanwhile.
 */
import { yieldToEventLoop } from '../../../src/core/exec/event-loop-yield.js';
import { errorReply, InTabApi, type InTabReply } from './in-tab-api';
import { frameOfFile } from './open-file';
import { frameOfFolder } from './open-folder';
import type { OpenedFile, PageMessage, ReplyMessage } from './protocol';
import { runTabMap } from './tab-map';
import { isTabMapMessage } from './tab-map-protocol';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<PageMessage>) => void) | null;
  postMessage(message: ReplyMessage, transfer: Transferable[]): void;
};

let api: InTabApi | null = null;
const cancelled = new Set<number>();

scope.onmessage = (event) => {
  const message = event.data;
  if (isTabMapMessage(message)) return void runTabMap(message, api?.frame ?? null);
  if (message.kind === 'cancel') {
    cancelled.add(message.id);
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

async function answer(message: Exclude<PageMessage, { kind: 'cancel' }>): Promise<InTabReply> {
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

/** A view made for a request the page gave up on: nobody will drop it, so drop it now. */
function dropMadeView(message: PageMessage, reply: InTabReply): void {
  if (message.kind !== 'api' || message.method !== 'POST' || reply.status !== 201 || api === null) return;
  const { id } = JSON.parse(new TextDecoder().decode(reply.body)) as { id: string };
  void api.handle('DELETE', `api/views/${encodeURIComponent(id)}`, undefined);
}
