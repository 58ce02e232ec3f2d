/** Damaged bytes for fuzz tests of the readers. */
import fc from 'fast-check';

/** One edit: overwrite a byte, insert a byte, or cut the bytes off from a position. */
export const byteEdit = fc.oneof(
  fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), kind: fc.constant('set' as const) }),
  fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), kind: fc.constant('insert' as const) }),
  fc.record({ at: fc.nat(), byte: fc.constant(0), kind: fc.constant('cut' as const) }),
);

export type ByteEdit = { at: number; byte: number; kind: 'set' | 'insert' | 'cut' };

/** `valid` with the edits applied in order (positions wrap around the current length). */
export function applyEdits(valid: Uint8Array, edits: readonly ByteEdit[]): Uint8Array {
  let bytes = Array.from(valid);
  for (const e of edits) {
    const at = bytes.length === 0 ? 0 : e.at % (bytes.length + 1);
    if (e.kind === 'set' && at < bytes.length) bytes[at] = e.byte;
    else if (e.kind === 'insert') bytes.splice(at, 0, e.byte);
    else if (e.kind === 'cut') bytes = bytes.slice(0, at);
  }
  return Uint8Array.from(bytes);
}

/** Valid bytes with 1 to `maxEdits` bytes overwritten, inserted or cut off. */
export function corrupted(valid: Uint8Array, maxEdits = 6): fc.Arbitrary<Uint8Array> {
  return fc.array(byteEdit, { minLength: 1, maxLength: maxEdits }).map((edits) => applyEdits(valid, edits));
}
