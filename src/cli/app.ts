/** `tessera app PATH`: open a dataset or file in the browser app (serves the app's HTTP API). */
import { spawn } from 'node:child_process';
import { type Command, InvalidArgumentError as UsageError } from 'commander';
import { serveApp } from '../node/server/serve.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`not a port number: ${value}`);
  return n;
}

interface AppCommandOptions {
  port?: number;
  host?: string;
  token?: string;
  open?: boolean;
  mediaRoot?: string[];
  readOnly?: boolean;
}

/** Adds the `app` subcommand to `program`. */
export function addAppCommand(program: Command): void {
  program
    .command('app')
    .description(
      'open a Tessera dataset, a Parquet, Arrow, CSV or JSON(-lines) file, an image folder or a Hugging Face folder in the browser app',
    )
    .argument('<path>', 'what to open')
    .option('--port <n>', 'port to listen on (default: a free one)', port)
    .option('--host <address>', 'address to bind (default 127.0.0.1; anything else needs --token)')
    .option('--token <secret>', 'a token every request must carry (required beyond loopback)')
    .option('--media-root <dir...>', 'folders outside the dataset its media may be served from')
    .option('--read-only', 'refuse every edit (without it, only a page opened from the printed URL can edit)')
    .option('--open', 'open the app in the default browser')
    .action(async (sourcePath: string, o: AppCommandOptions) => {
      const running = await serveApp(sourcePath, {
        ...(o.port !== undefined ? { port: o.port } : {}),
        ...(o.host !== undefined ? { host: o.host } : {}),
        ...(o.token !== undefined ? { token: o.token } : {}),
        ...(o.mediaRoot !== undefined ? { mediaRoots: o.mediaRoot } : {}),
        ...(o.readOnly === true ? { readOnly: true } : {}),
      });
      console.log(`Tessera app: ${running.url}`);
      if (o.open) openBrowser(running.url);
      const stop = () => void running.close().finally(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

/** Open `url` in the default browser; a failure only prints a note (the URL is printed anyway). */
function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  const child = spawn(cmd, args as string[], { stdio: 'ignore', detached: true });
  child.on('error', () => console.error(`tessera: could not open a browser; open ${url} yourself`));
  child.unref();
}
