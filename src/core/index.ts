/** Tessera's isomorphic core: runs unchanged in Node and in the browser. */
export * from './cluster/index.js';
export * from './column/index.js';
export * from './efficient/attention/index.js';
export * from './efficient/layers/index.js';
export * from './errors.js';
export * from './eval/index.js';
export * from './exec/index.js';
export * from './frame/index.js';
export * from './lsh/index.js';
export { Random } from './random.js';
export * from './search/index.js';
export * from './tensor/index.js';
