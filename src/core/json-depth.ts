/**
 * A bound on the nesting depth of JSON text, checked by a scan of its brackets before parsing:
 * recursive walkers over a parsed value (type inference, printing, `JSON.stringify`, structured
 * clone) overflow the stack on values nested a few thousand deep, and some engines' `JSON.parse`
 * does too, so a hostile file must be refused before it is parsed.
 */

/** Default deepest nesting of arrays and objects accepted in JSON input (`[[1]]` is 2 deep). */
export const DEFAULT_MAX_JSON_DEPTH = 1000;

/**
 * The offset of the first `[` or `{` in `text[from, to)` that opens a level deeper than `maxDepth`
 * (brackets inside strings do not count), or -1 where none does. Cheap: one pass, no allocation.
 */
export function jsonTooDeepAt(text: string, maxDepth: number, from = 0, to = text.length): number {
  let depth = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip a string: up to the next quote that no backslash escapes.
      for (i++; i < to; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c) i++;
        else if (s === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}
