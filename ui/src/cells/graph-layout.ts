/**
 * A force-directed layout of a graph (d3-force: links pull, nodes repel with Barnes–Hut, a weak pull
 * to the centre keeps components together), run to rest synchronously. Deterministic: d3 starts the
 * nodes on a phyllotaxis spiral and seeds its own random source, so a graph always lays out the same.
 */
import {
  forceCenter,
  forceLink,
  forceManyBody,
  forceSimulation,
  forceX,
  forceY,
  type SimulationNodeDatum,
} from 'd3-force';

export interface LayoutNode extends SimulationNodeDatum {
  index: number;
}

/** Positions of `nodeCount` nodes (x, y interleaved), with edges given as [source, target] indices. */
export function layoutGraph(
  nodeCount: number,
  edges: readonly (readonly [number, number])[],
  ticks?: number,
): Float64Array {
  const { nodes, simulation, steps } = simulationOf(nodeCount, edges, ticks);
  simulation.tick(steps);
  return positionsOf(nodes);
}

/**
 * The same layout, run in slices of `chunk` steps with the event loop free between them, so a big
 * graph (2000 nodes take a second or two) never freezes the page. Stops early when `signal` aborts.
 */
export async function layoutGraphInSteps(
  nodeCount: number,
  edges: readonly (readonly [number, number])[],
  options: { ticks?: number; chunk?: number; signal?: AbortSignal } = {},
): Promise<Float64Array> {
  const { nodes, simulation, steps } = simulationOf(nodeCount, edges, options.ticks);
  const chunk = options.chunk ?? 10;
  for (let done = 0; done < steps && options.signal?.aborted !== true; done += chunk) {
    simulation.tick(Math.min(chunk, steps - done));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return positionsOf(nodes);
}

function simulationOf(nodeCount: number, edges: readonly (readonly [number, number])[], ticks?: number) {
  const nodes: LayoutNode[] = Array.from({ length: nodeCount }, (_, index) => ({ index }));
  const links = edges
    .filter(([s, t]) => s !== t && s >= 0 && t >= 0 && s < nodeCount && t < nodeCount)
    .map(([source, target]) => ({ source, target }));
  const simulation = forceSimulation(nodes)
    .force('link', forceLink(links).distance(30))
    .force('charge', forceManyBody().strength(-40).distanceMax(400))
    .force('x', forceX(0).strength(0.05))
    .force('y', forceY(0).strength(0.05))
    .force('center', forceCenter(0, 0))
    .stop();
  // Big graphs settle enough in fewer steps, and each step costs more.
  const steps = ticks ?? (nodeCount > 1000 ? 120 : nodeCount > 300 ? 200 : 300);
  return { nodes, simulation, steps };
}

function positionsOf(nodes: readonly LayoutNode[]): Float64Array {
  const out = new Float64Array(2 * nodes.length);
  for (const [i, n] of nodes.entries()) {
    out[2 * i] = n.x ?? 0;
    out[2 * i + 1] = n.y ?? 0;
  }
  return out;
}

/** The [minX, minY, maxX, maxY] of laid-out positions (a unit box around the origin when empty). */
export function layoutBounds(xy: Float64Array): [number, number, number, number] {
  if (xy.length === 0) return [-1, -1, 1, 1];
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < xy.length; i += 2) {
    minX = Math.min(minX, xy[i]);
    maxX = Math.max(maxX, xy[i]);
    minY = Math.min(minY, xy[i + 1]);
    maxY = Math.max(maxY, xy[i + 1]);
  }
  return [minX, minY, maxX, maxY];
}

/** Edges of `graph` as index pairs into its nodes (edges to nodes not in the list are dropped). */
export function edgeIndices(
  nodes: readonly { id: string }[],
  edges: readonly { source: string; target: string }[],
): [number, number][] {
  const at = new Map(nodes.map((n, i) => [n.id, i]));
  const out: [number, number][] = [];
  for (const e of edges) {
    const s = at.get(e.source);
    const t = at.get(e.target);
    if (s !== undefined && t !== undefined) out.push([s, t]);
  }
  return out;
}
