// `tessera demo --check`: builds the demo dataset, serves it, loads it in headless Chromium and exits 0.
// The dataset is checked against independent readers: PIL decodes the images (sizes, background
// colour), ffmpeg decodes the audio clips (samples equal the synthesised tone), Python reads the
// NIfTI header and voxels, the graph JSON and the predictions' .npy with numpy; the planted label
// error shows in the held-out accuracy.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_BACKGROUNDS,
  DEMO_SAMPLE_RATE,
  DEMO_TONES,
  PLANTED_BACKGROUND,
  toneSample,
} from '../../src/cli/demo-dataset.js';
import { type DataFrame, type DeferredColumn, read, type VolumeValue } from '../../src/index.js';
import { ensureUiBuilt } from '../e2e/browser.js';
import { tessera } from '../helpers/cli.js';
import { needs, PYTHON } from '../helpers/references.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-demo-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Run a Python script with args; its stdout parsed as JSON. */
function python(script: string, ...args: string[]): unknown {
  return JSON.parse(execFileSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 }));
}

const PIL_IMAGES = `
import json, sys
from PIL import Image
out = []
for f in sys.argv[2:]:
    im = Image.open(sys.argv[1] + '/' + f)
    out.append([im.size[0], im.size[1], im.mode, list(im.convert('RGB').getpixel((0, 0)))])
print(json.dumps(out))
`;

const NIFTI_AND_GRAPH = `
import json, struct, sys
import numpy as np
b = open(sys.argv[1], 'rb').read()
dims = struct.unpack_from('<8h', b, 40)
vox = struct.unpack_from('<f', b, 108)[0]
data = np.frombuffer(b, dtype=np.uint8, offset=int(vox))
g = json.load(open(sys.argv[2]))
print(json.dumps({'sizeof_hdr': struct.unpack_from('<i', b, 0)[0], 'magic': b[344:348].decode('latin1'),
  'dims': dims, 'datatype': struct.unpack_from('<h', b, 70)[0], 'sum': int(data.sum()), 'n': int(data.size),
  'nodes': len(g['nodes']), 'links': len(g['links'])}))
`;

const NPY_ARGMAX = `
import json, sys
import numpy as np
print(json.dumps(np.load(sys.argv[1]).argmax(axis=1).tolist()))
`;

const all = needs('chromium', 'PIL', 'numpy', 'ffmpeg');

all.describe('tessera demo --check', () => {
  const out = path.join(dir, 'demo');
  const shot = path.join(dir, 'app.png');
  let run: { code: number; stdout: string; stderr: string };
  let frame: DataFrame;

  beforeAll(async () => {
    await ensureUiBuilt();
    run = await tessera('demo', '--check', '--out', out, '--screenshot', shot);
    if (run.code === 0)
      frame = await read(path.join(out, 'shapes'), { mediaRoots: [path.join(out, 'media')] });
  }, 90_000);

  it('exits 0 after the page showed rows and thumbnails, and saves the screenshot', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /Checked: the app at http:\/\/127\.0\.0\.1:\d+\/\?token=\S+ showed rows and thumbnails/,
    );
    const [[width, height]] = python(PIL_IMAGES, dir, 'app.png') as number[][];
    expect([width, height]).toEqual([1400, 720]);
  });

  it('wrote images that PIL decodes to the sizes and backgrounds the dataset records', () => {
    const files = frame.column('image_file').toArray() as string[];
    const decoded = python(PIL_IMAGES, path.join(out, 'media'), ...files) as [
      number,
      number,
      string,
      number[],
    ][];
    const images = frame.column<DeferredColumn>('image');
    const backgrounds = frame.column('background').toArray() as (keyof typeof DEMO_BACKGROUNDS)[];
    expect(frame.length).toBe(200);
    decoded.forEach(([width, height, mode, corner], i) => {
      expect(images.format(i)).toBe(`<image ${width}×${height}×3>`);
      expect(mode).toBe('RGB');
      const hex = DEMO_BACKGROUNDS[backgrounds[i]];
      expect(corner).toEqual([1, 3, 5].map((k) => Number.parseInt(hex.slice(k, k + 2), 16)));
    });
  });

  it("wrote each shape's tone as audio that ffmpeg decodes to the synthesised samples", () => {
    const sounds = frame.column('sound_file').toArray() as string[];
    const files = frame.column('image_file').toArray() as string[];
    expect(sounds).toEqual(files.map((f) => `audio/${f.slice(f.indexOf('-') + 1, -4)}.wav`));
    for (const [shape, frequency] of Object.entries(DEMO_TONES)) {
      const raw = execFileSync('ffmpeg', [
        ...['-loglevel', 'error', '-i', path.join(out, 'media', 'audio', `${shape}.wav`)],
        ...['-f', 's16le', '-acodec', 'pcm_s16le', '-'],
      ]);
      const samples = new Int16Array(raw.buffer, raw.byteOffset, raw.length / 2);
      expect(samples.length).toBe(DEMO_SAMPLE_RATE / 2);
      const expected = Int16Array.from(samples, (_, n) => toneSample(frequency, n));
      expect(samples).toEqual(expected);
    }
  });

  it('wrote NIfTI volumes and node-link graphs that Python reads as the columns decode them', async () => {
    const volumes = frame.column<DeferredColumn<VolumeValue>>('volume');
    const [volume] = await volumes.load([1]);
    const file = (name: string) => path.join(out, 'media', frame.column(name).get(1) as string);
    const ref = python(NIFTI_AND_GRAPH, file('volume_file'), file('graph_file')) as Record<string, unknown>;
    expect(ref).toMatchObject({ sizeof_hdr: 348, magic: 'n+1\0', datatype: 2, nodes: 8, links: 9 });
    expect(ref.dims).toEqual([3, 24, 24, 24, 1, 1, 1, 1]);
    expect(volume?.data.length).toBe(ref.n);
    expect(Array.from(volume?.data ?? []).reduce((a, b) => a + b, 0)).toBe(ref.sum);
    expect(frame.column('volume_file').get(4)).toBe(frame.column('volume_file').get(1));
  });

  it('holds predictions that agree with numpy and fail on the planted background', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'shapes', 'manifest.json'), 'utf8'));
    const probs = manifest.columns.find((c: { name: string }) => c.name === 'probs');
    const argmax = python(NPY_ARGMAX, path.join(out, 'shapes', probs.fragments[0].data.path)) as number[];
    const pred = frame.column('pred').toArray() as string[];
    expect(pred).toEqual(argmax.map((k) => ['circle', 'square', 'triangle'][k]));
    const label = frame.column('label').toArray() as string[];
    const split = frame.column('split').toArray() as string[];
    const background = frame.column('background').toArray() as string[];
    const accuracy = (planted: boolean) => {
      const rows = label.flatMap((_, i) =>
        split[i] === 'test' && (background[i] === PLANTED_BACKGROUND) === planted ? [i] : [],
      );
      return rows.filter((i) => pred[i] === label[i]).length / rows.length;
    };
    expect(accuracy(false)).toBeGreaterThan(0.9);
    expect(accuracy(true)).toBeLessThan(accuracy(false) - 0.3);
  });
});

describe('tessera demo, refusals in one line before any work', () => {
  it('refuses an --out folder that holds other files, and keeps them', async () => {
    const busy = path.join(dir, 'busy');
    fs.mkdirSync(busy);
    fs.writeFileSync(path.join(busy, 'notes.txt'), 'mine');
    const r = await tessera('demo', '--out', busy);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/InvalidArgumentError: --out .* holds other files \(notes\.txt\)/);
    expect(fs.readdirSync(busy)).toEqual(['notes.txt']);
  }, 30_000);

  it('names the missing browser for --check', async () => {
    const r = await tessera(
      'demo',
      '--check',
      '--browser',
      path.join(dir, 'no-chromium'),
      '--out',
      path.join(dir, 'x'),
    );
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /BrowserNotFoundError: no Chromium at .*no-chromium; install it .* --browser PATH/,
    );
    expect(fs.existsSync(path.join(dir, 'x'))).toBe(false);
  }, 30_000);
});

describe('tessera demo', () => {
  it('serves the app on the dataset until Ctrl-C, then exits 0', async () => {
    const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', main, 'demo', '--out', path.join(dir, 'served')],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += String(d);
          const found = out.split('\n').find((l) => l.startsWith('Tessera app: ') && out.endsWith('\n'));
          if (found) resolve(found);
        });
        void exited.then((code) => reject(new Error(`exited ${code}`)));
      });
      expect(line).toMatch(/^Tessera app: http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+ {2}\(Ctrl-C stops it\)$/);
      const url = new URL(line.split(' ')[2]);
      expect(await (await fetch(new URL('/api/schema', url))).json()).toMatchObject({
        source: { kind: 'dataset', name: 'shapes' },
        rows: 200,
      });
      const thumbnail = await fetch(new URL('/api/thumbnails/image/0', url));
      expect(thumbnail.status).toBe(200);
      expect(thumbnail.headers.get('content-type')).toMatch(/^image\//);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
