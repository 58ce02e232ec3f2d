/** The package's entry points (package.json "exports") and the source file each one builds from. */
export const ENTRY_SOURCES: Record<string, string> = {
  tessera: 'src/index.ts',
  'tessera/core': 'src/core/index.ts',
  'tessera/models': 'src/node/models/index.ts',
  'tessera/datasets': 'src/datasets/index.ts',
};
