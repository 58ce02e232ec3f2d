/**
 * Parsing bombs: JSON nested 200,000 deep overflowed the stack (`RangeError: Maximum call stack size
 * exceeded`) in type inference, printing and writing. Every reader bounds the nesting first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DataFrame,
  ParseError,
  parseJson,
  read,
  readJson,
  readJsonLines,
  readJsonLinesBatches,
} from '../../../../src/index.js';
import { crc32 } from '../../../../src/node/io/store/checksum.js';
import { serializeManifest } from '../../../../src/node/io/store/manifest-write.js';
import { tempDir } from './helpers.js';

const tmp = tempDir('tessera-json-depth-');
const N = 200_000;
const deepArray = `${'['.repeat(N)}${']'.repeat(N)}`;
const deepObject = `${'{"a":'.repeat(N)}1${'}'.repeat(N)}`;
const bombs = { arrays: deepArray, objects: deepObject };

async function allBatches(file: string): Promise<number> {
  let rows = 0;
  for await (const b of readJsonLinesBatches(file, { batchRows: 1 })) rows += b.length;
  return rows;
}

describe('JSON nested 200,000 deep', () => {
  for (const [kind, bomb] of Object.entries(bombs)) {
    it(`is a ParseError naming the file and line, quickly (${kind})`, async () => {
      const started = performance.now();
      expect(() => parseJson(`[{"x":${bomb}}]`)).toThrow(ParseError);
      expect(() => parseJson(bomb)).toThrow(/nested deeper than 1000 levels/);
      const json = tmp();
      fs.writeFileSync(json, `[\n{"x": 1},\n{"x": ${bomb}}\n]`);
      await expect(readJson(json)).rejects.toMatchObject({ name: 'ParseError', file: json, line: 3 });
      const lines = tmp();
      fs.writeFileSync(lines, `{"x": 1}\n\n{"x": ${bomb}}\n`);
      await expect(readJsonLines(lines)).rejects.toMatchObject({ name: 'ParseError', file: lines, line: 3 });
      await expect(allBatches(lines)).rejects.toMatchObject({ name: 'ParseError', file: lines, line: 3 });
      expect(performance.now() - started).toBeLessThan(2000);
    });
  }

  it('a stored object column holding one is a ParseError naming the data file, at load', async () => {
    const root = path.join(tmp(), 'ds');
    await new DataFrame({ id: [1, 2], o: [{ a: 1 }, [2]] }).write(root);
    const manifestFile = path.join(root, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    delete manifest.checksum;
    const fragment = manifest.columns.find((c: { name: string }) => c.name === 'o').fragments[0];
    const file = path.join(root, fragment.file.path);
    // A dataset from someone else: a valid manifest and checksum over a hostile data file.
    const bytes = new TextEncoder().encode(`{"a":1}\n${deepArray}\n`);
    fs.writeFileSync(file, bytes);
    fragment.file.bytes = bytes.length;
    fragment.file.crc32 = crc32(bytes);
    fs.writeFileSync(manifestFile, serializeManifest(manifest));
    fs.writeFileSync(path.join(root, '_versions', `${manifest.version}.json`), serializeManifest(manifest));
    const df = await read(root);
    expect(df.column('id').toArray()).toEqual([1, 2]);
    expect(() => df.column('o')).toThrow(ParseError);
    expect(() => df.column('o')).toThrow(`${file}, line 2`);
  });
});

describe('maxDepth', () => {
  it('accepts nesting up to the bound (the record counts as one level) and can be raised', async () => {
    const nested = (d: number) => `${'['.repeat(d)}${']'.repeat(d)}`;
    const file = tmp();
    fs.writeFileSync(file, `{"x": ${nested(999)}}\n`);
    expect((await readJsonLines(file)).length).toBe(1);
    fs.writeFileSync(file, `{"x": ${nested(1000)}}\n`);
    await expect(readJsonLines(file)).rejects.toThrow(ParseError);
    expect((await readJsonLines(file, { maxDepth: 1001 })).length).toBe(1);
    expect(parseJson(`[{"x": ${nested(1500)}}]`, { maxDepth: 2000 }).length).toBe(1);
    expect(() => parseJson('[]', { maxDepth: 0 })).toThrow(/maxDepth must be a positive integer/);
  });
});
