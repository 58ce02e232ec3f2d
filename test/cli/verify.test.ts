import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { append, DataFrame, write } from '../../src/index.js';
import { tessera } from '../helpers/cli.js';
import { flipBit } from '../node/io/store/damage.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-verify-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('tessera verify / repair', () => {
  it('verify exits 0 on an intact dataset, 1 naming the damage; repair makes it intact again', async () => {
    const p = path.join(dir, 'ds');
    await write(new DataFrame({ x: [1, 2, 3] }), p, { fsync: false });
    await append(p, new DataFrame({ x: [4] }), { fsync: false });
    const intact = await tessera('verify', p);
    expect(intact).toMatchObject({ code: 0, stdout: expect.stringContaining('version 2 (current): ok') });

    flipBit(path.join(p, 'manifest.json'));
    const damaged = await tessera('verify', p);
    expect(damaged.code).toBe(1);
    expect(damaged.stdout).toContain('manifest.json');

    const repaired = await tessera('repair', p);
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toContain('rewrote manifest.json from version 2');
    expect(repaired.stdout).toContain('version 2 is current and intact'); // repair verifies it
  }, 60_000);

  it('a path that is no dataset is a message and exit code 1', async () => {
    const missing = await tessera('verify', path.join(dir, 'nothing'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist');
  }, 60_000);
});
