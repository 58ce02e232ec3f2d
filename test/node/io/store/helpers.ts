/** Shared helpers of the store tests: temporary dataset directories and file listings. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll } from 'vitest';

/** A function giving fresh dataset paths under one temporary directory, removed after the file's tests. */
export function tempDatasets(prefix = 'tessera-store-'): (name?: string) => string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  let n = 0;
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return (name = 'ds') => path.join(dir, `${name}-${n++}`);
}

/** Data files of a dataset (absolute paths), sorted. */
export function dataFiles(root: string): string[] {
  return fs
    .readdirSync(path.join(root, 'data'))
    .map((n) => path.join(root, 'data', n))
    .sort();
}

/** Plain comparable values: typed arrays as arrays, bigints as strings, Dates as ISO text. */
export function plainValue(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Date) return v.toISOString();
  return v;
}

export function plainRecords(records: Record<string, unknown>[]): Record<string, unknown>[] {
  return records.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plainValue(v)])));
}
