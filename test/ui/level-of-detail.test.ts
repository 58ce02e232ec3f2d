// The map's level of detail against naive references: a view that holds few points draws exactly
// the points inside its extension (a plain scan); one that holds more draws cells whose counts add
// up to the points in the extension, each at the mean of its points and coloured by its most
// frequent category (naive per-cell counting in a Map), never more than the point budget.

import { describe, expect, it } from 'vitest';
import { drawingFor, extend, POINT_BUDGET } from '../../ui/src/map/level-of-detail.js';
import { regionCondition, thinPolygon } from '../../ui/src/map/region.js';

function points(n: number): { x: Float32Array; y: Float32Array; z: Float32Array } {
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  const z = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = Math.sin(i * 12.9898) * 0.9;
    y[i] = Math.cos(i * 78.233) * 0.9;
    z[i] = i % 5;
  }
  return { x, y, z };
}

const pixels = { width: 800, height: 600 };

describe('the map’s level of detail', () => {
  it('draws only the points in sight (and the margin) when they fit the budget', () => {
    const { x, y, z } = points(200_000);
    const view = { x0: 0.1, x1: 0.2, y0: -0.1, y1: 0 };
    const d = drawingFor(x, y, z, 'categorical', view, pixels);
    const area = extend(view);
    const naive: number[] = [];
    for (let i = 0; i < x.length; i++)
      if (x[i] >= area.x0 && x[i] <= area.x1 && y[i] >= area.y0 && y[i] <= area.y1) naive.push(i);
    expect(d.aggregated).toBe(false);
    expect([...d.rows]).toEqual(naive);
    expect([...(d.z as Float32Array)]).toEqual(naive.map((i) => z[i]));
    expect([...d.x]).toEqual(naive.map((i) => x[i]));
  });

  it('aggregates a view that holds more into cells: counts, centroids and majority colours', () => {
    const { x, y, z } = points(300_000);
    const view = { x0: -1, x1: 1, y0: -0.75, y1: 0.75 };
    const d = drawingFor(x, y, z, 'categorical', view, pixels);
    expect(d.aggregated).toBe(true);
    expect(d.x.length).toBeLessThanOrEqual(POINT_BUDGET);
    const area = d.covers;
    const cell = (d.cellPx * (view.x1 - view.x0)) / pixels.width;
    const cells = new Map<string, number[]>();
    for (let i = 0; i < x.length; i++) {
      const cx = Math.floor((x[i] - area.x0) / cell);
      const cy = Math.floor((y[i] - area.y0) / cell);
      if (x[i] < area.x0 || y[i] < area.y0 || x[i] >= area.x1 || y[i] >= area.y1) continue;
      const key = `${cx},${cy}`;
      cells.set(key, [...(cells.get(key) ?? []), i]);
    }
    expect(d.x.length).toBe(cells.size);
    expect((d.counts as Int32Array).reduce((a, b) => a + b, 0)).toBe(
      [...cells.values()].reduce((a, c) => a + c.length, 0),
    );
    // Each drawn cell: its representative row's cell holds exactly `count` points, centred at their mean.
    for (let k = 0; k < d.x.length; k += 97) {
      const r = d.rows[k];
      const members = cells.get(
        `${Math.floor((x[r] - area.x0) / cell)},${Math.floor((y[r] - area.y0) / cell)}`,
      ) as number[];
      expect(members.length).toBe((d.counts as Int32Array)[k]);
      expect(d.x[k]).toBeCloseTo(members.reduce((a, i) => a + x[i], 0) / members.length, 5);
      const tally = [0, 1, 2, 3, 4].map((c) => members.filter((i) => z[i] === c).length);
      expect(tally[(d.z as Float32Array)[k]]).toBe(Math.max(...tally));
    }
  });
});

describe('the map selection', () => {
  it('thins a long lasso to at most 64 rounded vertices and filters by its layout', () => {
    const lasso = Array.from(
      { length: 1000 },
      (_, k) => [Math.cos(k / 159.15), Math.sin(k / 159.15) / 3] as [number, number],
    );
    const thin = thinPolygon(lasso);
    expect(thin.length).toBe(64);
    expect(thin[0]).toEqual([1, 0]);
    // Rounded to 6 significant digits, so a link stays short.
    for (const v of thin.flat()) expect(Number(v.toPrecision(6))).toBe(v);
    expect(regionCondition({ layout: 'emb.map.pca', polygon: thin })).toEqual({
      column: 'emb.map.pca',
      op: 'in polygon',
      value: thin,
    });
  });
});
