import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, expect } from 'vitest';
import {
  type AudioValue,
  audioColumn,
  DataFrame,
  type DeferredColumn,
  type Graph,
  graphColumn,
  type ImageValue,
  imageColumn,
  LazyCell,
  type VolumeValue,
  volumeColumn,
} from '../../../src/index.js';
import { needs, PYTHON } from '../../helpers/references.js';

// Reading and printing a row of a media frame made from real files: row(i) gives lazy cells that
// print without decoding; rowAsync(i) decodes each cell as its reference does (PIL's pixels,
// ffmpeg's float samples, numpy's voxels, Python's json for the graph).
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-rows-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Python (Debian's, with PIL and numpy) writes the image, volume and graph files and prints their values. */
const WRITE_FILES = `
import json, struct, sys, numpy as np, PIL.Image as I
d = sys.argv[1]
px = np.array([[[(x * 37 + y * 11) % 256, (x * y) % 256, (200 - 9 * x) % 256] for x in range(7)] for y in range(5)], np.uint8)
I.fromarray(px, 'RGB').save(d + '/pic.png')
pixels = list(I.open(d + '/pic.png').convert('RGB').tobytes())
vox = np.arange(24, dtype='<f4').reshape(4, 3, 2) / 8 - 1   # numpy [z, y, x] = NIfTI dims (x=2, y=3, z=4)
hdr = bytearray(348)
struct.pack_into('<i', hdr, 0, 348)
struct.pack_into('<8h', hdr, 40, 3, 2, 3, 4, 1, 1, 1, 1)
struct.pack_into('<hh', hdr, 70, 16, 32)
struct.pack_into('<8f', hdr, 76, 1, 1, 1, 1, 1, 1, 1, 1)
struct.pack_into('<f', hdr, 108, 352)
hdr[344:348] = b'n+1\\0'
open(d + '/vol.nii', 'wb').write(bytes(hdr) + b'\\0' * 4 + vox.tobytes())
graph = {'directed': True, 'multigraph': False, 'graph': {}, 'nodes': [{'id': 'a'}, {'id': 'b'}, {'id': 'c'}],
         'links': [{'source': 'a', 'target': 'b'}, {'source': 'b', 'target': 'c'}]}
json.dump(graph, open(d + '/g.json', 'w'))
g = json.load(open(d + '/g.json'))
print(json.dumps({'pixels': pixels, 'voxels': [float(v) for v in vox.ravel()],
                  'nodes': [n['id'] for n in g['nodes']], 'edges': [[e['source'], e['target']] for e in g['links']]}))
`;

interface Reference {
  pixels: number[];
  voxels: number[];
  nodes: string[];
  edges: [string, string][];
  samples: Float32Array;
}

function makeFiles(): Reference {
  const printed = execFileSync(PYTHON, ['-c', WRITE_FILES, dir], { encoding: 'utf8' });
  // ffmpeg makes the audio (a 440 Hz tone, 16-bit FLAC) and decodes it to floats: the reference scale.
  const flac = path.join(dir, 'tone.flac');
  const lavfi = ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=8000:duration=0.05'];
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', ...lavfi, '-c:a', 'flac', flac]);
  const raw = execFileSync('ffmpeg', [
    '-loglevel',
    'error',
    '-i',
    flac,
    '-f',
    'f32le',
    '-acodec',
    'pcm_f32le',
    '-',
  ]);
  return { ...JSON.parse(printed), samples: new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4) };
}

/** One row per file kind, with a null second row in every media column. */
function mediaFrame(): DataFrame {
  const place = { baseDir: dir };
  return new DataFrame({ id: [1, 2] })
    .withColumn('image', imageColumn(['pic.png', null], place))
    .withColumn('audio', audioColumn(['tone.flac', null], place))
    .withColumn('volume', volumeColumn(['vol.nii', null], place))
    .withColumn('graph', graphColumn(['g.json', null], place));
}

const refs = needs('PIL', 'ffmpeg');
refs.describe('rows of a frame with image, audio, volume and graph columns', () => {
  let ref: Reference;
  beforeAll(() => {
    ref = makeFiles();
  });

  refs.it('row(i) gives lazy cells that print as the table does, naming the file, and decode nothing', () => {
    const df = mediaFrame();
    const row = df.row(0);
    expect(row.id).toBe(1);
    for (const name of ['image', 'audio', 'volume', 'graph']) {
      const cell = row[name] as LazyCell;
      expect(cell, name).toBeInstanceOf(LazyCell);
      expect(cell.toString()).toBe(df.column(name).format(0));
    }
    expect(String(row.image)).toBe('<image 7×5×3>');
    expect(String(row.volume)).toBe('<volume 2×3×4>');
    expect(inspect(row)).toContain('<image 7×5×3> pic.png');
    expect(JSON.parse(JSON.stringify(row)).graph).toBe(String(row.graph));
    expect((row.audio as LazyCell).source).toBe('tone.flac');
    // The header printout is all that was read: no row of any column was decoded.
    for (const name of ['image', 'audio', 'volume', 'graph'])
      expect(df.column<DeferredColumn>(name).cachedRows, name).toBe(0);
    // A null path is a null cell, as the loaded value would be.
    expect(df.row(-1)).toEqual({ id: 2, image: null, audio: null, volume: null, graph: null });
    // Rows, records and views hold the same cells.
    expect([...df.rows()][0].image).toBeInstanceOf(LazyCell);
    expect(df.toRecords()[0].audio).toBeInstanceOf(LazyCell);
    expect(df.take([1, 0]).row(1).volume).toBeInstanceOf(LazyCell);
  });

  refs.it('rowAsync(i) decodes every cell as its reference does', async () => {
    const row = await mediaFrame().rowAsync(0);
    const image = row.image as ImageValue;
    expect(image.shape).toEqual([5, 7, 3]);
    expect(Array.from(image.data)).toEqual(ref.pixels);
    const audio = row.audio as AudioValue;
    expect(audio.channels).toBe(1);
    expect(audio.sampleRate).toBe(8000);
    expect(audio.channelData[0]).toEqual(ref.samples);
    const volume = row.volume as VolumeValue;
    expect(volume.shape).toEqual([4, 3, 2]);
    expect(Array.from(volume.data)).toEqual(ref.voxels);
    const graph = row.graph as Graph;
    expect(graph.nodes()).toEqual(ref.nodes);
    expect(graph.mapEdges((_, __, s, t) => [s, t])).toEqual(ref.edges);
    // A cell's own load gives the same value (from the column's cache).
    expect(await (mediaFrame().row(0).image as LazyCell<ImageValue>).load()).toEqual(image);
  });

  refs.it('rowsAsync() loads every row in order; a missing file fails only its load', async () => {
    const loaded = [];
    for await (const r of mediaFrame().rowsAsync()) loaded.push(r);
    expect(loaded.map((r) => r.id)).toEqual([1, 2]);
    expect((loaded[0].image as ImageValue).width).toBe(7);
    expect(loaded[1]).toEqual({ id: 2, image: null, audio: null, volume: null, graph: null });
    const gone = new DataFrame({ id: [1] }).withColumn('audio', audioColumn(['gone.flac'], { baseDir: dir }));
    const row = gone.row(0);
    expect(String(row.audio)).toBe('<audio>');
    await expect(gone.rowAsync(0)).rejects.toThrow(/gone\.flac/);
  });
});
