/**
 * A linear scale with just what regl-scatterplot uses of a d3 scale (`domain` and `range`, read and
 * set): given as its xScale / yScale, the library sets the domain to the part of the scatterplot's
 * space in sight at every pan and zoom, which is how the map knows what to draw in detail.
 */
export interface ViewScale {
  (value: number): number;
  domain(): [number, number];
  domain(next: readonly number[]): ViewScale;
  range(): [number, number];
  range(next: readonly number[]): ViewScale;
}

export function viewScale(): ViewScale {
  let domain: [number, number] = [-1, 1];
  let range: [number, number] = [0, 1];
  const scale = ((v: number) =>
    range[0] + ((v - domain[0]) / (domain[1] - domain[0])) * (range[1] - range[0])) as ViewScale;
  scale.domain = ((next?: readonly number[]) => {
    if (next === undefined) return domain;
    domain = [next[0], next[1]];
    return scale;
  }) as ViewScale['domain'];
  scale.range = ((next?: readonly number[]) => {
    if (next === undefined) return range;
    range = [next[0], next[1]];
    return scale;
  }) as ViewScale['range'];
  return scale;
}
