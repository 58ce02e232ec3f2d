/**
 * The map's data from the server (src/node/server/routes/map.ts), binary: a layout as float32
 * `x, y` per frame row, a colour column as byte codes with a legend or as float32 values, and a
 * layout's progress as server-sent events.
 */
import { request } from '../api';

export type LayoutMethod = 'pca' | 'umap';

export interface Layout {
  /** Its column name for the `in polygon` filter, e.g. `embedding.map.pca`. */
  name: string;
  /** `x, y` per frame row (NaN where the embedding is null). */
  xy: Float32Array;
}

export type ColorValues =
  | { kind: 'categorical'; rows: number; legend: string[]; counts: number[]; codes: Uint8Array }
  | { kind: 'continuous'; rows: number; min: number | null; max: number | null; values: Float32Array };

function columnUrl(route: string, column: string): string {
  return `api/${route}/${encodeURIComponent(column)}`;
}

export async function fetchLayout(
  column: string,
  method: LayoutMethod,
  signal?: AbortSignal,
): Promise<Layout> {
  const response = await request(`${columnUrl('map', column)}?method=${method}`, signal ? { signal } : {});
  const name = decodeURIComponent(response.headers.get('x-tessera-layout') ?? `${column}.map.${method}`);
  return { name, xy: new Float32Array(await response.arrayBuffer()) };
}

export async function fetchColors(column: string, signal?: AbortSignal): Promise<ColorValues> {
  const response = await request(columnUrl('colors', column), signal ? { signal } : {});
  const bytes = await response.arrayBuffer();
  const headerBytes = new DataView(bytes).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(bytes, 4, headerBytes)));
  const start = (4 + headerBytes + 3) & ~3;
  return header.kind === 'categorical'
    ? { ...header, codes: new Uint8Array(bytes, start) }
    : { ...header, values: new Float32Array(bytes, start) };
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
