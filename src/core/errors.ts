/**
 * Typed errors. Every error says what was wrong and what to do about it, and every one extends
 * {@link TesseraError} so callers can catch the library's errors apart from their own.
 */
export class TesseraError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Levenshtein distance, used to suggest the name the user probably meant. */
function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The closest candidate to `name`, if one is close enough to be a likely typo. */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = c.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

export class ColumnNotFoundError extends TesseraError {
  constructor(
    readonly column: string,
    readonly available: readonly string[],
  ) {
    const guess = suggest(column, available);
    super(
      `no column "${column}"` +
        (guess !== undefined
          ? `; did you mean "${guess}"?`
          : `; the frame has ${available.length ? available.map((n) => `"${n}"`).join(', ') : 'no columns'}`),
    );
  }
}

export class LengthMismatchError extends TesseraError {}
export class TypeMismatchError extends TesseraError {}
export class DuplicateKeyError extends TesseraError {}
export class DuplicateColumnError extends TesseraError {}
export class IndexOutOfRangeError extends TesseraError {
  constructor(
    readonly index: number,
    readonly length: number,
  ) {
    super(
      length === 0
        ? `index ${index} is out of range: the frame is empty`
        : `index ${index} is out of range for length ${length} (valid: 0 to ${length - 1}, or -${length} to -1 from the end)`,
    );
  }
}
/** An argument that is not valid for the operation (bad option, negative count, ...). */
export class InvalidArgumentError extends TesseraError {}
