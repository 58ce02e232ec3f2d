/**
 * The server's graph route (src/node/server/routes/graph.ts): a graph cell's nodes and edges, capped.
 * Small previews for the table are kept in a bounded cache, so scrolling back does not refetch them.
 */
import type { GraphReply } from '../../../src/core/app/media-replies.js';
import { request } from '../api';
import { edgeIndices, layoutGraph } from './graph-layout';

export type GraphData = GraphReply;

export async function fetchGraph(
  column: string,
  row: number,
  caps: { maxNodes?: number; maxEdges?: number } = {},
  signal?: AbortSignal,
): Promise<GraphData> {
  const params = new URLSearchParams();
  if (caps.maxNodes !== undefined) params.set('maxNodes', String(caps.maxNodes));
  if (caps.maxEdges !== undefined) params.set('maxEdges', String(caps.maxEdges));
  const query = params.size > 0 ? `?${params}` : '';
  const response = await request(
    `api/graph/${encodeURIComponent(column)}/${row}${query}`,
    signal ? { signal } : {},
  );
  return response.json();
}

/** Nodes and edges a table preview draws at most. */
export const PREVIEW_CAPS = { maxNodes: 80, maxEdges: 400 };
const PREVIEW_TICKS = 100;
const PREVIEWS_KEPT = 256;

/** A table preview: the capped graph, its edges as node indices and its laid-out positions. */
export interface GraphPreview {
  graph: GraphData;
  pairs: [number, number][];
  xy: Float64Array;
}
const previews = new Map<string, Promise<GraphPreview>>();

/** A preview of a graph cell (capped by {@link PREVIEW_CAPS}), fetched and laid out once while cached. */
export function graphPreview(column: string, row: number): Promise<GraphPreview> {
  const key = `${column}\0${row}`;
  let hit = previews.get(key);
  if (hit !== undefined) {
    previews.delete(key);
  } else {
    hit = fetchGraph(column, row, PREVIEW_CAPS).then((graph) => {
      const pairs = edgeIndices(graph.nodes, graph.edges);
      return { graph, pairs, xy: layoutGraph(graph.nodes.length, pairs, PREVIEW_TICKS) };
    });
    // A failed fetch is not kept: the next look tries again.
    hit.catch(() => previews.delete(key));
  }
  previews.set(key, hit);
  if (previews.size > PREVIEWS_KEPT) previews.delete(previews.keys().next().value as string);
  return hit;
}
