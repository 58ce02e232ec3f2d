// The server's UMAP thread (started by umap-layout.ts): it answers the one layout it is asked for
// with the run the tab's UMAP worker runs too (core/layout/umap-run.ts), then ends.
import { parentPort } from 'node:worker_threads';
import { answerUmapRequest, type UmapRequest } from '../../core/layout/umap-run.js';

const port = parentPort;
if (port === null) throw new Error('umap-worker runs only as the worker thread of a UMAP layout');

port.once('message', (request: UmapRequest) =>
  answerUmapRequest(request, (reply, transfer) => port.postMessage(reply, transfer)),
);
