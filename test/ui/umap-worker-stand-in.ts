/**
 * A stand-in for the tab's UMAP worker (ui/src/local/umap-worker.ts) in Node, which has no Web
 * Workers (the real one runs in Chromium: test/e2e/in-tab-umap.test.ts and in-tab-analysis.test.ts):
 * it answers with the worker's own answerUmapRequest, its messages structured-cloned and delivered
 * later, as postMessage does. Install it as the global `Worker` with `vi.stubGlobal`.
 */
import type { WebWorkerEvent, WebWorkerLike } from '../../src/core/exec/web-worker-pool.js';
import { answerUmapRequest, type UmapRequest } from '../../src/core/layout/umap-run.js';

export class UmapWorkerStandIn implements WebWorkerLike {
  /** Every stand-in started, in order, with the script and options it was started with. */
  static readonly started: UmapWorkerStandIn[] = [];
  terminated = false;
  private readonly listeners = new Map<string, ((event: WebWorkerEvent) => void)[]>();

  constructor(
    readonly script: string | URL,
    readonly options: { type?: string; name?: string },
  ) {
    UmapWorkerStandIn.started.push(this);
  }

  addEventListener(type: string, listener: (event: WebWorkerEvent) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  terminate(): void {
    this.terminated = true;
  }

  postMessage(message: unknown, transfer: ArrayBuffer[]): void {
    const request = structuredClone(message, { transfer }) as UmapRequest;
    setTimeout(() =>
      answerUmapRequest(request, (reply, back) => {
        const data = structuredClone(reply, { transfer: back });
        setTimeout(() => {
          if (this.terminated) return;
          for (const listen of this.listeners.get('message') ?? []) listen({ data });
        });
      }),
    );
  }
}
