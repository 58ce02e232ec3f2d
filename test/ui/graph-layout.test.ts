// The graph drawing's layout: finite positions, the same for the same graph, linked nodes drawn
// closer than unlinked ones (checked with a naive all-pairs scan), nodes spread apart, and edges
// mapped to node indices as a naive lookup does.
import { describe, expect, it } from 'vitest';
import {
  edgeIndices,
  layoutBounds,
  layoutGraph,
  layoutGraphInSteps,
} from '../../ui/src/cells/graph-layout.js';

/** A ring of n nodes with a chord every 5th node. */
function ring(n: number): [number, number][] {
  const edges: [number, number][] = [];
  for (let i = 0; i < n; i++) edges.push([i, (i + 1) % n]);
  for (let i = 0; i + n / 2 < n; i += 5) edges.push([i, i + Math.floor(n / 2)]);
  return edges;
}

const dist = (xy: Float64Array, a: number, b: number) =>
  Math.hypot(xy[2 * a] - xy[2 * b], xy[2 * a + 1] - xy[2 * b + 1]);

describe('layoutGraph', () => {
  for (const n of [1, 2, 12, 60, 400]) {
    it(`${n} nodes: finite, deterministic, linked nodes closer than unlinked ones`, () => {
      const edges = ring(n).filter(([s, t]) => s !== t);
      const xy = layoutGraph(n, edges);
      expect(xy.length).toBe(2 * n);
      expect([...xy].every(Number.isFinite)).toBe(true);
      expect(layoutGraph(n, edges)).toEqual(xy);
      if (n < 3) return;
      const linked = new Set(edges.map(([s, t]) => `${Math.min(s, t)},${Math.max(s, t)}`));
      let [near, nearCount, far, farCount, closest] = [0, 0, 0, 0, Number.POSITIVE_INFINITY];
      for (let a = 0; a < n; a++)
        for (let b = a + 1; b < n; b++) {
          const d = dist(xy, a, b);
          closest = Math.min(closest, d);
          if (linked.has(`${a},${b}`)) [near, nearCount] = [near + d, nearCount + 1];
          else [far, farCount] = [far + d, farCount + 1];
        }
      expect(near / nearCount).toBeLessThan((far / farCount) * 0.6);
      // No two nodes on top of each other (links are 30 units long).
      expect(closest).toBeGreaterThan(3);
    });
  }

  it('in steps, gives the same positions as at once, and stops when aborted', async () => {
    const edges = ring(50);
    expect(await layoutGraphInSteps(50, edges, { chunk: 7 })).toEqual(layoutGraph(50, edges));
    const controller = new AbortController();
    controller.abort();
    const early = await layoutGraphInSteps(50, edges, { signal: controller.signal });
    expect(early.length).toBe(100);
    expect(early).not.toEqual(layoutGraph(50, edges));
  });

  it('ignores self-loops and edges to nodes it does not have', () => {
    const xy = layoutGraph(3, [
      [0, 0],
      [0, 1],
      [1, 7],
      [-1, 2],
    ]);
    expect([...xy].every(Number.isFinite)).toBe(true);
  });

  it('bounds every position', () => {
    const xy = layoutGraph(30, ring(30));
    const [minX, minY, maxX, maxY] = layoutBounds(xy);
    for (let i = 0; i < 30; i++) {
      expect(xy[2 * i]).toBeGreaterThanOrEqual(minX);
      expect(xy[2 * i]).toBeLessThanOrEqual(maxX);
      expect(xy[2 * i + 1]).toBeGreaterThanOrEqual(minY);
      expect(xy[2 * i + 1]).toBeLessThanOrEqual(maxY);
    }
    expect(layoutBounds(new Float64Array())).toEqual([-1, -1, 1, 1]);
  });
});

describe('edgeIndices', () => {
  it('maps ids to node positions as a naive search does, dropping unknown ends', () => {
    const nodes = ['a', 'b', 'c', '7'].map((id) => ({ id }));
    const edges = [
      { source: 'a', target: 'b' },
      { source: '7', target: 'a' },
      { source: 'a', target: 'zz' },
      { source: 'c', target: 'c' },
    ];
    const naive = edges
      .map((e) => [nodes.findIndex((n) => n.id === e.source), nodes.findIndex((n) => n.id === e.target)])
      .filter(([s, t]) => s >= 0 && t >= 0);
    expect(edgeIndices(nodes, edges)).toEqual(naive);
  });
});
