/**
 * Prototype pollution: a JSON key or column named `__proto__` became the prototype of rows and
 * records (`row(0).isAdmin === true` after `"__proto__": {"isAdmin": true}`) and its data was lost;
 * `constructor` / `toString` found Object.prototype's functions as values or type hints.
 * Rows are plain objects (prototype Object.prototype) whose every column is an own property.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DataFrame,
  jsonRecords,
  parseJson,
  type Row,
  read,
  readCsv,
  readJsonLines,
  readJsonLinesBatches,
  writeCsv,
  writeJsonLines,
} from '../../../../src/index.js';
import { tempDir } from './helpers.js';

const tmp = tempDir('tessera-proto-');
const hostileLine = '{"id":1,"__proto__":{"isAdmin":true},"constructor":"c1","toString":"t1"}';
const plainLine = '{"id":2}';

afterEach(() => {
  // Nothing may reach the shared prototype.
  expect(({} as Row).isAdmin).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('isAdmin');
});

/** Asserts `row` is a normal object whose own `__proto__` / `constructor` / `toString` hold `cells`. */
function expectOwnCells(row: Row, cells: { proto: unknown; ctor: unknown; str: unknown }): void {
  expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  expect(row.isAdmin).toBeUndefined();
  expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toEqual(cells.proto);
  expect(Object.hasOwn(row, 'constructor') && row.constructor).toBe(cells.ctor);
  expect(Object.hasOwn(row, 'toString') && row.toString).toBe(cells.str);
}

describe('__proto__, constructor and toString as keys and column names', () => {
  it('readJsonLines keeps them as columns; row() and toRecords() as own properties', async () => {
    const file = tmp();
    fs.writeFileSync(file, `${hostileLine}\n${plainLine}\n`);
    const df = await readJsonLines(file);
    expect(df.columnNames).toEqual(['id', '__proto__', 'constructor', 'toString']);
    expectOwnCells(df.row(0), { proto: { isAdmin: true }, ctor: 'c1', str: 't1' });
    // The record without those keys has nulls there, not Object.prototype's functions.
    expectOwnCells(df.row(1), { proto: null, ctor: null, str: null });
    expectOwnCells(df.toRecords()[0], { proto: { isAdmin: true }, ctor: 'c1', str: 't1' });
    expectOwnCells(jsonRecords(df)[0], { proto: { isAdmin: true }, ctor: 'c1', str: 't1' });
    expect(Object.keys(df.row(0))).toEqual(df.columnNames);
  });

  it('readJsonLinesBatches reads later batches with them (was: "constructor" does not fit its type)', async () => {
    const file = tmp();
    fs.writeFileSync(file, `${hostileLine}\n${plainLine}\n${hostileLine}\n`);
    const rows: Row[] = [];
    for await (const b of readJsonLinesBatches(file, { batchRows: 1 })) rows.push(...b.toRecords());
    expect(rows).toHaveLength(3);
    expectOwnCells(rows[1], { proto: null, ctor: null, str: null });
    expectOwnCells(rows[2], { proto: { isAdmin: true }, ctor: 'c1', str: 't1' });
  });

  it('round-trip through writeJsonLines, writeCsv and the store with their data', async () => {
    const df = parseJson(`[${hostileLine},${plainLine}]`);
    const lines = tmp();
    await writeJsonLines(df, lines);
    expect(fs.readFileSync(lines, 'utf8').split('\n')[0]).toBe(hostileLine);
    const back = await readJsonLines(lines);
    expectOwnCells(back.row(0), { proto: { isAdmin: true }, ctor: 'c1', str: 't1' });

    const csv = tmp();
    await writeCsv(df, csv);
    // JSON.parse, as a `{ __proto__: ... }` literal would set the prototype of the options object.
    const fromCsv = await readCsv(csv, { types: JSON.parse('{"__proto__": "object"}') });
    expect(fromCsv.columnNames).toEqual(df.columnNames);
    expectOwnCells(fromCsv.row(0), { proto: { isAdmin: true }, ctor: 'c1', str: 't1' });

    const root = path.join(tmp(), 'ds');
    await df.write(root);
    const stored = await read(root);
    expect(stored.columnNames).toEqual(df.columnNames);
    expectOwnCells(stored.row(0), { proto: { isAdmin: true }, ctor: 'c1', str: 't1' });
    expectOwnCells(stored.row(1), { proto: null, ctor: null, str: null });
  });

  it('CSV headers named so are plain columns (types for other columns are not confused by them)', async () => {
    const file = tmp();
    fs.writeFileSync(file, '__proto__,constructor,toString,n\n{"isAdmin": true},2,x,3\n');
    const df = await readCsv(file, { types: { n: 'int32' } });
    expect(df.schema.map((f) => (f.type.kind === 'scalar' ? f.type.dtype : f.type.kind))).toEqual([
      'string',
      'int32',
      'string',
      'int32',
    ]);
    expectOwnCells(df.row(0), { proto: '{"isAdmin": true}', ctor: 2, str: 'x' });
  });

  it('DataFrame.fromRecords and new DataFrame keep a __proto__ column of parsed records', () => {
    const records = [JSON.parse(hostileLine), JSON.parse(plainLine)] as Row[];
    const df = DataFrame.fromRecords(records);
    expect(df.columnNames).toEqual(['id', '__proto__', 'constructor', 'toString']);
    expectOwnCells(df.row(0), { proto: { isAdmin: true }, ctor: 'c1', str: 't1' });
    const byColumn = new DataFrame(Object.fromEntries([['__proto__', [{ isAdmin: true }]]]));
    expect(byColumn.columnNames).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(byColumn.row(0), '__proto__')?.value).toEqual({ isAdmin: true });
  });

  it('df.batches() gives a __proto__ column as an own property of the batch columns', async () => {
    const df = new DataFrame(
      Object.fromEntries([
        ['__proto__', [1, 2]],
        ['id', [3, 4]],
      ]),
    );
    for await (const b of df.batches({ batchSize: 2 })) {
      expect(Object.getPrototypeOf(b.columns)).toBe(Object.prototype);
      expect(Object.keys(b.columns)).toEqual(['__proto__', 'id']);
      expect(Array.from(Object.getOwnPropertyDescriptor(b.columns, '__proto__')?.value.data)).toEqual([1, 2]);
    }
  });
});
