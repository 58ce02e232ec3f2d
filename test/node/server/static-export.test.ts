// `tessera app --export DIR`: the built UI copied whole, its index.html marked to start in-tab (the
// meta tag ui/src/local/mode.ts reads); a non-empty target or a missing build is refused, and
// `tessera app` takes a PATH or --export, not both. (The exported app itself runs in test/e2e/in-tab.test.ts.)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, ResourceNotFoundError } from '../../../src/core/errors.js';
import { exportStaticApp } from '../../../src/node/server/static-export.js';
import { tessera } from '../../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-export-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A stand-in for ui/dist: an index.html and an asset. */
function fakeBuild(): string {
  const ui = fs.mkdtempSync(path.join(dir, 'ui-'));
  fs.mkdirSync(path.join(ui, 'assets'));
  fs.writeFileSync(path.join(ui, 'index.html'), '<html><head><title>T</title></head><body></body></html>');
  fs.writeFileSync(path.join(ui, 'assets', 'a.js'), 'console.log(1)');
  return ui;
}

describe('exportStaticApp', () => {
  it('copies the build and marks index.html to start in-tab', () => {
    const out = path.join(dir, 'site');
    expect(exportStaticApp(out, fakeBuild())).toEqual(['assets/a.js', 'index.html']);
    expect(fs.readFileSync(path.join(out, 'assets', 'a.js'), 'utf8')).toBe('console.log(1)');
    const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    expect(html).toMatch(/<meta name="tessera-backend" content="in-tab" \/>\s*<\/head>/);
    expect(html.match(/tessera-backend/g)).toHaveLength(1);
  });

  it('refuses a folder that is not empty, and changes nothing there', () => {
    const out = path.join(dir, 'full');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'keep.txt'), 'mine');
    expect(() => exportStaticApp(out, fakeBuild())).toThrow(InvalidArgumentError);
    expect(fs.readdirSync(out)).toEqual(['keep.txt']);
  });

  it('says how to build the UI when it is not built', () => {
    expect(() => exportStaticApp(path.join(dir, 'none'), path.join(dir, 'no-ui'))).toThrow(
      ResourceNotFoundError,
    );
  });
});

describe('tessera app --export', () => {
  it('takes a PATH or --export, not both, and not neither', async () => {
    const both = await tessera('app', 'data.parquet', '--export', path.join(dir, 'x'));
    expect(both.code).toBe(2); // a usage error
    expect(both.stderr).toMatch(/--export .*give no PATH/);
    const neither = await tessera('app');
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/give a PATH to open, or --export DIR/);
    expect(fs.existsSync(path.join(dir, 'x'))).toBe(false);
  }, 60_000);
});
