import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll } from 'vitest';
import type { Row } from '../../../../src/index.js';

export const DATA = fileURLToPath(new URL('../../../../node_modules/vega-datasets/data/', import.meta.url));

/** A temporary directory for this test file, removed after it. */
export function tempDir(prefix: string): () => string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  let n = 0;
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return () => path.join(dir, `f${n++}`);
}

/** Rows of a DuckDB query (a fresh in-memory database). */
export async function duckdb(query: string): Promise<Row[]> {
  const inst = await DuckDBInstance.create();
  const con = await inst.connect();
  try {
    return (await con.runAndReadAll(query)).getRowObjects() as Row[];
  } finally {
    con.closeSync();
  }
}

/** Cells in a comparable form: typed arrays as arrays, Dates as ms, bigints as numbers. */
export function comparable(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'bigint') return Number(v);
  return v;
}

export function comparableRows(rows: Row[]): Row[] {
  return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, comparable(v)])));
}
