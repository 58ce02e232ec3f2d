// Progress of long runs (map, filter, update, embed): a callback, events on an EventTarget for
// the app, and a bar on a terminal. The bar is Node-only, so the Node entry point registers it.
import type { Progress } from './executor.js';

/** Where a run reports its progress. */
export interface ProgressOptions {
  /** Called after every batch with rows done, total rows and the rate so far. */
  onProgress?: (progress: Progress) => void;
  /** Receives a {@link RunProgressEvent} (`'progress'`) after every batch, and one `'done'` at the end. */
  progressTarget?: EventTarget;
  /**
   * Show a bar on the terminal (default true: shown only when stderr is a terminal, and not when
   * the environment sets `TESSERA_PROGRESS=0` or `CI`).
   */
  progressBar?: boolean;
}

/** The event a run dispatches on `progressTarget`; `detail` is the progress so far. */
export class RunProgressEvent extends Event {
  constructor(
    type: 'progress' | 'done',
    readonly detail: Progress,
  ) {
    super(type);
  }
}

/** A progress display, e.g. a terminal bar: `update` after batches, `stop` at the end. */
export interface ProgressDisplay {
  update(progress: Progress): void;
  stop(): void;
}

/** Makes a display for a run named `label` over `total` rows, or null where none should show. */
export type ProgressDisplayFactory = (label: string, total: number) => ProgressDisplay | null;

let displayFactory: ProgressDisplayFactory | null = null;

/** Set (or, with null, clear) the display every long run shows (the Node entry point sets a terminal bar). */
export function registerProgressDisplay(factory: ProgressDisplayFactory | null): void {
  displayFactory = factory;
}

/** Runs shorter than this never open a display, so quick calls do not flash a bar. */
const DISPLAY_AFTER_MS = 500;

/** Counts rows done over a run and reports them where the options say. */
export class ProgressTracker {
  private done = 0;
  private readonly started = now();
  private display: ProgressDisplay | null = null;
  private displayChecked = false;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly options: ProgressOptions,
  ) {}

  /** `rows` more rows are done. */
  add(rows: number): void {
    this.done += rows;
    const progress = this.snapshot();
    this.options.onProgress?.(progress);
    this.options.progressTarget?.dispatchEvent(new RunProgressEvent('progress', progress));
    if (!this.displayChecked && now() - this.started >= DISPLAY_AFTER_MS && this.done < this.total) {
      this.displayChecked = true;
      if (this.options.progressBar !== false) this.display = displayFactory?.(this.label, this.total) ?? null;
    }
    this.display?.update(progress);
  }

  /** The run ended (finished, failed or cancelled). */
  finish(): void {
    this.display?.stop();
    this.display = null;
    this.options.progressTarget?.dispatchEvent(new RunProgressEvent('done', this.snapshot()));
  }

  private snapshot(): Progress {
    const seconds = (now() - this.started) / 1000;
    return { done: this.done, total: this.total, rowsPerSecond: seconds > 0 ? this.done / seconds : 0 };
  }
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}
