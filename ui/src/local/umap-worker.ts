/**
 * The tab's UMAP worker, started by the in-tab worker for each UMAP layout (in-tab-umap.ts): the
 * layout's first phase (the nearest-neighbour graph) and its epochs run here, in a thread of their
 * own, so the in-tab worker keeps answering row windows, sorts and filters meanwhile. The run is
 * core's (src/core/layout/umap-run.ts), the one the server's UMAP thread runs.
 */
import { answerUmapRequest, type UmapReply, type UmapRequest } from '../../../src/core/layout/umap-run.js';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<UmapRequest>) => void) | null;
  postMessage(message: UmapReply, transfer: ArrayBuffer[]): void;
};

scope.onmessage = (event) =>
  answerUmapRequest(event.data, (reply, transfer) => scope.postMessage(reply, transfer));
