/**
 * Computed cells of the page: the cells of deferred (non-media) columns, asked for when they come
 * into sight, sent to the server in one request per column for all the rows wanted within a frame,
 * and kept per (column, row) for the page's life (bounded), so the table and the row detail share
 * them and scrolling back never asks again. A cell scrolled past before its request left is not asked.
 */
import { SvelteMap } from 'svelte/reactivity';
import { ApiError, type ComputedCell, computeCells } from '../api';

export type ComputedState =
  | { status: 'pending' }
  | { status: 'done'; cell: ComputedCell }
  | { status: 'failed'; type: string; message: string };

/** Most rows in one request (the server takes at most 512). */
const BATCH_ROWS = 256;
/** Most cells kept; the oldest go first. */
const MAX_CELLS = 20_000;

export class ComputedCells {
  // Reactive per key: a cell's view redraws when its own state changes.
  private readonly states = new SvelteMap<string, ComputedState>();
  /** Rows wanted but not yet asked for, per column, with how many views want each. */
  private readonly queued = new Map<string, Map<number, number>>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly compute: (
      column: string,
      rows: readonly number[],
    ) => Promise<ComputedCell[]> = computeCells,
    /** How long wanted rows gather before one request leaves (ms). */
    private readonly gatherMs = 16,
  ) {}

  /** The state of (column, row), undefined while nobody has asked for it. */
  state(column: string, row: number): ComputedState | undefined {
    return this.states.get(key(column, row));
  }

  /**
   * Ask for (column, row); the returned function withdraws the ask if its request has not left yet
   * (the cell scrolled out of sight first).
   */
  want(column: string, row: number): () => void {
    if (this.states.has(key(column, row))) return () => {};
    let rows = this.queued.get(column);
    if (rows === undefined) {
      rows = new Map();
      this.queued.set(column, rows);
    }
    rows.set(row, (rows.get(row) ?? 0) + 1);
    this.timer ??= setTimeout(() => this.flush(), this.gatherMs);
    return () => {
      const count = rows.get(row);
      if (count === undefined) return;
      if (count > 1) rows.set(row, count - 1);
      else rows.delete(row);
    };
  }

  /** Forget a failed cell and ask again. */
  retry(column: string, row: number): void {
    this.states.delete(key(column, row));
    this.want(column, row);
  }

  private flush(): void {
    this.timer = null;
    for (const [column, wanted] of this.queued) {
      const rows = [...wanted.keys()];
      wanted.clear();
      for (let s = 0; s < rows.length; s += BATCH_ROWS) this.request(column, rows.slice(s, s + BATCH_ROWS));
    }
    this.queued.clear();
  }

  private request(column: string, rows: number[]): void {
    for (const row of rows) this.set(column, row, { status: 'pending' });
    this.compute(column, rows).then(
      (cells) => {
        for (const cell of cells) {
          const state: ComputedState =
            'error' in cell
              ? { status: 'failed', type: cell.error.type, message: cell.error.message }
              : { status: 'done', cell };
          this.set(column, cell.row, state);
        }
      },
      (e: unknown) => {
        const type = e instanceof ApiError ? e.type : 'Error';
        const message = e instanceof Error ? e.message : String(e);
        for (const row of rows) this.set(column, row, { status: 'failed', type, message });
      },
    );
  }

  private set(column: string, row: number, state: ComputedState): void {
    const k = key(column, row);
    this.states.delete(k); // to the back of the insertion order: the oldest are dropped first
    this.states.set(k, state);
    while (this.states.size > MAX_CELLS) this.states.delete(this.states.keys().next().value as string);
  }
}

function key(column: string, row: number): string {
  return `${row}\u0000${column}`;
}

/** The page's one cache of computed cells. */
export const computedCells = new ComputedCells();
