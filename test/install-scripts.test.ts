// The install-script policy (package.json `allowScripts`, read by npm 11): every dependency in the
// lockfile that has an install script is reviewed, allowed or denied, and nothing else is listed.
// Each installed package's own manifest is the reference for which ones have such a script.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface LockEntry {
  hasInstallScript?: boolean;
  inBundle?: boolean;
  link?: boolean;
}

interface Manifest {
  scripts?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

const pkg = readJson<Manifest>(join(ROOT, 'package.json'));
const lock = readJson<{ packages: Record<string, LockEntry> }>(join(ROOT, 'package-lock.json'));

/** `node_modules/a/node_modules/@s/b` → `@s/b`. */
const nameOf = (lockPath: string): string => lockPath.slice(lockPath.lastIndexOf('node_modules/') + 13);

/** Mirrors npm: a package with a binding.gyp and no install/preinstall gets `node-gyp rebuild`. */
function hasInstallScript(dir: string, manifest: Manifest): boolean {
  const scripts = manifest.scripts ?? {};
  if (scripts.preinstall || scripts.install || scripts.postinstall) return true;
  return existsSync(join(dir, 'binding.gyp'));
}

const dependencies = Object.entries(lock.packages).filter(
  ([path, entry]) => path.startsWith('node_modules/') && !entry.inBundle && !entry.link,
);

describe('the install-script policy', () => {
  const policy = pkg.allowScripts ?? {};

  it('names exactly the locked dependencies that have install scripts', () => {
    const withScripts = new Set(dependencies.filter(([, e]) => e.hasInstallScript).map(([p]) => nameOf(p)));
    const review = 'review with `npm install-scripts ls`, then `npm install-scripts approve|deny PKG`';
    expect(Object.keys(policy).sort(), review).toEqual([...withScripts].sort());
  });

  it('agrees with the installed packages’ own manifests', () => {
    let checked = 0;
    for (const [path, entry] of dependencies) {
      const dir = join(ROOT, path);
      if (!existsSync(join(dir, 'package.json'))) continue; // another platform's optional package
      checked++;
      const found = hasInstallScript(dir, readJson<Manifest>(join(dir, 'package.json')));
      expect(found, path).toBe(entry.hasInstallScript === true);
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('uses name-only entries, since the lockfile has no resolved URLs to pin versions against', () => {
    for (const key of Object.keys(policy)) expect(key).toMatch(/^(@[^/@]+\/)?[^/@]+$/);
    for (const value of Object.values(policy)) expect(typeof value).toBe('boolean');
  });

  it('denies onnxruntime-node’s CUDA download, also for npm 10 through .npmrc', () => {
    expect(policy['onnxruntime-node']).toBe(false);
    const npmrc = readFileSync(join(ROOT, '.npmrc'), 'utf8');
    expect(npmrc.split('\n')).toContain('onnxruntime-node-install=skip');
  });
});
