/**
 * Whether the client of a request is still there. A route that makes something kept by id (a view)
 * must not keep it for a client that closed its connection before the reply (a superseded request
 * the browser aborted, a closed tab): nobody could ever use or drop it.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Resolves once the event loop has polled for I/O, so that a connection closed while the server
 * was busy (a long synchronous step) has been seen. Two turns: a setImmediate from within the poll
 * phase still runs before the next poll.
 */
export function afterIoPoll(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

/** Whether the request's connection closed before its reply was sent. */
export function clientGone(request: FastifyRequest, reply: FastifyReply): boolean {
  const socket = request.raw.socket as { destroyed?: boolean } | null | undefined;
  return !reply.raw.writableEnded && (socket?.destroyed === true || reply.raw.destroyed);
}

/**
 * Calls `undo` if the client of `request` is gone once `polled` (an {@link afterIoPoll}) resolves,
 * or goes before its reply is sent; true when it is gone already (the reply can be skipped).
 */
export async function undoIfClientGoes(
  request: FastifyRequest,
  reply: FastifyReply,
  polled: Promise<void>,
  undo: () => void,
): Promise<boolean> {
  await polled;
  if (clientGone(request, reply)) {
    undo();
    return true;
  }
  reply.raw.once('close', () => {
    if (!reply.raw.writableEnded) undo();
  });
  return false;
}
