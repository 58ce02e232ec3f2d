/**
 * UTF-8 bytes of many strings written end to end into one growing buffer. Encoding each string on
 * its own (`TextEncoder.encode`) makes a typed array per string, about 190 bytes of garbage each
 * (560 MB for a frame of three million-row string columns), which a later request then pays to
 * collect; ASCII (most labels and names) is copied a char at a time, the rest by `encodeInto`.
 */
const encoder = new TextEncoder();

export class Utf8Writer {
  private bytes: Uint8Array;
  /** Bytes written so far: the end of the last string. */
  length = 0;

  constructor(capacity = 1024) {
    this.bytes = new Uint8Array(Math.max(16, capacity));
  }

  /** Append a string's UTF-8 bytes (a lone surrogate as U+FFFD, as `TextEncoder` has it). */
  write(s: string): void {
    // A UTF-16 unit takes at most 3 bytes (a surrogate pair, 2 units, takes 4).
    this.reserve(3 * s.length);
    const bytes = this.bytes;
    const start = this.length;
    let at = start;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.length = start + encoder.encodeInto(s, bytes.subarray(start)).written;
        return;
      }
      bytes[at++] = c;
    }
    this.length = at;
  }

  /** The bytes written, in an array of their own size. */
  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  private reserve(more: number): void {
    if (this.length + more <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(2 * this.bytes.length, this.length + more));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}
