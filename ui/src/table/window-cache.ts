/**
 * Row windows of the current frame or view, fetched in aligned blocks: a small LRU of blocks, and
 * an AbortController per fetch so that blocks scrolled past before they arrive are cancelled.
 */
import { fetchWindow, type RowWindow } from '../api';

export const BLOCK_ROWS = 128;
const MAX_BLOCKS = 48;

export class WindowCache {
  private readonly blocks = new Map<number, RowWindow>();
  private readonly inFlight = new Map<number, AbortController>();

  /**
   * @param source the view id, or null for the frame itself
   * @param onLoad called when a block arrives (the table redraws)
   * @param onError called when a fetch fails (not when it is cancelled)
   * @param preview 1-D tensor cells as this many [min, max] buckets (a sparkline's), not their values
   */
  constructor(
    private readonly source: string | null,
    private readonly columns: readonly string[],
    private readonly onLoad: () => void,
    private readonly onError: (e: unknown) => void,
    private readonly preview?: number,
  ) {}

  /** The cell of column `name` at position `row`, undefined while its block is not here. */
  value(name: string, row: number): unknown {
    return this.block(row)?.columns.get(name)?.[row % BLOCK_ROWS];
  }

  /** The frame row number behind position `row` (a view's positions differ from frame rows). */
  frameRow(row: number): number | undefined {
    return this.block(row)?.frameRows[row % BLOCK_ROWS];
  }

  has(row: number): boolean {
    return this.blocks.has(Math.floor(row / BLOCK_ROWS));
  }

  private block(row: number): RowWindow | undefined {
    const b = Math.floor(row / BLOCK_ROWS);
    const hit = this.blocks.get(b);
    if (hit !== undefined) {
      // Map order is the LRU order: move to the back.
      this.blocks.delete(b);
      this.blocks.set(b, hit);
    }
    return hit;
  }

  /** Make rows [first, end) arrive; cancel fetches of blocks no longer wanted. */
  want(first: number, end: number, totalRows: number): void {
    const wanted = new Set<number>();
    const last = Math.min(end, totalRows) - 1;
    for (let b = Math.floor(first / BLOCK_ROWS); b <= Math.floor(last / BLOCK_ROWS); b++) wanted.add(b);
    for (const [b, controller] of this.inFlight)
      if (!wanted.has(b)) {
        controller.abort();
        this.inFlight.delete(b);
      }
    for (const b of wanted) {
      if (this.blocks.has(b) || this.inFlight.has(b)) continue;
      const controller = new AbortController();
      this.inFlight.set(b, controller);
      const start = b * BLOCK_ROWS;
      fetchWindow(
        this.source,
        start,
        Math.min(totalRows, start + BLOCK_ROWS),
        this.columns,
        controller.signal,
        this.preview,
      )
        .then((window) => {
          if (controller.signal.aborted) return;
          this.inFlight.delete(b);
          this.blocks.set(b, window);
          while (this.blocks.size > MAX_BLOCKS) this.blocks.delete(this.blocks.keys().next().value as number);
          this.onLoad();
        })
        .catch((e: unknown) => {
          if (controller.signal.aborted) return;
          this.inFlight.delete(b);
          this.onError(e);
        });
    }
  }

  /** Cancel everything in flight (the view was replaced). */
  dispose(): void {
    for (const controller of this.inFlight.values()) controller.abort();
    this.inFlight.clear();
  }

  get loading(): boolean {
    return this.inFlight.size > 0;
  }
}
