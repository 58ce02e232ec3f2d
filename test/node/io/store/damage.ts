/** Helpers of the damaged-dataset tests: flipping a bit, catching the store's warnings. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Flip one bit of a file, in a byte of its manifest text that the checksum covers. */
export function flipBit(file: string, at = 0.5): void {
  const bytes = fs.readFileSync(file);
  const i = Math.floor(bytes.length * at);
  bytes[i] ^= 0x04;
  fs.writeFileSync(file, bytes);
}

/** What `run` gives, and the codes of the warnings emitted while it ran. */
export async function withWarnings<T>(
  run: () => Promise<T>,
): Promise<{ result: T | unknown; codes: string[] }> {
  const codes: string[] = [];
  const listen = (w: Error & { code?: string }) => codes.push(w.code ?? w.name);
  process.on('warning', listen);
  let result: T | unknown;
  try {
    result = await run();
  } catch (e) {
    result = e;
  }
  await new Promise((r) => setImmediate(r)); // warnings are delivered on a later tick
  process.off('warning', listen);
  return { result, codes };
}

/**
 * Write `text` over `manifest.json` and every file in `_versions/`, so that a read has no intact
 * manifest to fall back to; returns the undo.
 */
export function replaceCurrentManifest(root: string, text: string | Uint8Array): () => void {
  const versions = fs.readdirSync(path.join(root, '_versions')).filter((n) => /^\d+\.json$/.test(n));
  const files = [path.join(root, 'manifest.json'), ...versions.map((n) => path.join(root, '_versions', n))];
  const originals = files.map((f) => fs.readFileSync(f));
  for (const f of files) fs.writeFileSync(f, text);
  return () => {
    for (const [i, f] of files.entries()) fs.writeFileSync(f, originals[i]);
  };
}
