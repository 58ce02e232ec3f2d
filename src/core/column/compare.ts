/**
 * String order by Unicode code point, which is also UTF-8 byte order: the order Arrow, DuckDB and
 * Polars use. JavaScript's `<` compares UTF-16 code units, which differs for characters above
 * U+FFFF versus U+E000–U+FFFF; this comparator fixes that case and is as fast otherwise.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        // Surrogates (D800–DFFF) encode code points above FFFF, so they sort after E000–FFFF.
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x - y;
    }
  }
  return a.length - b.length;
}
