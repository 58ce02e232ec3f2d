/**
 * Media columns: deferred columns whose function is a registered loader over a column of paths
 * (relative to a movable `baseDir`) or bytes. Importing this module registers the loaders, so a
 * stored dataset's media columns (saved as loader name + params) can be read back.
 */

export * from './audio.js';
export type { MediaColumnOptions } from './builder.js';
export * from './graph.js';
export * from './image.js';
export { MAX_CONCURRENT_IO } from './io-limit.js';
export { MAX_DECODED_ELEMENTS, MAX_HEADER_BYTES, MAX_MEDIA_FILE_BYTES } from './limits.js';
export { mediaInfo } from './loader.js';
export { type MediaPlace, resolveMediaPath } from './paths.js';
export type { MediaSource } from './source.js';
export * from './video.js';
export * from './volume.js';
