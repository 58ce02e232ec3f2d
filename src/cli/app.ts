/** `tessera app PATH`: open a dataset or file in the browser app (serves the app's HTTP API). */
import { spawn } from 'node:child_process';
import { type Command, InvalidArgumentError as UsageError } from 'commander';

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
  encoder?: string;
  export?: string;
  readOnly?: boolean;
}

/** Adds the `app` subcommand to `program`. */
export function addAppCommand(program: Command): void {
  program
    .command('app')
    .description(
      'open a Tessera dataset, a Parquet, Arrow, CSV or JSON(-lines) file, an image folder or a Hugging Face folder in the browser app',
    )
    .argument('[path]', 'what to open')
    .option('--port <n>', 'port to listen on (default: a free one)', port)
    .option('--host <address>', 'address to bind (default 127.0.0.1; anything else needs --token)')
    .option('--token <secret>', 'a token every request must carry (required beyond loopback)')
    .option('--media-root <dir...>', 'folders outside the dataset its media may be served from')
    .option(
      '--encoder <name>',
      'registered encoder (mobilenet-v2) for searching by an uploaded image embedding columns whose dataset does not record the encoder that made them',
    )
    .option('--read-only', 'refuse every edit (without it, only a page opened from the printed URL can edit)')
    .option('--open', 'open the app in the default browser')
    .option(
      '--export <dir>',
      'write the app as a static site that opens files in the browser tab (no server)',
    )
    .action(async (sourcePath: string | undefined, o: AppCommandOptions) => {
      if (o.export !== undefined) {
        if (sourcePath !== undefined)
          throw new UsageError(
            '--export writes the app without data (files are opened in the page): give no PATH',
          );
        const { exportStaticApp } = await import('../node/server/static-export.js');
        const files = exportStaticApp(o.export);
        console.log(
          `Tessera app (in-tab, ${files.length} files) written to ${o.export}: serve it with any static file server`,
        );
        return;
      }
      if (sourcePath === undefined) throw new UsageError('give a PATH to open, or --export DIR');
      // Loaded on use, so other commands do not wait for the server's modules.
      const { serveApp } = await import('../node/server/serve.js');
      const running = await serveApp(sourcePath, {
        ...(o.port !== undefined ? { port: o.port } : {}),
        ...(o.host !== undefined ? { host: o.host } : {}),
        ...(o.token !== undefined ? { token: o.token } : {}),
        ...(o.mediaRoot !== undefined ? { mediaRoots: o.mediaRoot } : {}),
        ...(o.encoder !== undefined ? { encoder: o.encoder } : {}),
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
