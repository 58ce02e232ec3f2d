/**
 * Executors and the Node parts of long runs: the worker-thread pool, `.npy` outputs that stream to
 * disk, and the terminal progress bar. Importing this module registers the last two with the core.
 */
import { registerTensorSink } from '../../core/exec/output-sink.js';
import { registerProgressDisplay } from '../../core/exec/progress.js';
import { openNpySink } from './npy-sink.js';
import { terminalProgressBar } from './progress-bar.js';

export { openNpySink } from './npy-sink.js';
export { terminalProgressBar } from './progress-bar.js';
export { WorkerPoolExecutor, type WorkerPoolOptions } from './worker-pool.js';

registerTensorSink(openNpySink);
registerProgressDisplay(terminalProgressBar);
