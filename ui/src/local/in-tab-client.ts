/**
 * The page's side of the in-tab backend: one worker (worker.ts), requests posted to it and their
 * replies as fetch Responses, so api.ts's `request` works unchanged over it. An aborted request
 * rejects at once (as fetch does) and tells the worker to drop its reply.
 */
import type { FolderFile, OpenedFile, PageMessage, ReplyMessage } from './protocol';

let worker: Worker | null = null;
let nextId = 1;
const waiting = new Map<number, (reply: ReplyMessage) => void>();

/** The in-tab worker, started on first use (tab-map-client.ts posts its map runs here too). */
export function inTabWorker(): Worker {
  if (worker !== null) return worker;
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'tessera-in-tab' });
  worker.onmessage = (event: MessageEvent<ReplyMessage>) => {
    const done = waiting.get(event.data.id);
    waiting.delete(event.data.id);
    done?.(event.data);
  };
  return worker;
}

function post(message: PageMessage, signal?: AbortSignal | null): Promise<ReplyMessage> {
  const w = inTabWorker();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const onAbort = () => {
      waiting.delete(message.id);
      w.postMessage({ kind: 'cancel', id: message.id } satisfies PageMessage);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    waiting.set(message.id, (reply) => {
      signal?.removeEventListener('abort', onAbort);
      resolve(reply);
    });
    w.postMessage(message);
  });
}

function abortError(): DOMException {
  return new DOMException('the request was cancelled', 'AbortError');
}

/** `fetch` for the app's API paths, answered by the worker. */
export async function inTabFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const body = typeof init.body === 'string' ? init.body : undefined;
  const message: PageMessage = {
    kind: 'api',
    id: nextId++,
    method: init.method ?? 'GET',
    url,
    ...(body !== undefined ? { body } : {}),
  };
  const reply = await post(message, init.signal);
  return new Response(reply.status === 204 ? null : reply.body, {
    status: reply.status,
    headers: { 'content-type': reply.contentType },
  });
}

/** Open `file` in the worker (it replaces what was open); a file the tab cannot read throws. */
export function openInTab(file: File): Promise<OpenedFile> {
  return opened(post({ kind: 'open', id: nextId++, file }));
}

/** Open the folder `name` (its files, paths below it) in the worker, as {@link openInTab}. */
export function openFolderInTab(name: string, files: FolderFile[]): Promise<OpenedFile> {
  return opened(post({ kind: 'open-folder', id: nextId++, name, files }));
}

async function opened(replied: Promise<ReplyMessage>): Promise<OpenedFile> {
  const reply = await replied;
  const text = new TextDecoder().decode(reply.body);
  if (reply.status !== 200) {
    const { error } = JSON.parse(text) as { error: { type: string; message: string } };
    throw Object.assign(new Error(error.message), { name: error.type });
  }
  return JSON.parse(text) as OpenedFile;
}
