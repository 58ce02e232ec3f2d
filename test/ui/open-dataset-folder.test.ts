// A Tessera dataset folder opened in the tab (ui/src/local/open-dataset-folder.ts), here in Node
// with the folder's files as File objects: its schema (media kind included) and values equal the
// plain arrays it was written from; a flipped byte names the file; a media cell's file is found
// among the folder's files (folder-media.ts) only when it lies inside the folder.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { schemaColumns } from '../../src/core/app/schema-columns.js';
import { registeredColumn, registerFunction, unregisterFunction } from '../../src/core/column/registry.js';
import { TensorColumn } from '../../src/core/column/tensor.js';
import { CorruptDataError } from '../../src/core/errors.js';
import { DataFrame } from '../../src/core/frame/frame.js';
import { write } from '../../src/node/io/store/index.js';
import { imageColumn } from '../../src/node/media/image.js';
import { baseBelowFolder, mediaPathOf } from '../../ui/src/local/folder-media.js';
import { InTabApi } from '../../ui/src/local/in-tab-api.js';
import { frameOfFolder } from '../../ui/src/local/open-folder.js';
import type { FolderFile } from '../../ui/src/local/protocol.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-tab-dataset-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const N = 12;
const files = Array.from({ length: N }, (_, i) => (i === 7 ? '../escape.png' : `c${i % 4}.png`));
const label = (i: number) => (i % 5 === 2 ? null : `row ${i}`);

/** The files under `dir` as the page sends them: paths below it, '/'-separated. */
function folderFiles(dir: string): FolderFile[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const full = path.join(e.parentPath, e.name);
      return {
        path: path.relative(dir, full).split(path.sep).join('/'),
        file: new File([fs.readFileSync(full)], e.name),
      };
    });
}

/** A dataset folder `name` whose image column's files are in `images/` inside it (or outside, `inside: false`). */
async function datasetFolder(name: string, inside = true): Promise<string> {
  const root = path.join(tmp, name);
  const images = inside ? path.join(root, 'images') : path.join(tmp, `${name}-images`);
  const frame = new DataFrame({
    id: Int32Array.from({ length: N }, (_, i) => i * 10),
    label: Array.from({ length: N }, (_, i) => label(i)),
    emb: new TensorColumn(
      Float32Array.from({ length: N * 2 }, (_, k) => k / 2),
      [2],
    ),
    file: files,
  });
  await write(frame.withColumn('image', imageColumn(frame.column('file'), { baseDir: images })), root);
  fs.mkdirSync(images, { recursive: true });
  for (let c = 0; c < 4; c++) fs.writeFileSync(path.join(images, `c${c}.png`), `png ${c}`);
  return root;
}

async function open(root: string): Promise<DataFrame> {
  return (await frameOfFolder(folderFiles(root), path.basename(root))).frame;
}

describe('a dataset folder in the tab', () => {
  it('reads the values written and lists the image column with its media kind', async () => {
    const frame = await open(await datasetFolder('shapes'));
    expect(frame.length).toBe(N);
    expect(schemaColumns(frame).find((c) => c.name === 'image')).toMatchObject({
      kind: 'deferred',
      media: 'image',
    });
    expect(frame.column('id').toArray()).toEqual(Array.from({ length: N }, (_, i) => i * 10));
    expect(frame.column('label').toArray()).toEqual(Array.from({ length: N }, (_, i) => label(i)));
    expect(Array.from(frame.column('emb').get(3) as Float32Array)).toEqual([3, 3.5]);
  });

  it("finds a media cell's file inside the folder, and nothing for paths out of it", async () => {
    const frame = await open(await datasetFolder('photos'));
    expect(mediaPathOf(frame, 'image', 0)).toBe('images/c0.png');
    expect(mediaPathOf(frame, 'image', 6)).toBe('images/c2.png');
    expect(mediaPathOf(frame, 'image', 7)).toBeNull(); // '../escape.png' leaves the base directory
    expect(mediaPathOf(frame, 'label', 0)).toBeNull(); // not a media column
    expect(mediaPathOf(frame, 'image', N)).toBeNull();
    const outside = await open(await datasetFolder('elsewhere', false));
    expect(mediaPathOf(outside, 'image', 0)).toBeNull();
  });

  it('takes a relative base directory from the folder top and an absolute one from below the folder name', () => {
    expect(baseBelowFolder('/home/a/shapes/images', 'shapes')).toEqual(['images']);
    expect(baseBelowFolder('C:\\data\\shapes\\img\\x', 'shapes')).toEqual(['img', 'x']);
    expect(baseBelowFolder('/home/a/shapes', 'shapes')).toEqual([]);
    expect(baseBelowFolder('/home/a/other', 'shapes')).toBeNull();
    expect(baseBelowFolder('images/./small', 'shapes')).toEqual(['images', 'small']);
    expect(baseBelowFolder('../images', 'shapes')).toBeNull();
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a path template, which the tab cannot expand.
    expect(baseBelowFolder('${DATA}/images', 'shapes')).toBeNull();
    expect(baseBelowFolder(undefined, 'shapes')).toEqual([]);
  });

  it('names the damaged file when a byte of a data file is flipped', async () => {
    const root = await datasetFolder('damaged');
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8'));
    const labelFile = manifest.columns.find((c: { name: string }) => c.name === 'label').fragments[0].file
      .path;
    const bytes = fs.readFileSync(path.join(root, labelFile));
    bytes[bytes.length >> 1] ^= 1;
    fs.writeFileSync(path.join(root, labelFile), bytes);
    const frame = await open(root);
    expect(frame.column('id').toArray()).toHaveLength(N); // the other columns still read
    expect(() => frame.column('label')).toThrow(CorruptDataError);
    expect(() => frame.column('label')).toThrow(`damaged/${labelFile}`);
  });

  it('lists a computed column whose function the tab lacks, and answers its cells with a typed error', async () => {
    registerFunction('tab-test-triple', () => (x: unknown) => (x as number) * 3);
    const root = path.join(tmp, 'computed');
    const base = new DataFrame({ x: Int32Array.from([1, 2, 3]) });
    await write(base.withColumn('y', registeredColumn('tab-test-triple', [base.column('x')])), root);
    const call = async () => {
      const api = new InTabApi(await open(root), { kind: 'tessera', name: 'computed' });
      const schema = JSON.parse(
        new TextDecoder().decode((await api.handle('GET', 'api/schema', undefined)).body),
      );
      expect(schema.columns.map((c: { name: string; kind: string }) => [c.name, c.kind])).toEqual([
        ['x', 'scalar'],
        ['y', 'deferred'],
      ]);
      const reply = await api.handle('POST', 'api/cells/y', JSON.stringify({ rows: [0, 2] }));
      return { status: reply.status, body: JSON.parse(new TextDecoder().decode(reply.body)) };
    };
    // Registered in this process (as a tab that has it would): computed.
    expect(await call()).toEqual({
      status: 200,
      body: {
        cells: [
          { row: 0, value: 3 },
          { row: 2, value: 9 },
        ],
      },
    });
    unregisterFunction('tab-test-triple');
    const failed = await call();
    expect(failed.status).toBe(400);
    expect(failed.body.error.type).toBe('FunctionNotRegisteredError');
  });
});
