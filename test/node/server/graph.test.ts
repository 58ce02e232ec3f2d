// GET /api/graph: nodes, labels and edges against the files parsed by Python's json and
// xml.etree (the test writes them with Python too); caps with truncated and totals; bad requests.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { DataFrame, graphColumn } from '../../../src/index.js';
import { createAppServer } from '../../../src/node/server/index.js';
import { needs, PYTHON } from '../../helpers/references.js';
import { type ErrorCase, expectErrorReplies, expectOutsideRefused } from './error-cases.js';

const py = needs('python3');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-server-graph-'));

interface Expected {
  directed: boolean;
  nodes: { id: string; label?: string }[];
  edges: [string, string][];
}
let expected: Expected[] = [];

// Three graphs: undirected node-link JSON with "name" labels on some nodes and an edge to an
// undeclared node; directed GraphML with a typed "label" key; a 3000-node, 12 000-edge ring lattice.
const SCRIPT = `
import json, sys, xml.etree.ElementTree as ET
out = sys.argv[1]
small = {'directed': False, 'multigraph': False, 'graph': {},
         'nodes': [{'id': 'a', 'name': 'Alpha'}, {'id': 'b'}, {'id': 7, 'name': 7}, {'id': 'c', 'label': 'Sea', 'name': 'x'}],
         'links': [{'source': 'a', 'target': 'b'}, {'source': 'b', 'target': 7}, {'source': 7, 'target': 'zz'}, {'source': 'c', 'target': 'a'}]}
json.dump(small, open(f'{out}/small.json', 'w'))
g = ET.Element('graphml', xmlns='http://graphml.graphdrawing.org/xmlns')
ET.SubElement(g, 'key', id='d0', attrib={'for': 'node', 'attr.name': 'label', 'attr.type': 'string'})
gr = ET.SubElement(g, 'graph', id='G', edgedefault='directed')
for i in range(6):
    n = ET.SubElement(gr, 'node', id=f'n{i}')
    if i % 2 == 0: ET.SubElement(n, 'data', key='d0').text = f'node <{i}> &amp'
for s, t in [(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3), (0, 3)]:
    ET.SubElement(gr, 'edge', source=f'n{s}', target=f'n{t}')
ET.ElementTree(g).write(f'{out}/small.graphml', xml_declaration=True, encoding='utf-8')
big = {'directed': False, 'multigraph': False, 'graph': {}, 'nodes': [{'id': i} for i in range(3000)],
       'links': [{'source': i, 'target': (i + k) % 3000} for i in range(3000) for k in (1, 2, 3, 4)]}
json.dump(big, open(f'{out}/big.json', 'w'))

def from_json(path):
    d = json.load(open(path))
    nodes, seen = [], set()
    def add(i, attrs):
        if str(i) in seen: return
        seen.add(str(i))
        label = attrs.get('label', attrs.get('name'))
        nodes.append({'id': str(i), **({'label': str(label)} if isinstance(label, (str, int, float)) else {})})
    for n in d['nodes']: add(n['id'], n)
    edges = []
    for e in d['links']:
        add(e['source'], {}); add(e['target'], {})
        edges.append([str(e['source']), str(e['target'])])
    return {'directed': d['directed'], 'nodes': nodes, 'edges': edges}

def from_graphml(path):
    ns = {'g': 'http://graphml.graphdrawing.org/xmlns'}
    root = ET.parse(path).getroot()
    graph = root.find('g:graph', ns)
    nodes = []
    for n in graph.findall('g:node', ns):
        d = n.find('g:data', ns)
        nodes.append({'id': n.get('id'), **({'label': d.text} if d is not None else {})})
    edges = [[e.get('source'), e.get('target')] for e in graph.findall('g:edge', ns)]
    return {'directed': graph.get('edgedefault') == 'directed', 'nodes': nodes, 'edges': edges}

print(json.dumps([from_json(f'{out}/small.json'), from_graphml(f'{out}/small.graphml'), from_json(f'{out}/big.json')]))
`;

beforeAll(() => {
  if (!py.present) return;
  expected = JSON.parse(execFileSync(PYTHON, ['-c', SCRIPT, tmp], { encoding: 'utf8' }));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function frame(): DataFrame {
  return new DataFrame({ id: [0, 1, 2] }).withColumn(
    'g',
    graphColumn(['small.json', 'small.graphml', 'big.json'], { baseDir: tmp }),
  );
}

py.describe('GET /api/graph/:column/:row', () => {
  py.it('gives the nodes, labels and edges of node-link JSON and GraphML files', async () => {
    const app = await createAppServer(frame(), { mediaRoots: [tmp] });
    for (const row of [0, 1]) {
      const res = await app.inject({ url: `/api/graph/g/${row}` });
      expect(res.statusCode).toBe(200);
      const got = res.json();
      const want = expected[row];
      expect(got.nodes).toEqual(want.nodes);
      expect(got.edges.map((e: { source: string; target: string }) => [e.source, e.target])).toEqual(
        want.edges,
      );
      expect(got.directed).toBe(want.directed);
      expect(got.type).toBe(want.directed ? 'directed' : 'undirected');
      expect([got.totalNodes, got.totalEdges, got.truncated]).toEqual([
        want.nodes.length,
        want.edges.length,
        false,
      ]);
    }
    expect(expected[1].nodes[0]).toEqual({ id: 'n0', label: 'node <0> &amp' }); // escaped in the file
  });

  py.it('caps a huge graph: the first nodes, the edges between them, totals and truncated', async () => {
    const app = await createAppServer(frame(), { mediaRoots: [tmp] });
    const want = expected[2];
    const capped = (maxNodes: number, maxEdges: number) => {
      const nodes = want.nodes.slice(0, maxNodes);
      const ids = new Set(nodes.map((n) => n.id));
      const edges = want.edges.filter(([s, t]) => ids.has(s) && ids.has(t)).slice(0, maxEdges);
      return { nodes, edges };
    };
    const cases: [string, number, number][] = [
      ['', 2000, 10_000],
      ['?maxNodes=10', 10, 10_000],
      ['?maxNodes=3000&maxEdges=5', 3000, 5],
    ];
    for (const [query, maxNodes, maxEdges] of cases) {
      const got = (await app.inject({ url: `/api/graph/g/2${query}` })).json();
      const ref = capped(maxNodes, maxEdges);
      expect(got.nodes, query).toEqual(ref.nodes);
      expect(
        got.edges.map((e: { source: string; target: string }) => [e.source, e.target]),
        query,
      ).toEqual(ref.edges);
      expect([got.totalNodes, got.totalEdges, got.truncated], query).toEqual([3000, 12_000, true]);
    }
    const whole = (await app.inject({ url: '/api/graph/g/2?maxNodes=3000&maxEdges=12000' })).json();
    expect([whole.nodes.length, whole.edges.length, whole.truncated]).toEqual([3000, 12_000, false]);
  });

  py.it('refuses bad requests with typed 4xx errors', async () => {
    const app = await createAppServer(frame(), { mediaRoots: [tmp] });
    const cases: ErrorCase[] = [
      ['/api/graph/g/3', 404, 'IndexOutOfRangeError'],
      ['/api/graph/g/0?maxNodes=0', 400, 'InvalidArgumentError'],
      ['/api/graph/g/0?maxEdges=x', 400, 'InvalidArgumentError'],
      ['/api/graph/g/0?file=../x', 400, 'InvalidArgumentError'],
      ['/api/graph/id/0', 400, 'InvalidArgumentError'],
      ['/api/graph/nope/0', 404, 'ColumnNotFoundError'],
    ];
    await expectErrorReplies(app, cases);
    // Cells naming files outside the granted folder are refused, whatever the route.
    const outside = await createAppServer(
      new DataFrame({ id: [0, 1] }).withColumn(
        'x',
        graphColumn(['../outside.json', '/etc/passwd'], { baseDir: tmp }),
      ),
      {
        mediaRoots: [tmp],
      },
    );
    await expectOutsideRefused(outside, ['/api/graph/x/0', '/api/graph/x/1']);
  });
});
