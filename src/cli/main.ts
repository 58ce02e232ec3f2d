#!/usr/bin/env node
import { Command } from 'commander';
import { runDemo } from './demo.js';
import { addListOpsCommand } from './listops.js';
import { addVerifyCommands } from './verify.js';

const program = new Command()
  .name('tessera')
  .description('Tessera: a toolkit for large, multi-modal ML data and models');

program
  .command('demo')
  .description('build an example frame holding every column kind and print it')
  .action(() => runDemo());

addListOpsCommand(program);
addVerifyCommands(program);

await program.parseAsync(process.argv);
