// Shared by every benchmark: the statistics of repeated timings, the timing loops that produce them,
// and the formatting of numbers, ratios and Markdown tables, so all benchmarks summarise alike.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The middle value (the mean of the two middle values for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The arithmetic mean; NaN when empty. */
export function mean(xs: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i];
  return sum / xs.length;
}

/** Seconds that `f` took, with its value. */
export async function timed<T>(f: () => Promise<T> | T): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await f();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

/** Seconds that `f` took. */
export async function elapsed(f: () => unknown): Promise<number> {
  return (await timed(f)).seconds;
}

/** Seconds of each of `reps` consecutive calls of `f` (no warm-up: the caller decides). */
export async function timeRepeats(f: () => unknown, reps: number): Promise<number[]> {
  const seconds: number[] = [];
  for (let r = 0; r < reps; r++) seconds.push(await elapsed(f));
  return seconds;
}

/**
 * A full garbage collection, for running (untimed) before a timed call so that no system pays for
 * the garbage an earlier one left (the `--expose-gc` trick, without a flag on the command line).
 */
export const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as unknown;
  return typeof gc === 'function' ? (gc as () => void) : () => undefined;
})();

/** A short sleep between the sides of a comparison: thread pools keep spinning after their work. */
export const pause = (ms = 200) => new Promise((resolve) => setTimeout(resolve, ms));

/** `a / b` as `1.23×`, or `-` when either is missing or not finite. */
export function ratio(a: number | undefined, b: number | undefined, digits = 2): string {
  if (a === undefined || b === undefined) return '-';
  const r = a / b;
  return Number.isFinite(r) ? `${r.toFixed(digits)}×` : '-';
}

/** Milliseconds with about three significant digits. */
export function formatMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/** A row count as `1M`, `100k` or the plain number. */
/** The median of repeated timings with their range, as `12.3 ms (11.0–15.2)`; `-` for none. */
export function formatMedianRange(xs: readonly number[]): string {
  if (xs.length === 0) return '-';
  if (xs.length === 1) return `${formatMs(xs[0])} ms`;
  return `${formatMs(median(xs))} ms (${formatMs(Math.min(...xs))}–${formatMs(Math.max(...xs))})`;
}

export function formatCount(n: number): string {
  if (n >= 1e6 && n % 1e5 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 100 === 0) return `${n / 1e3}k`;
  return String(n);
}

/**
 * A Markdown table with padded columns, readable as plain text too. `leftColumns` columns from the
 * left hold labels and are left-aligned; the rest hold numbers and are right-aligned.
 */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  leftColumns = 0,
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const left = (i: number) => i < leftColumns;
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (left(i) ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (left(i) ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
