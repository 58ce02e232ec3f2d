// Command-line options of the benchmarks, read one way: `--flag VALUE` after the benchmark's name.
// A bad or missing value stops the run with an error that names the flag and shows a good value,
// instead of a NaN that runs a benchmark of nothing.

/** The text after `flag` (e.g. `--qkv DIR`), or undefined when the flag is not given. */
export function textOption(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
  return value;
}

/** A number option (e.g. `--lr 0.5`): finite and above 0; `fallback` when the flag is not given. */
export function numberOption<F>(args: readonly string[], flag: string, fallback: F): number | F {
  const text = textOption(args, flag);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new Error(`${flag} takes a number above 0, not "${text}"`);
  return n;
}

/** A count option (e.g. `--repeats 5`, `--rows 1M`): a whole number, 1 or more, as {@link parseCount} reads it. */
export function countOption<F>(args: readonly string[], flag: string, fallback: F): number | F {
  const text = textOption(args, flag);
  return text === undefined ? fallback : countOf(flag, text);
}

/** A list of counts separated by commas (e.g. `--sizes 1M,10M`); `fallback` when the flag is not given. */
export function countsOption(args: readonly string[], flag: string, fallback: readonly number[]): number[] {
  const text = textOption(args, flag);
  return text === undefined ? [...fallback] : text.split(',').map((part) => countOf(flag, part));
}

/** A count written `20k`, `1M`, `1e6`, `1.5M` or `1000000`: a whole number, 1 or more. */
export function parseCount(text: string): number {
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)([kM]?)$/.exec(text.trim());
  const scaled = m === null ? Number.NaN : Number(m[1]) * (m[2] === 'M' ? 1e6 : m[2] === 'k' ? 1e3 : 1);
  // 1.1k is 1100.0000000000002 in floating point: a whole number within rounding is that number.
  const n = Math.round(scaled);
  if (!Number.isSafeInteger(n) || n < 1 || Math.abs(scaled - n) > 1e-9 * n)
    throw new Error(`not a count: "${text}" (e.g. 5, 50k, 1M, 1e7)`);
  return n;
}

function countOf(flag: string, text: string): number {
  try {
    return parseCount(text);
  } catch {
    throw new Error(`${flag} takes whole numbers, 1 or more (e.g. 5, 50k, 1M, 1e7), not "${text}"`);
  }
}
