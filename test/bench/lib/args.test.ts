import { describe, expect, it } from 'vitest';
import { countOption, countsOption, numberOption, parseCount, textOption } from '../../../bench/lib/args.js';

describe('bench options', () => {
  it('reads counts written with k, M or an exponent, as whole numbers', () => {
    const cases: [string, number][] = [
      ['5', 5],
      ['20k', 20_000],
      ['1M', 1_000_000],
      ['1.5M', 1_500_000],
      ['1.1k', 1_100],
      ['1e6', 1_000_000],
      ['2.5e3', 2_500],
      [' 10M ', 10_000_000],
    ];
    for (const [text, n] of cases) expect(parseCount(text)).toBe(n);
    for (const bad of ['', '0', '-3', '1.5', 'ten', '1G', '1e-3', '1.0001k', 'NaN'])
      expect(() => parseCount(bad), bad).toThrow(/not a count/);
  });

  it("takes a flag's value, or the fallback when the flag is absent", () => {
    const args = ['--quick', '--sizes', '1M,20k', '--repeats', '3', '--lr', '0.5', '--qkv', 'dir'];
    expect(countsOption(args, '--sizes', [7])).toEqual([1_000_000, 20_000]);
    expect(countsOption([], '--sizes', [7])).toEqual([7]);
    expect(countOption(args, '--repeats', 5)).toBe(3);
    expect(countOption(args, '--reps', null)).toBeNull();
    expect(numberOption(args, '--lr', 32)).toBe(0.5);
    expect(numberOption(args, '--budget', 30)).toBe(30);
    expect(textOption(args, '--qkv')).toBe('dir');
    expect(textOption(args, '--python')).toBeUndefined();
  });

  it('stops on a bad or missing value, naming the flag', () => {
    expect(() => countOption(['--repeats', 'two'], '--repeats', 5)).toThrow(
      /--repeats takes whole numbers.*"two"/,
    );
    expect(() => countOption(['--repeats', '0'], '--repeats', 5)).toThrow(/--repeats/);
    expect(() => countsOption(['--sizes', '1M,,10M'], '--sizes', [1])).toThrow(/--sizes.*""/);
    expect(() => numberOption(['--lr', 'fast'], '--lr', 32)).toThrow(
      /--lr takes a number above 0, not "fast"/,
    );
    expect(() => numberOption(['--budget', '-1'], '--budget', 30)).toThrow(/--budget/);
    expect(() => countOption(['--rows'], '--rows', 5)).toThrow(/--rows needs a value/);
    expect(() => countOption(['--rows', '--quick'], '--rows', 5)).toThrow(/--rows needs a value/);
  });
});
