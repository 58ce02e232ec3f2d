/**
 * A Web Worker of the tab's map pool (tab-map.ts): computes the batches of a `map` the in-tab
 * worker hands it, with the functions of tab-functions.ts, by name.
 */

import { registerFunctionModule } from '../../../src/core/exec/function-ref.js';
import { answerBatchRequests } from '../../../src/core/exec/web-worker-entry.js';
// For its side effects: registers the frame class batches decode into, and the 'map' task.
import '../../../src/core/frame/frame.js';
import { TAB_FUNCTIONS_MODULE, tabFunctions } from './tab-functions';

registerFunctionModule(TAB_FUNCTIONS_MODULE, tabFunctions);
answerBatchRequests();
