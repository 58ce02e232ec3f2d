// The terminal progress bar of long runs (map, filter, update, embed): on stderr, only when it is
// a terminal, and not in CI or with TESSERA_PROGRESS=0.
import { SingleBar } from 'cli-progress';
import type { ProgressDisplay } from '../../core/exec/progress.js';

/** A cli-progress bar for a run over `total` rows, or null where no bar should show. */
export function terminalProgressBar(label: string, total: number): ProgressDisplay | null {
  if (!process.stderr.isTTY || process.env.CI || process.env.TESSERA_PROGRESS === '0') return null;
  const bar = new SingleBar({
    stream: process.stderr,
    format: `${label} |{bar}| {percentage}% {value}/{total} rows, {rate} rows/s, eta {eta_formatted}`,
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 50,
  });
  bar.start(total, 0, { rate: '0' });
  return {
    update: (p) => bar.update(p.done, { rate: Math.round(p.rowsPerSecond).toLocaleString('en-US') }),
    stop: () => bar.stop(),
  };
}
