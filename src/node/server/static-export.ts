/**
 * `tessera app --export DIR`: the built UI as a static site that starts in in-tab mode (its
 * index.html carries `<meta name="tessera-backend" content="in-tab">`), so any static file host
 * serves the whole app with no Tessera server: the page opens a file and runs the core in a worker.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError, ResourceNotFoundError } from '../../core/errors.js';
import { DEFAULT_UI_DIR } from './ui.js';

/** The marker the UI looks for (ui/src/local/mode.ts). */
export const IN_TAB_MARKER = '<meta name="tessera-backend" content="in-tab" />';

/** Copy the built UI in `uiDir` to `dir` (absent or empty) as an in-tab static app; answers the files written. */
export function exportStaticApp(dir: string, uiDir: string = DEFAULT_UI_DIR): string[] {
  const index = path.join(uiDir, 'index.html');
  if (!fs.existsSync(index))
    throw new ResourceNotFoundError(
      `the browser UI is not built (no ${index}); build it with \`npx vite build --config ui/vite.config.ts\``,
    );
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0)
    throw new InvalidArgumentError(`${dir} is not empty: export the app into a new or empty folder`);
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(uiDir, dir, { recursive: true, dereference: true });
  const html = fs.readFileSync(index, 'utf8');
  if (!html.includes('</head>'))
    throw new InvalidArgumentError(`${index} has no </head>: is it the built UI?`);
  fs.writeFileSync(path.join(dir, 'index.html'), html.replace('</head>', `  ${IN_TAB_MARKER}\n  </head>`));
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}
