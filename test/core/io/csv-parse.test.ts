// The core's CSV parser (bytes in memory, no node: imports, what the in-tab worker runs) against
// Node's file reader on the CSV fixtures (vega-datasets), and both against Python's csv module for
// the column names and the record count.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DataFrame } from '../../../src/core/frame/frame.js';
import { parseCsv } from '../../../src/core/io/csv-parse.js';
import { readCsv } from '../../../src/node/io/formats/csv.js';
import { DATA } from '../../node/io/formats/helpers.js';

const FIXTURES = fs
  .readdirSync(DATA)
  .filter((f) => f.endsWith('.csv'))
  .sort();

/** Header and record count of each fixture, by Python's csv module (Debian's python3). */
const python: Record<string, { header: string[]; records: number }> = JSON.parse(
  execFileSync(
    '/usr/bin/python3',
    [
      '-c',
      `import csv, json, os, sys
out = {}
for name in sys.argv[2:]:
    with open(os.path.join(sys.argv[1], name), newline='', encoding='utf-8-sig') as f:
        rows = list(csv.reader(f))
    out[name] = {'header': rows[0], 'records': len(rows) - 1}
print(json.dumps(out))`,
      DATA,
      ...FIXTURES,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  ),
);

function columnsOf(df: DataFrame): Record<string, unknown[]> {
  return Object.fromEntries(df.columnNames.map((n) => [n, df.column(n).toArray()]));
}

describe('parseCsv (src/core/io) equals readCsv (Node) on the CSV fixtures', () => {
  it('has fixtures to compare', () => {
    expect(FIXTURES.length).toBeGreaterThan(10);
  });

  for (const name of FIXTURES) {
    it(name, async () => {
      const file = path.join(DATA, name);
      const core = parseCsv(fs.readFileSync(file), { file });
      const node = await readCsv(file);
      expect(core.schema).toEqual(node.schema);
      expect(columnsOf(core)).toEqual(columnsOf(node));
      expect(core.columnNames).toEqual(python[name].header);
      expect(core.length).toBe(python[name].records);
    });
  }

  it('reads latin1 bytes as Python decodes latin-1, without Node buffers', () => {
    const bytes = Uint8Array.from([
      0x61,
      0x0a,
      ...Array.from({ length: 96 }, (_, i) => 0xa0 + (i % 96)),
      0x0a,
    ]);
    const expected = execFileSync(
      '/usr/bin/python3',
      ['-c', 'import sys; print(sys.stdin.buffer.read().decode("latin-1").split("\\n")[1], end="")'],
      { input: bytes, encoding: 'utf8' },
    );
    expect(parseCsv(bytes, { encoding: 'latin1' }).column('a').toArray()).toEqual([expected]);
  });

  it('names the line of invalid UTF-8 bytes, as the Node reader does', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('a\nok\nfine\n'), 0xc3, 0x28, 0x0a]);
    expect(() => parseCsv(bytes, { file: 'bad.csv' })).toThrow(/bad\.csv.*4|line 4/);
  });
});
