/**
 * The map's data from the server (src/node/server/routes/map.ts) or the in-tab worker
 * (ui/src/local/in-tab-analysis.ts), binary: a layout as float32 `x, y` per frame row, a colour
 * column as byte codes with a legend or as float32 values (src/core/app/color-values.ts), and a
 * layout's progress as server-sent events (in the tab: the worker's event messages).
 */
import { type ColorValues, decodeColorValues } from '../../../src/core/app/color-values.js';
import { LAYOUT_NAME_HEADER, type LayoutMethod } from '../../../src/core/app/map-layouts.js';
import { request } from '../api';
import { followInTab } from '../local/in-tab-client';
import { IN_TAB } from '../local/mode';

export type { ColorValues } from '../../../src/core/app/color-values.js';
export type { LayoutMethod } from '../../../src/core/app/map-layouts.js';

export interface Layout {
  /** Its column name for the `in polygon` filter, e.g. `embedding.map.pca`. */
  name: string;
  /** `x, y` per frame row (NaN where the embedding is null). */
  xy: Float32Array;
}

function columnUrl(route: string, column: string): string {
  return `api/${route}/${encodeURIComponent(column)}`;
}

export async function fetchLayout(
  column: string,
  method: LayoutMethod,
  signal?: AbortSignal,
): Promise<Layout> {
  const response = await request(`${columnUrl('map', column)}?method=${method}`, signal ? { signal } : {});
  const name = decodeURIComponent(response.headers.get(LAYOUT_NAME_HEADER) ?? `${column}.map.${method}`);
  return { name, xy: new Float32Array(await response.arrayBuffer()) };
}

export async function fetchColors(column: string, signal?: AbortSignal): Promise<ColorValues> {
  const response = await request(columnUrl('colors', column), signal ? { signal } : {});
  return decodeColorValues(await response.arrayBuffer());
}

/**
 * Follow a layout's progress (0..1) until it is complete; the returned function stops listening.
 * The token, if any, goes in the query (EventSource sends no headers).
 */
export function followLayout(
  column: string,
  method: LayoutMethod,
  onProgress: (share: number) => void,
): () => void {
  const params = new URLSearchParams({ method });
  if (IN_TAB) {
    const url = `${columnUrl('map', column)}/events?${params}`;
    const stop = followInTab(url, (event, data) => {
      if (event !== 'progress') return;
      const { done, total } = data as { done: number; total: number };
      onProgress(total > 0 ? done / total : 0);
    });
    return stop;
  }
  const token = new URLSearchParams(window.location.search).get('token');
  if (token !== null) params.set('token', token);
  const source = new EventSource(`${columnUrl('map', column)}/events?${params}`);
  source.addEventListener('progress', (e) => {
    const { done, total } = JSON.parse((e as MessageEvent).data);
    onProgress(total > 0 ? done / total : 0);
  });
  const stop = () => source.close();
  source.addEventListener('complete', stop);
  source.addEventListener('failed', stop);
  source.onerror = stop;
  return stop;
}
