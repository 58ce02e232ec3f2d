/**
 * Tessera's Node-only API: the file system, and later media decoding, model runtimes and executors.
 * Importing it registers the dataset writer behind `df.write(path)`.
 */

export * from './exec/index.js';
export * from './io/formats/index.js';
export * from './io/store/index.js';
export * from './media/index.js';
export * from './models/index.js';
