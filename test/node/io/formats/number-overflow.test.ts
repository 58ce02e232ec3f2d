/**
 * Numbers beyond float64's range (`1.8e309`) must not become Infinity silently: Python's
 * float('1.8e309') and json.loads give inf, so a reader that stores it has changed the data.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv, parseJson, readCsv, readJson, readJsonLines } from '../../../../src/index.js';
import { parseErrorOf } from '../../../helpers/parse-error.js';
import { tempDir } from './helpers.js';

const tmp = tempDir('tessera-overflow-');

describe('numbers that overflow float64', () => {
  it('overflow to inf in the reference (Python float and json.loads)', () => {
    const out = execFileSync('/usr/bin/python3', [
      '-c',
      "import json; print(float('1.8e309'), float('-1e400'), json.loads('[1.8e309]')[0])",
    ]).toString();
    expect(out.trim()).toBe('inf -inf inf');
  });

  it('are a ParseError naming the file and line in CSV', async () => {
    const file = tmp();
    fs.writeFileSync(file, 'a,b\n1,x\n2,y\n1.8e309,z\n');
    const e = await parseErrorOf(readCsv(file));
    expect(e.file).toBe(file);
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/1\.8e309/);
    const neg = await parseErrorOf(() => parseCsv('a\n-1e400\n'));
    expect(neg.line).toBe(2);
    // A float32 column overflows sooner.
    await parseErrorOf(() => parseCsv('a\n1e39\n', { types: { a: 'float32' } }));
  });

  it('keep their text when the column is typed as string; inf/Infinity literals stay infinite', () => {
    expect(
      parseCsv('a\n1.8e309\n', { types: { a: 'string' } })
        .column('a')
        .toArray(),
    ).toEqual(['1.8e309']);
    expect(parseCsv('a\ninf\n-Infinity\n1e308\n').column('a').toArray()).toEqual([
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      1e308,
    ]);
  });

  it('are a ParseError naming the file and line in JSON and JSON lines', async () => {
    const file = tmp();
    fs.writeFileSync(file, '[\n{"a": 1, "s": "1e999"},\n{"a": 1.8e309}\n]\n');
    const e = await parseErrorOf(readJson(file));
    expect(e.file).toBe(file);
    expect(e.line).toBe(3);
    const lines = tmp();
    fs.writeFileSync(lines, '{"a": 1}\n{"a": [2, -1e400]}\n');
    const l = await parseErrorOf(readJsonLines(lines));
    expect(l.line).toBe(2);
    // Big exponents that stay in range, and the same text inside strings, are fine.
    expect(parseJson('[{"a": 1e-400, "b": 1.7e308, "s": "9e999"}]').toRecords()).toEqual([
      { a: 0, b: 1.7e308, s: '9e999' },
    ]);
  });
});
