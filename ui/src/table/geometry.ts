/**
 * Scaled scroll geometry: browsers cap an element's height near 33.5M px, so a spacer of
 * rows × rowHeight stops a plain virtualiser near 1.6M rows of 20 px. The spacer is capped at
 * MAX_SCROLL_HEIGHT and scrollTop maps to the first row proportionally, so the scroll range's end
 * is the table's end: the last row is always reachable.
 */

/** Well below every browser's cap (Chromium ~33.5M px, Firefox ~17.9M px). */
export const MAX_SCROLL_HEIGHT = 15_000_000;

export interface ScrollGeometry {
  rows: number;
  rowHeight: number;
  /** Height of the area the rows show in (without the header). */
  viewportHeight: number;
}

/** The spacer's height: the rows' real height, or the cap. */
export function scrollHeight(g: ScrollGeometry): number {
  return Math.min(g.rows * g.rowHeight, MAX_SCROLL_HEIGHT);
}

/** Pixels of the rows' real height per pixel of scrollTop (1 unless scaled). */
function scale(g: ScrollGeometry): number {
  const real = g.rows * g.rowHeight - g.viewportHeight;
  const scrollable = scrollHeight(g) - g.viewportHeight;
  return real <= 0 || scrollable <= 0 ? 1 : real / scrollable;
}

/** The (fractional) row at the viewport's top for a scrollTop. */
export function rowAt(g: ScrollGeometry, scrollTop: number): number {
  const maxRow = Math.max(0, g.rows - g.viewportHeight / g.rowHeight);
  return Math.min(maxRow, Math.max(0, (scrollTop * scale(g)) / g.rowHeight));
}

/**
 * The scrollTop that shows `row` at the top (rounded up to a whole pixel, so that rowAt gives `row`
 * back while a pixel of scroll is less than a row).
 */
export function scrollTopFor(g: ScrollGeometry, row: number): number {
  return Math.min(scrollHeight(g) - g.viewportHeight, Math.ceil((row * g.rowHeight) / scale(g)));
}

/** Rows [first, end) that are at least partly visible at fractional top row `top`. */
export function visibleRows(g: ScrollGeometry, top: number): [number, number] {
  const first = Math.floor(top);
  const end = Math.min(g.rows, Math.ceil(top + g.viewportHeight / g.rowHeight));
  return [first, Math.max(first, end)];
}
