/**
 * GET /api/graph/:column/:row?maxNodes=&maxEdges=: a graph cell as JSON nodes and edges for drawing,
 * capped so a huge graph never floods the page: the first `maxNodes` nodes in the file's order
 * (default 2000) and the first `maxEdges` edges between them (default 10 000), with the totals and
 * `truncated: true` when anything was left out. A node's `label` is its "label" attribute, else its
 * "name", when that is a string or a number. Edges carry their own `directed` flag only in a graph
 * that mixes directed and undirected edges.
 */
import type { FastifyInstance } from 'fastify';
import type { GraphReply } from '../../../core/app/media-replies.js';
import { InvalidArgumentError } from '../../../core/errors.js';
import { decodeGraph } from '../../media/graph.js';
import type { AppContext } from '../context.js';
import { mediaCell } from '../media-cell.js';
import { cellParams } from './schemas.js';

export const DEFAULT_MAX_NODES = 2000;
export const DEFAULT_MAX_EDGES = 10_000;

const graphQuery = {
  type: 'object',
  properties: {
    maxNodes: { type: 'integer', minimum: 1, maximum: 100_000 },
    maxEdges: { type: 'integer', minimum: 0, maximum: 500_000 },
    token: { type: 'string', maxLength: 1024 },
  },
  additionalProperties: false,
} as const;

export function graphRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { column: string; row: number }; Querystring: { maxNodes?: number; maxEdges?: number } }>(
    '/api/graph/:column/:row',
    { schema: { params: cellParams, querystring: graphQuery } },
    async (request): Promise<GraphReply> => {
      const { column, row } = request.params;
      const maxNodes = request.query.maxNodes ?? DEFAULT_MAX_NODES;
      const maxEdges = request.query.maxEdges ?? DEFAULT_MAX_EDGES;
      const cell = mediaCell(ctx.frame, column, row, ctx.mediaRoots);
      if (cell.kind !== 'graph')
        throw new InvalidArgumentError(`column "${column}" holds ${cell.kind}, not graphs`);
      const graph =
        'bytes' in cell
          ? decodeGraph(cell.bytes)
          : decodeGraph(cell.source, { baseDir: cell.baseDir, allowedRoots: cell.allowedRoots });
      const nodes: GraphReply['nodes'] = [];
      const kept = new Set<string>();
      for (const id of graph.nodes()) {
        if (nodes.length >= maxNodes) break;
        const attrs = graph.getNodeAttributes(id);
        const label = attrs.label ?? attrs.name;
        nodes.push(
          typeof label === 'string' || typeof label === 'number' ? { id, label: String(label) } : { id },
        );
        kept.add(id);
      }
      const mixed = graph.type === 'mixed';
      const edges: GraphReply['edges'] = [];
      let truncated = nodes.length < graph.order;
      graph.forEachEdge((_key, _attrs, source, target, _s, _t, undirected) => {
        if (!kept.has(source) || !kept.has(target)) return;
        if (edges.length >= maxEdges) {
          truncated = true;
          return;
        }
        edges.push(mixed ? { source, target, directed: !undirected } : { source, target });
      });
      return {
        type: graph.type,
        directed: graph.type === 'directed',
        multi: graph.multi,
        nodes,
        edges,
        totalNodes: graph.order,
        totalEdges: graph.size,
        truncated,
      };
    },
  );
}
