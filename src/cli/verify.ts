/** `tessera verify PATH` and `tessera repair PATH`: check a stored dataset, and fix its manifests. */
import { type Command, InvalidArgumentError as UsageError } from 'commander';
import { TesseraError } from '../core/errors.js';

function version(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`not a version number: ${value}`);
  return n;
}

/** Adds the `verify` and `repair` subcommands to `program`; both exit with 1 when damage remains. */
export function addVerifyCommands(program: Command): void {
  program
    .command('verify')
    .description('read every file of every kept version of a dataset and check it; exit 1 on damage')
    .argument('<path>', 'dataset directory')
    .option('--version <n>', 'check only this version', version)
    .action(
      reportingErrors(async (datasetPath: string, o: { version?: number }) => {
        const { verify } = await import('../node/io/store/verify.js');
        const report = await verify(datasetPath, o.version === undefined ? {} : { version: o.version });
        for (const v of report.versions)
          console.log(`version ${v.version}${v.current ? ' (current)' : ''}: ${v.ok ? 'ok' : 'DAMAGED'}`);
        for (const p of report.problems)
          console.log(`  ${p.file}${p.version === null ? '' : ` (version ${p.version})`}: ${p.problem}`);
        console.log(report.ok ? 'ok' : `${report.problems.length} problem(s); see \`tessera repair\``);
        if (!report.ok) process.exitCode = 1;
      }),
    );
  program
    .command('repair')
    .description('rewrite manifest.json from the newest intact version (data files are never touched)')
    .argument('<path>', 'dataset directory')
    .option('--drop-damaged', 'also delete damaged version files')
    .action(
      reportingErrors(async (datasetPath: string, o: { dropDamaged?: boolean }) => {
        const [{ repair }, { verify }] = await Promise.all([
          import('../node/io/store/repair.js'),
          import('../node/io/store/verify.js'),
        ]);
        const r = await repair(datasetPath, { dropDamaged: o.dropDamaged ?? false });
        if (r.rewroteManifest) console.log(`rewrote manifest.json from version ${r.version}`);
        if (r.restoredVersionFile) console.log(`rewrote _versions/${r.version}.json from manifest.json`);
        if (r.damagedVersions.length > 0)
          console.log(
            `damaged versions: ${r.damagedVersions.join(', ')}` +
              (r.droppedVersions.length > 0 ? ` (removed: ${r.droppedVersions.join(', ')})` : ''),
          );
        const report = await verify(datasetPath, { version: r.version });
        console.log(
          report.ok
            ? `version ${r.version} is current and intact`
            : `version ${r.version} is current but its data is damaged; run \`tessera verify ${datasetPath}\``,
        );
        if (!report.ok) process.exitCode = 1;
      }),
    );
}

/** Tessera's typed errors (no dataset, nothing intact to repair from) as a message and exit code 1. */
function reportingErrors<A extends unknown[]>(run: (...args: A) => Promise<void>) {
  return async (...args: A): Promise<void> => {
    try {
      await run(...args);
    } catch (e) {
      if (!(e instanceof TesseraError)) throw e;
      console.error(`tessera: ${e.message}`);
      process.exitCode = 1;
    }
  };
}
