// The table's scaled scroll geometry: the spacer never passes the cap, the end of the scroll range
// shows the last row, and a row put at the top by scrollTopFor is the row rowAt reads back.

import { describe, expect, it } from 'vitest';
import {
  MAX_SCROLL_HEIGHT,
  rowAt,
  scrollHeight,
  scrollTopFor,
  visibleRows,
} from '../../ui/src/table/geometry.js';

const rowHeight = 24;
const viewportHeight = 600;

describe('scaled scroll geometry', () => {
  for (const rows of [0, 1, 10, 25, 1000, 1_600_000, 10_000_000, 100_000_000]) {
    it(`${rows} rows`, () => {
      const g = { rows, rowHeight, viewportHeight };
      const height = scrollHeight(g);
      expect(height).toBeLessThanOrEqual(MAX_SCROLL_HEIGHT);
      // Unscaled while it fits: one pixel of scroll per pixel of rows.
      if (rows * rowHeight <= MAX_SCROLL_HEIGHT) expect(height).toBe(rows * rowHeight);
      // The end of the scroll range shows the last row, its bottom at the viewport's bottom.
      const maxTop = Math.max(0, height - viewportHeight);
      const [first, end] = visibleRows(g, rowAt(g, maxTop));
      expect(end).toBe(rows);
      if (rows * rowHeight > viewportHeight) {
        expect((rows - rowAt(g, maxTop)) * rowHeight).toBeCloseTo(viewportHeight, 6);
        expect(first).toBe(rows - Math.ceil(viewportHeight / rowHeight));
      }
      expect(rowAt(g, 0)).toBe(0);
      // Rows put at the top come back exactly while a pixel of scroll is less than a row.
      const pixelRows =
        rows * rowHeight > height
          ? (rows * rowHeight - viewportHeight) / (height - viewportHeight) / rowHeight
          : 0;
      if (pixelRows < 1)
        for (const row of [1, 7, Math.floor(rows / 3), rows - Math.ceil(viewportHeight / rowHeight)]) {
          if (row <= 0 || row > rows - viewportHeight / rowHeight) continue; // not scrollable to the top
          expect(Math.floor(rowAt(g, scrollTopFor(g, row))), `row ${row}`).toBe(row);
        }
    });
  }
});
