/**
 * Warnings of the store: damage that a read works around instead of failing. They go through
 * `process.emitWarning` with a code, so they print once on stderr by default and a program can
 * watch for them with `process.on('warning', w => w.code === ...)`.
 */

/** A read used another version than `manifest.json` names, because that one is damaged. */
export const FALLBACK_WARNING = 'TESSERA_FALLBACK';
/** A version's file in `_versions/` is damaged or missing; the rest of the dataset is readable. */
export const DAMAGED_VERSION_WARNING = 'TESSERA_DAMAGED_VERSION';

export type StoreWarningCode = typeof FALLBACK_WARNING | typeof DAMAGED_VERSION_WARNING;

export function warnStore(code: StoreWarningCode, message: string): void {
  process.emitWarning(message, { type: 'TesseraWarning', code });
}
