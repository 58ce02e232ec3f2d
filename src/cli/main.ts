#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { TesseraError } from '../core/errors.js';
import { addAppCommand } from './app.js';
import type { DemoOptions } from './demo.js';
import { addListOpsCommand } from './listops.js';
import { addVerifyCommands } from './verify.js';

/** Exit codes: 1 for a failure of the work (a TesseraError), 2 for a usage error. */
const FAILED = 1;
const USAGE = 2;

// package.json sits two folders up both from src/cli (tsx) and from dist/cli (the build).
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command()
  .name('tessera')
  .description('Tessera: a toolkit for large, multi-modal ML data and models')
  .version(version, '-V, --version', 'print the version')
  // Options after a subcommand are its own (verify has a --version of its own).
  .enablePositionalOptions()
  .exitOverride()
  // Errors are printed once, as one line, below; help and version still print as usual.
  .configureOutput({ outputError: () => {} });

program
  .command('demo')
  .description(
    'build a multi-modal example dataset (images, labels, audio, volumes, graphs, embeddings, predictions), write it and serve the app on it until Ctrl-C',
  )
  .option('--out <dir>', 'folder to write into (default: a new temporary folder)')
  .option('--check', 'load the app in headless Chromium, check that rows and thumbnails show, and exit')
  .option('--browser <path>', 'Chromium for --check (default /usr/bin/chromium)')
  .option('--screenshot <file>', 'with --check: save a PNG of the app')
  // Loaded on use: the demo needs TensorFlow.js, which no other command should wait for.
  .action(async (o: DemoOptions) => (await import('./demo.js')).runDemo(o));

addAppCommand(program);
addListOpsCommand(program);
addVerifyCommands(program);
// Subcommands report their errors the same way.
for (const command of program.commands) command.exitOverride().configureOutput({ outputError: () => {} });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  process.exitCode = report(e);
}

/** One line on stderr instead of a stack trace; the exit code it calls for. */
function report(e: unknown): number {
  if (e instanceof CommanderError) {
    // --help and --version end here too, with exit code 0 and nothing more to say.
    if (e.exitCode === 0) return 0;
    if (e.code === 'commander.help' || e.code === 'commander.helpDisplayed') return USAGE;
    console.error(`tessera: ${e.message.replace(/^error: /, '')}`);
    return USAGE;
  }
  if (e instanceof TesseraError) {
    console.error(`tessera: ${e.name}: ${e.message}`);
    return FAILED;
  }
  console.error(`tessera: ${e instanceof Error ? e.message : String(e)}`);
  return FAILED;
}
