/** Writing a manifest: the mirror of manifest-read.ts. */
import { type Manifest, manifestChecksum } from '../../../core/io/store/manifest.js';

/** The manifest as JSON text, with its checksum. */
export function serializeManifest(m: Manifest): string {
  const plain = JSON.parse(JSON.stringify(m)) as Manifest;
  return `${JSON.stringify({ ...plain, checksum: manifestChecksum(plain) }, null, 1)}\n`;
}
