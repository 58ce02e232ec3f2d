// addColumns: a new version with the added column, written as a new file beside the old ones (the
// existing columns keep their files, byte for byte); the added tensor loads with numpy's np.load
// (the reference); the previous version still reads without it; a name already there or a column of
// another length is refused and commits nothing.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { expect } from 'vitest';
import {
  DataFrame,
  DuplicateColumnError,
  LengthMismatchError,
  read,
  readManifest,
  TensorColumn,
  write,
} from '../../../../src/index.js';
import { addColumns } from '../../../../src/node/io/store/add-columns.js';
import { needs, PYTHON } from '../../../helpers/references.js';
import { tempDatasets } from './helpers.js';

const dataset = tempDatasets('tessera-add-columns-');
const numpy = needs('numpy');

numpy.describe('addColumns', () => {
  numpy.it('commits a version with the new column and leaves the others’ files as they were', async () => {
    const root = dataset();
    await write(new DataFrame({ id: [1, 2, 3], name: ['a', 'b', 'c'] }), root);
    const before = await readManifest(root);
    const xy = Float32Array.from([0.5, -1, 2, 3.25, -4, 5]);
    const result = await addColumns(root, { 'e.map.pca': new TensorColumn(xy, [2]) });
    expect(result.version).toBe(2);
    const after = await readManifest(root);
    expect(after.columns.slice(0, 2)).toEqual(before.columns);
    const added = after.columns[2] as { name: string; fragments: { data: { path: string } }[] };
    expect(added.name).toBe('e.map.pca');
    const loaded = execFileSync(
      PYTHON,
      [
        '-c',
        'import sys, json, numpy as np; print(json.dumps(np.load(sys.argv[1]).tolist()))',
        path.join(root, added.fragments[0].data.path),
      ],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(loaded)).toEqual([
      [0.5, -1],
      [2, 3.25],
      [-4, 5],
    ]);
    const frame = await read(root);
    expect(frame.columnNames).toEqual(['id', 'name', 'e.map.pca']);
    expect(frame.column('name').toArray()).toEqual(['a', 'b', 'c']);
    expect((await read(root, { version: 1 })).columnNames).toEqual(['id', 'name']);
  });

  numpy.it('refuses a name the dataset has and a column of another length, committing nothing', async () => {
    const root = dataset();
    await write(new DataFrame({ id: [1, 2, 3] }), root);
    await expect(addColumns(root, { id: new TensorColumn(new Float32Array(6), [2]) })).rejects.toThrow(
      DuplicateColumnError,
    );
    await expect(addColumns(root, { xy: new TensorColumn(new Float32Array(4), [2]) })).rejects.toThrow(
      LengthMismatchError,
    );
    expect((await readManifest(root)).version).toBe(1);
  });
});
