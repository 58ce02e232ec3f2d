/**
 * Text encodings of the CSV and JSON readers. Input in any supported encoding becomes UTF-8 bytes
 * (the parsers work on UTF-8); invalid bytes are a {@link ParseError} naming the line, never a
 * silent U+FFFD. A UTF-16 byte-order mark selects UTF-16 of that byte order; a UTF-8 one is skipped.
 */
import { InvalidArgumentError, ParseError } from '../errors.js';

/** Encodings the text readers accept (`latin1` is ISO-8859-1: every byte is the code point of its value). */
export type TextEncodingName = 'utf-8' | 'latin1' | 'utf-16' | 'utf-16le' | 'utf-16be';

const ENCODINGS: readonly string[] = ['utf-8', 'latin1', 'utf-16', 'utf-16le', 'utf-16be'];
const utf8Encoder = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LF = 10;

/** `encoding` checked (default utf-8). */
export function textEncoding(encoding: string | undefined): TextEncodingName {
  const e = (encoding ?? 'utf-8').toLowerCase();
  if (e === 'utf8') return 'utf-8';
  if (!ENCODINGS.includes(e))
    throw new InvalidArgumentError(
      `encoding must be one of ${ENCODINGS.join(', ')}, not ${JSON.stringify(encoding)}`,
    );
  return e as TextEncodingName;
}

/**
 * Streaming transcoder to UTF-8 bytes. UTF-8 input passes through unchanged (less a byte-order
 * mark) and is checked by the caller on whole lines with {@link checkUtf8}, so a character split
 * across chunks is never flagged; UTF-16 and latin1 are decoded here, UTF-16 strictly.
 */
export class Utf8Transcoder {
  private decoder: InstanceType<typeof TextDecoder> | null = null;
  private latin1 = false;
  private head: Uint8Array | null = new Uint8Array(0);
  /** Line feeds in the output so far (to name the line of an invalid UTF-16 sequence). */
  private lines = 0;

  constructor(
    private readonly file: string,
    private readonly encoding: TextEncodingName = 'utf-8',
  ) {}

  /** The UTF-8 bytes of `chunk` (and of bytes held back from earlier chunks). */
  push(chunk: Uint8Array): Uint8Array {
    return this.transcode(chunk, false);
  }

  /** The end of the input: the bytes still held back. */
  finish(): Uint8Array {
    return this.transcode(new Uint8Array(0), true);
  }

  private transcode(chunk: Uint8Array, eof: boolean): Uint8Array {
    if (this.head !== null) {
      // The first bytes decide the encoding (byte-order marks): wait for three of them.
      const joined = concatBytes(this.head, chunk);
      if (joined.length < 3 && !eof) {
        this.head = joined;
        return new Uint8Array(0);
      }
      this.head = null;
      chunk = this.start(joined);
    }
    if (this.latin1) return latin1ToUtf8(chunk);
    if (this.decoder === null) return chunk;
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: !eof });
    } catch {
      throw new ParseError(
        this.file,
        this.lines + 1,
        `invalid ${this.decoder.encoding} text at or after this line (an unpaired surrogate or an odd byte count); is the encoding right?`,
      );
    }
    const out = utf8Encoder.encode(text);
    for (let i = out.indexOf(LF); i >= 0; i = out.indexOf(LF, i + 1)) this.lines++;
    return out;
  }

  /** Picks the decoder from the encoding and the byte-order mark; returns the bytes after the mark. */
  private start(bytes: Uint8Array): Uint8Array {
    const le = bytes[0] === 0xff && bytes[1] === 0xfe;
    const be = bytes[0] === 0xfe && bytes[1] === 0xff;
    const utf8Bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    let label: string | null = null;
    if (this.encoding === 'latin1') this.latin1 = true;
    else if (le || be) label = le ? 'utf-16le' : 'utf-16be';
    else if (this.encoding === 'utf-16' || this.encoding === 'utf-16le') label = 'utf-16le';
    else if (this.encoding === 'utf-16be') label = 'utf-16be';
    else if (utf8Bom) return bytes.subarray(3);
    if (label === null) return bytes;
    this.decoder = new TextDecoder(label, { fatal: true, ignoreBOM: false });
    return bytes;
  }
}

/**
 * A ParseError at the first line of UTF-8 `bytes` (whose first line is `firstLine`) that is not
 * valid UTF-8. Lines end at a line feed, which no multi-byte character contains, so whole lines
 * can be checked one by one; callers pass whole lines only.
 */
export function checkUtf8(bytes: Uint8Array, file: string, firstLine: number): void {
  if (isUtf8(bytes)) return;
  let line = firstLine;
  for (let s = 0; s < bytes.length; line++) {
    let e = bytes.indexOf(LF, s);
    if (e < 0) e = bytes.length;
    if (!isUtf8(bytes.subarray(s, e)))
      throw new ParseError(
        file,
        line,
        'invalid UTF-8 bytes; pass the file\'s encoding (e.g. { encoding: "latin1" }) to read it',
      );
    s = e + 1;
  }
}

/** Whether `bytes` are valid UTF-8 (a fatal decoder throws at the first invalid sequence). */
function isUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * ISO-8859-1 bytes as UTF-8: each byte is the code point of its value (a TextDecoder labelled
 * latin1 is windows-1252 instead, which maps 0x80–0x9f elsewhere).
 */
function latin1ToUtf8(bytes: Uint8Array): Uint8Array {
  let high = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80) high++;
  if (high === 0) return bytes;
  const out = new Uint8Array(bytes.length + high);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b < 0x80) out[o++] = b;
    else {
      out[o++] = 0xc0 | (b >> 6);
      out[o++] = 0x80 | (b & 0x3f);
    }
  }
  return out;
}

/** `parts` one after another in one new array (one copy of each, however many parts). */
export function joinBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** `a` then `b` in one array (either one itself where the other is empty). */
export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
