/**
 * Graph columns: node-link JSON (the networkx / d3 format: `{ directed, multigraph, graph, nodes:
 * [{ id, ... }], links | edges: [{ source, target, ... }] }`) and GraphML (parsed by a small XML
 * reader here; typed `<key>` attributes with defaults, `edgedefault`, per-edge `directed`) to a
 * graphology Graph. Format is chosen by content (`<` → GraphML, `{` → JSON).
 *
 * Decoding is synchronous (`col.get(i)` works). The printout `<graph 34 nodes 78 edges>` needs the
 * counts, so it parses the file (files up to {@link MAX_DESCRIBE_BYTES}; larger ones print `<graph>`).
 */
import * as graphology from 'graphology';
import { MediaDecodeError, UnsupportedMediaError } from '../../core/errors.js';
import { type MediaColumnBuilder, registerBaseDirMedia } from './builder.js';
import { type MediaPlace, resolveMediaPath } from './paths.js';
import { type MediaSource, mediaFileSize, readSourceSync, sourceName } from './source.js';

/**
 * graphology's Graph class (its ESM default export), typed through its CommonJS declarations, which
 * nest it one `default` deeper under Node's module resolution than under a bundler's.
 */
type GraphModule = typeof graphology;
type GraphClass = GraphModule extends { default: { default: infer G } }
  ? G
  : GraphModule extends { default: infer G }
    ? G
    : never;
export const Graph: GraphClass = (graphology as unknown as { Graph: GraphClass }).Graph;
export type Graph = InstanceType<GraphClass>;

/** Graph metadata. */
export interface GraphInfo {
  format: 'node-link' | 'graphml';
  type: 'directed' | 'undirected' | 'mixed';
  multi: boolean;
  nodes: number;
  edges: number;
}

export const GRAPH_FUNCTION = 'tessera.media.graph';
/** The printout parses graph files up to this size (16 MiB). */
export const MAX_DESCRIBE_BYTES = 16 * 2 ** 20;

type Attrs = Record<string, unknown>;
interface EdgeSpec {
  source: string;
  target: string;
  key?: string;
  directed?: boolean;
  attributes: Attrs;
}
interface GraphSpec {
  format: GraphInfo['format'];
  directed: boolean;
  multi: boolean;
  attributes: Attrs;
  nodes: { id: string; attributes: Attrs }[];
  edges: EdgeSpec[];
}

// ---------------------------------------------------------------------------------------------------
// Node-link JSON

function parseNodeLink(text: string, name: string): GraphSpec {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new MediaDecodeError(name, `bad JSON (${(e as Error).message})`);
  }
  const d = doc as {
    directed?: unknown;
    multigraph?: unknown;
    graph?: unknown;
    nodes?: unknown;
    links?: unknown;
    edges?: unknown;
  };
  if (typeof d !== 'object' || d === null || !Array.isArray(d.nodes))
    throw new MediaDecodeError(name, 'node-link JSON needs a "nodes" array (and "links" or "edges")');
  const links = d.links ?? d.edges ?? [];
  if (!Array.isArray(links)) throw new MediaDecodeError(name, '"links" must be an array');
  const nodes = d.nodes.map((n: unknown, k: number) => {
    if (typeof n !== 'object' || n === null) throw new MediaDecodeError(name, `node ${k} is not an object`);
    const { id, ...attributes } = n as Attrs;
    if (id === undefined || id === null) throw new MediaDecodeError(name, `node ${k} has no "id"`);
    return { id: String(id), attributes };
  });
  const edges = links.map((e: unknown, k: number): EdgeSpec => {
    if (typeof e !== 'object' || e === null) throw new MediaDecodeError(name, `link ${k} is not an object`);
    const { source, target, key, ...attributes } = e as Attrs;
    if (source === undefined || target === undefined)
      throw new MediaDecodeError(name, `link ${k} needs "source" and "target"`);
    // d3 style: source/target may be node indices when nodes have no matching id.
    const ref = (v: unknown) => String(v);
    return {
      source: ref(source),
      target: ref(target),
      ...(key !== undefined ? { key: String(key) } : {}),
      attributes,
    };
  });
  const graphAttrs =
    typeof d.graph === 'object' && d.graph !== null && !Array.isArray(d.graph) ? (d.graph as Attrs) : {};
  return {
    format: 'node-link',
    directed: d.directed === true,
    multi: d.multigraph === true,
    attributes: graphAttrs,
    nodes,
    edges,
  };
}

// ---------------------------------------------------------------------------------------------------
// A small XML reader (elements, attributes, text, CDATA, comments, entities), enough for GraphML

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, e: string) => {
    if (e[0] === '#')
      return String.fromCodePoint(e[1] === 'x' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ENTITIES[e] ?? m;
  });
}

const localName = (n: string) => n.slice(n.indexOf(':') + 1);

export function parseXml(text: string, name = 'XML'): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  let i = 0;
  const fail = (msg: string): never => {
    throw new MediaDecodeError(name, `bad XML at offset ${i}: ${msg}`);
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const top = stack[stack.length - 1];
    if (lt < 0) {
      top.text += decodeEntities(text.slice(i));
      break;
    }
    if (lt > i) top.text += decodeEntities(text.slice(i, lt));
    i = lt;
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) fail('unclosed comment');
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i + 9);
      if (end < 0) fail('unclosed CDATA');
      top.text += text.slice(i + 9, end);
      i = end + 3;
    } else if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) fail('unclosed processing instruction');
      i = end + 2;
    } else if (text.startsWith('<!', i)) {
      const end = text.indexOf('>', i + 2);
      if (end < 0) fail('unclosed declaration');
      i = end + 1;
    } else if (text.startsWith('</', i)) {
      const end = text.indexOf('>', i + 2);
      if (end < 0) fail('unclosed end tag');
      const tag = localName(text.slice(i + 2, end).trim());
      if (stack.length < 2 || top.name !== tag) fail(`</${tag}> does not close <${top.name}>`);
      stack.pop();
      i = end + 1;
    } else {
      const m = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(i, i + 256));
      if (!m) fail('bad tag');
      const el: XmlElement = { name: localName(m![1]), attrs: {}, children: [], text: '' };
      i += m![0].length;
      const attr = /\s*([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')|\s*(\/?>)/y;
      for (;;) {
        attr.lastIndex = i;
        const a = attr.exec(text);
        if (!a) fail(`bad attribute in <${el.name}>`);
        i = attr.lastIndex;
        if (a![5] !== undefined) {
          top.children.push(el);
          if (a![5] === '>') stack.push(el);
          break;
        }
        el.attrs[a![1]] = decodeEntities(a![3] ?? a![4] ?? '');
      }
    }
  }
  if (stack.length > 1) fail(`<${stack[stack.length - 1].name}> is not closed`);
  return root;
}

// ---------------------------------------------------------------------------------------------------
// GraphML

function typedValue(text: string, type: string | undefined): unknown {
  switch (type) {
    case 'boolean':
      return text.trim().toLowerCase() === 'true' || text.trim() === '1';
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return Number(text.trim());
    default:
      return text;
  }
}

function parseGraphml(text: string, name: string): GraphSpec {
  const doc = parseXml(text, name);
  const root = doc.children.find((c) => c.name === 'graphml');
  if (!root) throw new MediaDecodeError(name, 'no <graphml> root element');
  const keys = new Map<string, { name: string; type: string | undefined; for: string; default?: unknown }>();
  for (const k of root.children.filter((c) => c.name === 'key')) {
    const type = k.attrs['attr.type'];
    const def = k.children.find((c) => c.name === 'default');
    keys.set(k.attrs.id, {
      name: k.attrs['attr.name'] ?? k.attrs.id,
      type,
      for: k.attrs.for ?? 'all',
      ...(def ? { default: typedValue(def.text, type) } : {}),
    });
  }
  const graph = root.children.find((c) => c.name === 'graph');
  if (!graph) throw new MediaDecodeError(name, 'no <graph> element');
  const attrsOf = (el: XmlElement, kind: string): Attrs => {
    const out: Attrs = {};
    for (const k of keys.values())
      if ((k.for === kind || k.for === 'all') && k.default !== undefined) out[k.name] = k.default;
    for (const d of el.children)
      if (d.name === 'data') {
        const k = keys.get(d.attrs.key);
        out[k?.name ?? d.attrs.key] = typedValue(d.text, k?.type);
      }
    return out;
  };
  const directed = graph.attrs.edgedefault !== 'undirected';
  const nodes: GraphSpec['nodes'] = [];
  const edges: EdgeSpec[] = [];
  for (const c of graph.children) {
    if (c.name === 'node') {
      if (c.attrs.id === undefined) throw new MediaDecodeError(name, 'a <node> has no id');
      nodes.push({ id: c.attrs.id, attributes: attrsOf(c, 'node') });
    } else if (c.name === 'edge') {
      if (c.attrs.source === undefined || c.attrs.target === undefined)
        throw new MediaDecodeError(name, 'an <edge> needs source and target');
      edges.push({
        source: c.attrs.source,
        target: c.attrs.target,
        ...(c.attrs.id !== undefined ? { key: c.attrs.id } : {}),
        ...(c.attrs.directed !== undefined ? { directed: c.attrs.directed === 'true' } : {}),
        attributes: attrsOf(c, 'edge'),
      });
    } else if (c.name === 'hyperedge' || (c.name === 'node' && c.children.some((g) => g.name === 'graph'))) {
      throw new UnsupportedMediaError(`${name} has GraphML hyperedges or nested graphs, which are not read`);
    }
  }
  const seen = new Set<string>();
  let multi = false;
  for (const e of edges) {
    const k = `${e.source}\u0000${e.target}`;
    if (seen.has(k)) multi = true;
    seen.add(k);
  }
  return { format: 'graphml', directed, multi, attributes: attrsOf(graph, 'graph'), nodes, edges };
}

// ---------------------------------------------------------------------------------------------------

function parseGraphText(text: string, name: string): GraphSpec {
  const first = text.trimStart()[0];
  if (first === '{') return parseNodeLink(text, name);
  if (first === '<') return parseGraphml(text, name);
  throw new UnsupportedMediaError(
    `${name} is neither node-link JSON nor GraphML; graph columns read those two`,
  );
}

function buildGraph(spec: GraphSpec, name: string): Graph {
  const mixed = spec.edges.some((e) => e.directed !== undefined && e.directed !== spec.directed);
  const graph = new Graph({
    type: mixed ? 'mixed' : spec.directed ? 'directed' : 'undirected',
    multi: spec.multi,
    allowSelfLoops: true,
  });
  graph.replaceAttributes(spec.attributes);
  for (const n of spec.nodes) graph.mergeNode(n.id, n.attributes);
  try {
    for (const e of spec.edges) {
      const directed = e.directed ?? spec.directed;
      if (!graph.hasNode(e.source)) graph.addNode(e.source);
      if (!graph.hasNode(e.target)) graph.addNode(e.target);
      if (e.key !== undefined && !graph.hasEdge(e.key)) {
        if (directed) graph.addDirectedEdgeWithKey(e.key, e.source, e.target, e.attributes);
        else graph.addUndirectedEdgeWithKey(e.key, e.source, e.target, e.attributes);
      } else if (directed) graph.addDirectedEdge(e.source, e.target, e.attributes);
      else graph.addUndirectedEdge(e.source, e.target, e.attributes);
    }
  } catch (e) {
    throw new MediaDecodeError(name, (e as Error).message);
  }
  return graph;
}

function textOf(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

/** Decode a node-link JSON or GraphML file (or bytes) to a graphology Graph. */
export function decodeGraph(src: MediaSource, options: MediaPlace = {}): Graph {
  const name = sourceName(src, options);
  return buildGraph(parseGraphText(textOf(readSourceSync(src, 'graph', options)), name), name);
}

/** Node and edge counts and type (parses the file; undefined for files over MAX_DESCRIBE_BYTES). */
export function readGraphInfo(
  src: MediaSource,
  baseDir?: string,
  allowedRoots?: readonly string[],
): GraphInfo | undefined {
  const place = { baseDir, ...(allowedRoots ? { allowedRoots } : {}) };
  if (
    typeof src === 'string' &&
    mediaFileSize(resolveMediaPath(src, baseDir, allowedRoots), sourceName(src, place)) > MAX_DESCRIBE_BYTES
  )
    return undefined;
  const name = sourceName(src, place);
  const spec = parseGraphText(textOf(readSourceSync(src, 'graph', place)), name);
  const g = buildGraph(spec, name);
  return { format: spec.format, type: g.type, multi: g.multi, nodes: g.order, edges: g.size };
}

/** `<graph 34 nodes 78 edges>`. */
export function formatGraphInfo(info: GraphInfo): string {
  return `<graph ${info.nodes} node${info.nodes === 1 ? '' : 's'} ${info.edges} edge${info.edges === 1 ? '' : 's'}>`;
}

/** A column of graphs (node-link JSON or GraphML paths under baseDir, or bytes): `col.get(i)` gives a graphology Graph. */
export const graphColumn: MediaColumnBuilder<Graph> = registerBaseDirMedia<Graph, GraphInfo>(
  GRAPH_FUNCTION,
  'graph',
  decodeGraph,
  readGraphInfo,
  formatGraphInfo,
);
