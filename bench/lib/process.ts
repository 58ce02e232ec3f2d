// Child processes of benchmarks (Python peers, one process per measured method): run to the end,
// collect stdout, and fail with the child's own last words.
import { spawn } from 'node:child_process';

export interface ProcessOptions {
  /** Written to the child's stdin, which is then closed. */
  input?: string;
  /** Copy the child's stderr (its progress lines) to ours as it arrives. */
  echo?: boolean;
  env?: NodeJS.ProcessEnv;
}

/** Runs `cmd args` and resolves its stdout; rejects with the last line of its stderr when it fails. */
export function runProcess(
  cmd: string,
  args: readonly string[],
  options: ProcessOptions = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    child.stderr.on('data', (d) => {
      err += String(d);
      if (options.echo) process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(err.trim().split('\n').pop() || `${cmd} exited ${code}`)),
    );
    child.stdin.end(options.input ?? '');
  });
}
