import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeGraph,
  Graph,
  graphColumn,
  MediaDecodeError,
  mediaInfo,
  UnsupportedMediaError,
} from '../../../src/index.js';
import { parseXml } from '../../../src/node/media/graph.js';

const enc = (s: string) => new TextEncoder().encode(s);

const nodeLink = JSON.stringify({
  directed: false,
  multigraph: false,
  graph: { name: 'karate-ish' },
  nodes: [{ id: 0, club: 'A' }, { id: 1, club: 'B' }, { id: 'x' }],
  links: [
    { source: 0, target: 1, weight: 2.5 },
    { source: 1, target: 'x' },
  ],
});

const graphml = `<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment -->
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <key id="d0" for="node" attr.name="color" attr.type="string"><default>yellow</default></key>
  <key id="d1" for="edge" attr.name="weight" attr.type="double"/>
  <key id="d2" for="node" attr.name="seen" attr.type="boolean"/>
  <graph id="G" edgedefault="directed">
    <node id="n0"><data key="d0">green &amp; blue</data><data key="d2">true</data></node>
    <node id="n1"/>
    <node id="n2"><data key="d0"><![CDATA[<red>]]></data></node>
    <edge id="e0" source="n0" target="n1"><data key="d1">1.5</data></edge>
    <edge id="e1" source="n1" target="n2"/>
    <edge source="n2" target="n0" directed="false"/>
    <edge source="n0" target="n1"/>
  </graph>
</graphml>`;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-graph-'));
  fs.writeFileSync(path.join(dir, 'g.json'), nodeLink);
  fs.writeFileSync(path.join(dir, 'g.graphml'), graphml);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('node-link JSON', () => {
  it('reads nodes, links, attributes', () => {
    const g = decodeGraph(enc(nodeLink));
    expect(g).toBeInstanceOf(Graph);
    expect(g.type).toBe('undirected');
    expect(g.order).toBe(3);
    expect(g.size).toBe(2);
    expect(g.getNodeAttribute('0', 'club')).toBe('A');
    expect(g.getAttribute('name')).toBe('karate-ish');
    expect(g.getEdgeAttribute(g.edge('0', '1')!, 'weight')).toBe(2.5);
    expect(g.hasEdge('x', '1')).toBe(true);
  });
  it('directed multigraph with "edges" and keys', () => {
    const g = decodeGraph(
      enc(
        JSON.stringify({
          directed: true,
          multigraph: true,
          nodes: [{ id: 'a' }, { id: 'b' }],
          edges: [
            { source: 'a', target: 'b', key: 0 },
            { source: 'a', target: 'b', key: 1 },
          ],
        }),
      ),
    );
    expect(g.type).toBe('directed');
    expect(g.multi).toBe(true);
    expect(g.size).toBe(2);
  });
});

describe('GraphML', () => {
  it('reads typed keys with defaults, entities, CDATA, mixed edges, parallel edges', () => {
    const g = decodeGraph(enc(graphml));
    expect(g.order).toBe(3);
    expect(g.size).toBe(4);
    expect(g.type).toBe('mixed');
    expect(g.multi).toBe(true);
    expect(g.getNodeAttributes('n0')).toEqual({ color: 'green & blue', seen: true });
    expect(g.getNodeAttribute('n1', 'color')).toBe('yellow');
    expect(g.getNodeAttribute('n2', 'color')).toBe('<red>');
    expect(g.getEdgeAttribute('e0', 'weight')).toBe(1.5);
    expect(g.isDirected('e0')).toBe(true);
    expect(g.undirectedSize).toBe(1);
  });
  it('the XML reader rejects malformed documents', () => {
    expect(() => parseXml('<a><b></a>')).toThrow(MediaDecodeError);
    expect(() => parseXml('<a x=1/>')).toThrow(MediaDecodeError);
    expect(parseXml('<a x=\'1\' y="&#65;&#x42;">t</a>').children[0]).toMatchObject({
      name: 'a',
      attrs: { x: '1', y: 'AB' },
      text: 't',
    });
  });
});

describe('graphColumn', () => {
  it('prints counts, decodes synchronously', () => {
    const col = graphColumn(['g.json', 'g.graphml', null], { baseDir: dir });
    expect(col.type).toEqual({ kind: 'deferred', media: 'graph' });
    expect(col.format(0)).toBe('<graph 3 nodes 2 edges>');
    expect(col.format(1)).toBe('<graph 3 nodes 4 edges>');
    expect(col.format(2)).toBe('null');
    expect(mediaInfo(col, 1)).toEqual({ format: 'graphml', type: 'mixed', multi: true, nodes: 3, edges: 4 });
    expect(col.get(0)!.order).toBe(3);
  });
  it('typed errors', () => {
    expect(() => decodeGraph(enc('name,value\n1,2'))).toThrow(UnsupportedMediaError);
    expect(() => decodeGraph(enc('{"nodes": 3}'))).toThrow(MediaDecodeError);
    expect(() => decodeGraph(enc('<root/>'))).toThrow(/no <graphml>/);
  });
});
