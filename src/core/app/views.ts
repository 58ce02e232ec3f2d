/**
 * Views (the app server's, and the in-tab worker's): the result of a filter and/or a sort of the open frame, kept by id so the app
 * scrolls it window by window. A view holds positions of the open frame's rows. A sort answers its
 * first rows from a top-k at once and completes the full order in the background (yielding to the
 * event loop); a window past the top-k waits for it. At most `maxViews` views and `maxBytes` of
 * their row positions are kept (least recently used dropped); dropping or replacing a view cancels
 * its unfinished sort.
 */
import { rowRange } from '../column/column.js';
import { AbortedError, InvalidArgumentError, ResourceNotFoundError } from '../errors.js';
import { yieldToEventLoop } from '../exec/event-loop-yield.js';
import type { DataFrame } from '../frame/frame.js';
import type { Field } from '../frame/keys/sort-fields.js';
import { type SortKey, sortByKeyWords, sortKeyWords, topByFloat64Key, topByKeyWords } from '../frame/sort.js';
import { sortWordsInSteps } from './background-sort.js';
import { type Condition, conditionRows } from './conditions.js';

/**
 * A fresh view id: a random UUID (Node and secure browser pages have `crypto.randomUUID`; a page
 * served over plain http from another host has not, so it falls back to random hex).
 */
function newViewId(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  return Array.from(c.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** What a view shows: the rows passing `filter`, ordered by `sort` (both optional). */
export interface ViewSpec {
  filter?: Condition;
  sort?: readonly SortKey[];
}

/** One view: its rows (positions in the open frame), of which the first `firstRows` are ready at once. */
export interface View {
  readonly id: string;
  readonly spec: ViewSpec;
  /** Number of rows. */
  readonly length: number;
  /** The rows known now: all of them, or the top-k of a sort whose full order is on its way. */
  first: Int32Array;
  /** The full order once known. */
  order: Int32Array | null;
  /** Resolves to the full order. */
  readonly done: Promise<Int32Array>;
  readonly abort: AbortController;
}

export interface ViewStoreOptions {
  /** Most views kept (default 64). */
  maxViews?: number;
  /** Most bytes of row positions the views hold together (default 1 GiB; the newest view is always kept). */
  maxBytes?: number;
  /** Rows a sort computes by top-k before the full order (default 1000). */
  firstRows?: number;
  /** Frames up to this many rows are sorted fully at once (default 200 000). */
  sortAtOnceRows?: number;
  /** Rows per step of a background sort (default: background-sort.ts's). */
  sortChunkRows?: number;
}

/** A filter keeping at least 1/GATHER_SHARE of the rows sorts by the open frame's key words, gathered. */
const GATHER_SHARE = 8;

/** Bytes of row positions a view holds: its first rows, its full order, and the rows a sort in progress will hold. */
function viewBytes(view: View): number {
  const order = view.order ?? null;
  const held = view.first.byteLength + (order !== null && order !== view.first ? order.byteLength : 0);
  // An unfinished sort will hold its full order (and holds its runs meanwhile).
  return order === null ? held + 4 * view.length : held;
}

export class ViewStore {
  private readonly views = new Map<string, View>();
  private readonly maxViews: number;
  private readonly maxBytes: number;
  private readonly firstRows: number;
  private readonly sortAtOnceRows: number;
  private readonly sortChunkRows: number | undefined;

  constructor(
    private frame: DataFrame,
    options: ViewStoreOptions = {},
  ) {
    this.maxViews = options.maxViews ?? 64;
    this.maxBytes = options.maxBytes ?? 2 ** 30;
    this.firstRows = options.firstRows ?? 1000;
    this.sortAtOnceRows = options.sortAtOnceRows ?? 200_000;
    this.sortChunkRows = options.sortChunkRows;
  }

  /** Number of views kept. */
  get size(): number {
    return this.views.size;
  }

  /**
   * Make a view: filtering and top-k sorting now, the full sort in the background, started once
   * `startAfter` resolves (so a route can answer first and learn whether its client is still there).
   */
  create(spec: ViewSpec, startAfter: Promise<unknown> = Promise.resolve()): View {
    const view = this.compute(spec, newViewId(), startAfter);
    this.views.set(view.id, view);
    this.evict();
    return view;
  }

  /**
   * Serve `frame` from now on: the open frame with the same rows and some columns added (slice
   * discovery's clusters) or `changed` (an edit). Views keep row positions, so they stay right, except
   * those whose filter or sort reads a changed column: those are computed again under their ids.
   */
  replaceFrame(frame: DataFrame, changed: readonly string[] = []): void {
    if (frame.length !== this.frame.length)
      throw new InvalidArgumentError(
        `a replacement frame must keep the rows (${this.frame.length}); it has ${frame.length}`,
      );
    this.frame = frame;
    for (const [id, view] of this.views) {
      if (!changed.some((c) => specColumns(view.spec).has(c))) continue;
      view.abort.abort();
      this.views.set(id, this.compute(view.spec, id));
    }
  }

  private compute(spec: ViewSpec, id: string, startAfter: Promise<unknown> = Promise.resolve()): View {
    const filtered = spec.filter === undefined ? null : conditionRows(this.frame, spec.filter);
    const length = filtered?.length ?? this.frame.length;
    const toFrame = (order: Int32Array) => (filtered === null ? order : order.map((p) => filtered[p]));
    const abort = new AbortController();
    let first: Int32Array;
    let done: Promise<Int32Array>;
    const sort = spec.sort;
    if (sort === undefined || sort.length === 0) {
      first = filtered ?? rowRange(0, this.frame.length);
      done = Promise.resolve(first);
    } else if (length <= this.sortAtOnceRows) {
      first = toFrame(sortByKeyWords(this.keyWords(this.frame, sort, filtered), length));
      done = Promise.resolve(first);
    } else {
      // A sort by one float64 column takes its first rows from the column's values, and makes its
      // key words only for the full sort, once the reply is out; other sorts make the key words
      // now, once for the top-k and the full sort.
      const frame = this.frame;
      const top = topByFloat64Key(frame, sort, this.firstRows, {}, filtered);
      const words = top === null ? this.keyWords(frame, sort, filtered) : null;
      first = toFrame(
        top ??
          topByKeyWords(
            (words as Field[]).map((w) => w.data),
            length,
            this.firstRows,
          ),
      );
      const background = async () => {
        await startAfter;
        // A macrotask later, so the route that waits for `startAfter` too sends its reply first.
        await yieldToEventLoop();
        if (abort.signal.aborted) throw new AbortedError('the sort was cancelled');
        const keyWords = words ?? this.keyWords(frame, sort, filtered);
        // Requests that came meanwhile (the first page) go before the sort's first step.
        await yieldToEventLoop();
        return sortWordsInSteps(keyWords, length, abort.signal, this.sortChunkRows);
      };
      done = background().then(toFrame);
    }
    const view: View = { id, spec, length, first, order: null, done, abort };
    if (first.length === view.length) view.order = first;
    done.then(
      (order) => {
        view.order = order;
        // The top-k is part of the full order now: keep one of them.
        view.first = order;
        this.evict();
      },
      () => {}, // a cancelled sort: windows past the top-k report it when they ask
    );
    return view;
  }

  /**
   * The sort key words of the view's rows. For a filter that keeps a good share of the rows they
   * are the open frame's words, gathered: the frame's columns (and a string column's dictionary)
   * are used as loaded, instead of copying the kept rows of every key column first.
   */
  private keyWords(frame: DataFrame, sort: readonly SortKey[], filtered: Int32Array | null): Field[] {
    if (filtered === null) return sortKeyWords(frame, sort);
    if (filtered.length * GATHER_SHARE < frame.length) return sortKeyWords(frame.takeValid(filtered), sort);
    return sortKeyWords(frame, sort).map(({ data, bits }) => {
      const kept = new Uint32Array(filtered.length);
      for (let i = 0; i < kept.length; i++) kept[i] = data[filtered[i]];
      return { data: kept, bits };
    });
  }

  /** Memory the views hold now (their row positions), in bytes. */
  get bytes(): number {
    let total = 0;
    for (const view of this.views.values()) total += viewBytes(view);
    return total;
  }

  /** Drop least recently used views while there are more than `maxViews` or they hold more than `maxBytes`; the newest stays. */
  private evict(): void {
    let bytes = this.bytes;
    while (this.views.size > 1 && (this.views.size > this.maxViews || bytes > this.maxBytes)) {
      const oldest = this.views.values().next().value as View;
      bytes -= viewBytes(oldest);
      this.drop(oldest.id);
    }
  }

  /** The view `id` (marked as recently used). */
  get(id: string): View {
    const view = this.views.get(id);
    if (view === undefined)
      throw new ResourceNotFoundError(
        `no view ${JSON.stringify(id)}: it was dropped or never made; make it again`,
      );
    this.views.delete(id);
    this.views.set(id, view);
    return view;
  }

  /** Forget a view and cancel its sort; false if there was none. */
  drop(id: string): boolean {
    const view = this.views.get(id);
    if (view === undefined) return false;
    view.abort.abort();
    this.views.delete(id);
    return true;
  }

  /** Positions of the view's rows [start, end) (clamped), waiting for the full order if needed. */
  async window(id: string, start: number, end: number): Promise<Int32Array> {
    const view = this.get(id);
    const e = Math.min(end, view.length);
    const s = Math.min(start, e);
    if (e <= view.first.length) return view.first.subarray(s, e);
    const order = view.order ?? (await view.done);
    return order.subarray(s, e);
  }

  /** Cancel every unfinished sort (when the server closes). */
  clear(): void {
    for (const id of [...this.views.keys()]) this.drop(id);
  }
}

/** The columns a view's filter and sort read. */
function specColumns(spec: ViewSpec): Set<string> {
  const out = new Set<string>((spec.sort ?? []).map((k) => (typeof k === 'string' ? k : k.column)));
  const visit = (c: Condition) => {
    if ('and' in c) for (const p of c.and) visit(p);
    else if ('or' in c) for (const p of c.or) visit(p);
    else out.add(c.column);
  };
  if (spec.filter !== undefined) visit(spec.filter);
  return out;
}
