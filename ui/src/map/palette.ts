/**
 * The map's colours: a categorical palette of distinguishable hues (with greys for "(other)" and
 * "(null)"), and a continuous ramp (viridis, sampled) for numbers.
 */
import type { ColorValues } from './map-api';

const CATEGORICAL = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#bcbd22',
  '#7f7f7f',
  '#aec7e8',
  '#ffbb78',
];
const OTHER = '#b8bcc2';
const NULL = '#dde0e4';

export const VIRIDIS = [
  '#440154',
  '#481a6c',
  '#472f7d',
  '#414487',
  '#39568c',
  '#31688e',
  '#2a788e',
  '#23888e',
  '#1f988b',
  '#22a884',
  '#35b779',
  '#54c568',
  '#7ad151',
  '#a5db36',
  '#d2e21b',
  '#fde725',
];

/** The colour of every legend entry, in legend order. */
export function legendColors(legend: readonly string[]): string[] {
  let next = 0;
  return legend.map((name) =>
    name === '(other)' ? OTHER : name === '(null)' ? NULL : CATEGORICAL[next++ % CATEGORICAL.length],
  );
}

/** What regl-scatterplot draws by: the per-point value `z`, its kind and the colour map. */
export function pointColors(values: ColorValues): {
  z: Float32Array;
  kind: 'categorical' | 'continuous';
  colors: string[];
} {
  if (values.kind === 'categorical') {
    return { z: Float32Array.from(values.codes), kind: 'categorical', colors: legendColors(values.legend) };
  }
  const { min, max } = values;
  const z = new Float32Array(values.values.length);
  const span = min !== null && max !== null && max > min ? max - min : 1;
  // Nulls (NaN) draw at the low end of the ramp.
  for (let i = 0; i < z.length; i++) {
    const v = values.values[i];
    z[i] = Number.isNaN(v) || min === null ? 0 : Math.min(1, Math.max(0, (v - min) / span));
  }
  return { z, kind: 'continuous', colors: VIRIDIS };
}
