/**
 * Text encodings of the CSV and JSON readers, checked against Python's bytes.decode of the same
 * files: latin1 and UTF-16 (by byte-order mark) decode as Python decodes them, and bytes invalid in
 * the encoding are a ParseError naming the line (Python raises UnicodeDecodeError), never U+FFFD.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type DataFrame,
  parseCsv,
  readCsv,
  readCsvBatches,
  readJson,
  readJsonLines,
  readJsonLinesBatches,
} from '../../../../src/index.js';
import { parseErrorOf } from '../../../helpers/parse-error.js';
import { tempDir } from './helpers.js';

const tmp = tempDir('tessera-encoding-');

/** Python's answer to `expr` (a JSON value; `path` is bound to the file). */
function python(path: string, expr: string): unknown {
  const code = `import json, sys\npath = sys.argv[1]\nprint(json.dumps(${expr}))`;
  return JSON.parse(
    execFileSync('/usr/bin/python3', ['-c', code, path], { stdio: ['ignore', 'pipe', 'pipe'] }).toString(),
  );
}

async function collect(batches: AsyncGenerator<DataFrame>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const b of batches) out.push(...b.column('s').toArray());
  return out;
}

/** Every byte from 0x80 to 0xff (0x80..0x9f are where latin1 and windows-1252 differ). */
const HIGH = Array.from({ length: 128 }, (_, k) => 0x80 + k);

describe('text encodings', () => {
  it('reads latin1 as Python decodes it (CSV, JSON, JSON lines)', async () => {
    const csv = tmp();
    const rows = Array.from({ length: 16 }, (_, r) => Buffer.from([...HIGH.slice(r * 8, r * 8 + 8), 0x41]));
    fs.writeFileSync(
      csv,
      Buffer.concat([Buffer.from('s\n'), ...rows.flatMap((r) => [r, Buffer.from('\n')])]),
    );
    const expected = python(csv, "open(path, 'rb').read().decode('latin1').split('\\n')[1:-1]");
    expect((await readCsv(csv, { encoding: 'latin1' })).column('s').toArray()).toEqual(expected);
    expect(parseCsv(fs.readFileSync(csv), { encoding: 'latin1' }).column('s').toArray()).toEqual(expected);

    const jsonl = tmp();
    fs.writeFileSync(
      jsonl,
      Buffer.concat(rows.flatMap((r) => [Buffer.from('{"s": "'), r, Buffer.from('"}\n')])),
    );
    const jsonlExpected = python(
      jsonl,
      "[json.loads(l)['s'] for l in open(path, 'rb').read().decode('latin1').split('\\n')[:-1]]",
    );
    expect((await readJsonLines(jsonl, { encoding: 'latin1' })).column('s').toArray()).toEqual(jsonlExpected);

    const json = tmp();
    fs.writeFileSync(json, Buffer.concat([Buffer.from('[{"s": "'), rows[4], Buffer.from('"}]')]));
    expect((await readJson(json, { encoding: 'latin1' })).column('s').toArray()).toEqual(
      python(json, "[r['s'] for r in json.loads(open(path, 'rb').read().decode('latin1'))]"),
    );
  });

  it('reads UTF-16 LE and BE files by their byte-order mark, as Python does', async () => {
    const text = 's,n\nh\u00e9llo,1\n\u{1F600} \u4e2d,2\n';
    for (const codec of ['utf-16-le', 'utf-16-be']) {
      const file = tmp();
      const body = Buffer.from(text, 'utf16le');
      if (codec === 'utf-16-be') body.swap16();
      fs.writeFileSync(
        file,
        Buffer.concat([Buffer.from(codec === 'utf-16-le' ? [0xff, 0xfe] : [0xfe, 0xff]), body]),
      );
      const expected = python(
        file,
        "[l.split(',')[0] for l in open(path, 'rb').read().decode('utf-16').splitlines()[1:]]",
      );
      expect((await readCsv(file)).column('s').toArray()).toEqual(expected);
      expect((await readCsv(file, { encoding: 'utf-16' })).column('n').toArray()).toEqual([1, 2]);
      // Small chunks split surrogate pairs and code units across reads.
      for (const batchBytes of [1024])
        expect(await collect(readCsvBatches(file, { batchBytes }))).toEqual(expected);
    }
    const jsonl = tmp();
    fs.writeFileSync(
      jsonl,
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"s": "\u{1F600}"}\n', 'utf16le')]),
    );
    expect((await readJsonLines(jsonl)).column('s').toArray()).toEqual(['\u{1F600}']);
  });

  it('raises a ParseError naming the line of an invalid UTF-8 byte (Python raises too)', async () => {
    const csv = tmp();
    fs.writeFileSync(
      csv,
      Buffer.concat([Buffer.from('s\nok\nfine\nbad '), Buffer.from([0xff]), Buffer.from('\n')]),
    );
    expect(() => python(csv, "open(path, 'rb').read().decode('utf-8')")).toThrow(/UnicodeDecodeError/);
    const e = await parseErrorOf(readCsv(csv));
    expect([e.file, e.line]).toEqual([csv, 4]);
    expect((await parseErrorOf(() => parseCsv(fs.readFileSync(csv)))).line).toBe(4);
    expect((await parseErrorOf(collect(readCsvBatches(csv)))).line).toBe(4);

    const jsonl = tmp();
    fs.writeFileSync(
      jsonl,
      Buffer.concat([Buffer.from('{"s": "a"}\n{"s": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]),
    );
    expect((await parseErrorOf(readJsonLines(jsonl))).line).toBe(2);
    expect((await parseErrorOf(collect(readJsonLinesBatches(jsonl)))).line).toBe(2);
    const json = tmp();
    fs.writeFileSync(
      json,
      Buffer.concat([
        Buffer.from('[\n{"s": "a"},\n{"s": "'),
        Buffer.from([0xed, 0xa0, 0x80]),
        Buffer.from('"}]'),
      ]),
    );
    expect((await parseErrorOf(readJson(json))).line).toBe(3);
  });

  it('keeps a 4-byte character split across two chunks', async () => {
    const emoji = Buffer.from('\u{1F600}');
    for (let shift = 0; shift < 4; shift++) {
      // The character starts `shift` bytes before the end of the first 1024-byte chunk.
      const csv = tmp();
      const pad = 'x'.repeat(1024 - 2 - shift);
      fs.writeFileSync(csv, Buffer.concat([Buffer.from(`s\n${pad}`), emoji, Buffer.from('\nend\n')]));
      expect(await collect(readCsvBatches(csv, { batchBytes: 1024 }))).toEqual([`${pad}\u{1F600}`, 'end']);
    }
    // JSON lines read 1 MiB chunks.
    const jsonl = tmp();
    const pad = 'y'.repeat(2 ** 20 - 9);
    fs.writeFileSync(jsonl, Buffer.concat([Buffer.from(`{"s": "${pad}`), emoji, Buffer.from('"}\n')]));
    expect((await readJsonLines(jsonl)).column('s').toArray()).toEqual([`${pad}\u{1F600}`]);
  });
});
