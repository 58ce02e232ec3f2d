/**
 * Vitest global setup: probes the optional references once, hands the result to every test file
 * (inject('references')), and prints at the start of the run which are missing or broken and which
 * tests that skips or fails.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { gatedTestsUnder, probeReferences, type ReferenceStatus } from './helpers/reference-probes.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** One line: `optional references: numpy ok, PIL missing (2 tests in files X, Y skip), ffmpeg ok`. */
export function referencesBanner(statuses: ReferenceStatus[]): string {
  const gated = gatedTestsUnder(root, join(root, 'test'));
  const parts = statuses.map((s) => {
    if (s.state === 'ok') return `${s.name} ok`;
    const files = gated.get(s.name) ?? new Map<string, number>();
    const tests = [...files.values()].reduce((a, b) => a + b, 0);
    const which =
      tests === 0
        ? 'no tests need it'
        : `${tests} test${tests === 1 ? '' : 's'} in ${[...files.keys()].join(', ')} ${s.state === 'missing' ? 'skip' : 'FAIL'}`;
    return s.state === 'missing'
      ? `${s.name} missing (${which}; ${s.reason})`
      : `${s.name} BROKEN (${which}: ${s.reason})`;
  });
  return `optional references: ${parts.join(', ')}`;
}

export default function setup(project: TestProject): void {
  const statuses = probeReferences();
  project.provide('references', statuses);
  console.log(referencesBanner(statuses));
}
