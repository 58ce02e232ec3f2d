// One image pipeline for every encoder: `encoder.encode([path])`, `encode([bytes])` and `df.embed`
// over an image column of the same file give identical vectors, and the model's input tensor is
// PIL's `convert('RGB').resize(size, Image.LANCZOS, reducing_gap=2.0)` of the file within a stated
// tolerance (sharp's default kernel is Lanczos-3 after a box shrink by the integer part of the
// factor, which is what reducing_gap=2.0 does in PIL; the two differ by rounding and kernel edges).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { DataFrame, type TensorColumn } from '../../../src/core/index.js';
import { imageColumn } from '../../../src/node/media/image.js';
import { checkImagePreprocessing, imageBatch } from '../../../src/node/models/image-input.js';
import { mobileNetV2Encoder } from '../../../src/node/models/mobilenet.js';
import { needs, PYTHON } from '../../helpers/references.js';

const pil = needs('PIL', 'numpy');
let dir: string;

const python = (script: string, ...args: string[]) =>
  execFileSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8' });

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-image-pipeline-'));
  if (!pil.present) return;
  // A 3000 × 2000 photo-like JPEG (gradients, shapes, some noise) whose EXIF says "rotate 90°",
  // and an RGBA PNG whose transparent pixels hold colours that must not bleed into the resize.
  python(
    `
import sys, numpy as np
from PIL import Image
d = sys.argv[1]
rng = np.random.default_rng(7)
h, w = 2000, 3000
y, x = np.mgrid[0:h, 0:w]
a = np.stack([x * 255 / w, y * 255 / h, 128 + 100 * np.sin(x / 97.0) * np.cos(y / 61.0)], -1)
a[(x - 1800) ** 2 + (y - 700) ** 2 < 400 ** 2] = [250, 220, 40]
a[1200:1500, 300:1400] = [20, 30, 200]
a = (a + rng.normal(0, 6, a.shape)).clip(0, 255).astype(np.uint8)
im = Image.fromarray(a)
exif = im.getexif()
exif[0x0112] = 6
im.save(d + '/big.jpg', quality=92, exif=exif)
h, w = 300, 450
y, x = np.mgrid[0:h, 0:w]
rgba = np.stack([x * 255 // w, y * 255 // h, 255 - x * 255 // w, (x * 7 + y * 3) % 256], -1).astype(np.uint8)
rgba[::2, ::3, :3] = [255, 0, 255]
Image.fromarray(rgba, 'RGBA').save(d + '/alpha.png')
`,
    dir,
  );
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** PIL's model input for `file`: RGB, resized to 224 × 224 with Lanczos (reducing_gap 2), in 0..1. */
function pilInput(file: string): Float32Array {
  const out = path.join(dir, `${path.basename(file)}.pil.f32`);
  python(
    `
import sys, numpy as np
from PIL import Image
im = Image.open(sys.argv[1]).convert('RGB').resize((224, 224), Image.LANCZOS, reducing_gap=2.0)
(np.asarray(im, dtype=np.float32) / 255).astype('<f4').tofile(sys.argv[2])
`,
    file,
    out,
  );
  const bytes = fs.readFileSync(out);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

pil.describe('one image pipeline', () => {
  pil.it(
    'gives bit-identical vectors for a large EXIF-rotated JPEG (and an RGBA PNG) through encode(path), encode(bytes) and df.embed',
    async () => {
      const encoder = mobileNetV2Encoder({ baseDir: dir, threads: 1 });
      const fromPath = await encoder.encode(['big.jpg']);
      const fromBytes = await encoder.encode([new Uint8Array(fs.readFileSync(path.join(dir, 'big.jpg')))]);
      const files = new DataFrame({ file: ['big.jpg'] });
      const df = files.withColumn('image', imageColumn(files.column('file'), { baseDir: dir }));
      const embedded = ((await df.embed('image', encoder)) as TensorColumn).data;
      expect(fromBytes).toEqual(fromPath);
      expect(embedded).toEqual(fromPath);
      // An RGBA file too, from a column as stored or decoded to RGB: alpha is dropped before the resize.
      const alpha = new DataFrame({ file: ['alpha.png'] });
      for (const channels of [undefined, 3 as const]) {
        const col = imageColumn(alpha.column('file'), { baseDir: dir, ...(channels ? { channels } : {}) });
        const vectors = ((await alpha.withColumn('image', col).embed('image', encoder)) as TensorColumn).data;
        expect(vectors, `channels: ${channels}`).toEqual(await encoder.encode(['alpha.png']));
      }
      await encoder.dispose?.();
    },
  );

  pil.it("brings files to the model's input as PIL's Lanczos resize does, within rounding", async () => {
    const p = checkImagePreprocessing({ width: 224, height: 224, fit: 'fill', layout: 'nhwc' });
    for (const file of ['big.jpg', 'alpha.png']) {
      const { data, dims } = await imageBatch([file], p, dir);
      expect(dims).toEqual([1, 224, 224, 3]);
      const reference = pilInput(path.join(dir, file));
      let sum = 0;
      let max = 0;
      let over = 0;
      for (let i = 0; i < data.length; i++) {
        const d = Math.abs(data[i] - reference[i]) * 255;
        sum += d;
        max = Math.max(max, d);
        if (d > 1.5) over++;
      }
      // Measured (sharp 0.35, Debian PIL): big.jpg mean 0.25, max 2 levels of 255; alpha.png mean
      // 0.23, max 7, 0.3% of values off by more than one level. Neither is rotated: PIL's
      // Image.open does not apply the EXIF orientation, nor does Tessera by default.
      expect(sum / data.length, `${file}: mean difference in levels`).toBeLessThan(0.5);
      expect(max, `${file}: largest difference in levels`).toBeLessThanOrEqual(10);
      expect(over / data.length, `${file}: share of values off by more than one level`).toBeLessThan(0.01);
    }
  });
});
