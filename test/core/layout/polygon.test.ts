// pointsInPolygon (the map's lasso filter) against a naive ray casting written independently here:
// for each point, count the polygon's edges that a ray to +x crosses (with the half-open rule on
// the edge's y range), over random convex and star-shaped (non-convex) polygons and random points.
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { checkPolygon, pointsInPolygon } from '../../../src/core/layout/polygon.js';
import { mulberry32 } from '../../helpers/random.js';

function naiveInside(x: number, y: number, poly: [number, number][]): boolean {
  let crossings = 0;
  for (let e = 0; e < poly.length; e++) {
    const [x1, y1] = poly[e];
    const [x2, y2] = poly[(e + 1) % poly.length];
    const lo = Math.min(y1, y2);
    const hi = Math.max(y1, y2);
    if (!(y >= lo && y < hi) || y1 === y2) continue;
    const xAt = x1 + ((y - y1) / (y2 - y1)) * (x2 - x1);
    if (xAt > x) crossings++;
  }
  return crossings % 2 === 1;
}

/** A star-shaped polygon around (cx, cy): vertices at increasing angles, random radii (non-convex). */
function star(rand: () => number, vertices: number): [number, number][] {
  const cx = rand() * 4 - 2;
  const cy = rand() * 4 - 2;
  return Array.from({ length: vertices }, (_, k) => {
    const angle = (2 * Math.PI * k) / vertices;
    const r = 0.3 + rand() * 2;
    return [cx + r * Math.cos(angle), cy + r * Math.sin(angle)] as [number, number];
  });
}

describe('pointsInPolygon', () => {
  it('agrees with a naive ray casting on random non-convex polygons', () => {
    const rand = mulberry32(7);
    for (let trial = 0; trial < 40; trial++) {
      const poly = star(rand, 3 + Math.floor(rand() * 40));
      const n = 2000;
      const xy = new Float32Array(n * 2).map(() => rand() * 8 - 4);
      const inside = [...pointsInPolygon(xy, poly)];
      const naive = Array.from({ length: n }, (_, i) =>
        naiveInside(xy[2 * i], xy[2 * i + 1], poly) ? 1 : 0,
      );
      expect(inside, `trial ${trial}`).toEqual(naive);
      expect(naive.filter((v) => v === 1).length).toBeGreaterThan(0);
    }
  });

  it('counts a self-crossing polygon by the even-odd rule and never holds NaN points', () => {
    // A bow tie: the two triangles are inside, the crossing point's neighbourhood above and below is not.
    const bowTie: [number, number][] = [
      [0, 0],
      [2, 2],
      [2, 0],
      [0, 2],
    ];
    const xy = Float64Array.from([0.2, 1, 1.8, 1, 1, 0.2, 1, 1.8, Number.NaN, 1, 5, 5]);
    expect([...pointsInPolygon(xy, bowTie)]).toEqual([1, 1, 0, 0, 0, 0]);
    for (let i = 0; i < xy.length / 2; i++)
      expect(pointsInPolygon(xy, bowTie)[i] === 1).toBe(naiveInside(xy[2 * i], xy[2 * i + 1], bowTie));
  });

  it('refuses what is not a polygon', () => {
    expect(() =>
      checkPolygon([
        [0, 0],
        [1, 1],
      ]),
    ).toThrow(InvalidArgumentError);
    expect(() => checkPolygon('box')).toThrow(InvalidArgumentError);
    expect(() =>
      checkPolygon([
        [0, 0],
        [1, 'a'],
        [2, 2],
      ]),
    ).toThrow(InvalidArgumentError);
    expect(() =>
      checkPolygon([
        [0, 0],
        [1, Number.NaN],
        [2, 2],
      ]),
    ).toThrow(InvalidArgumentError);
  });
});
