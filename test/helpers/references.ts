/**
 * The optional system programs that some tests check against (numpy, PIL and pandas under Debian's
 * python3, ffmpeg), probed once by the global setup. A missing one skips the tests that need it,
 * saying so; one that is installed but broken (python3 is there but `import numpy` crashes, ffmpeg
 * exits non-zero on -version) fails them with the probe's reason, since a skip would hide the fault.
 */
import { beforeAll, describe, inject, it } from 'vitest';
import { probeReferences, type ReferenceName, type ReferenceStatus } from './reference-probes.js';

export { PYTHON } from './reference-probes.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The probes of the global setup (test/global-setup.ts), so each test file does not rerun them. */
    references: ReferenceStatus[];
  }
}

let cached: ReferenceStatus[] | undefined;

/** The status of a reference: the global setup's probe, or this process's own when run without it. */
export function referenceStatus(name: ReferenceName): ReferenceStatus {
  if (cached === undefined) {
    let provided: ReferenceStatus[] | undefined;
    try {
      provided = inject('references');
    } catch {
      provided = undefined; // not inside a vitest worker
    }
    cached = provided ?? probeReferences();
  }
  return cached.find((s) => s.name === name)!;
}

/** Raised by every test whose reference is installed but does not work. */
export class ReferenceBrokenError extends Error {
  override name = 'ReferenceBrokenError';
}

/**
 * `it` and `describe` for tests that need `names`: skipped (with the reason in their title) when one
 * is missing; failing with the probe's reason when one is broken. `present` tells set-up code whether
 * to run the program at all. test/global-setup.ts counts the tests per reference from the
 * `const x = needs(...)` declarations, so declare the handle that way.
 */
export function needs(...names: ReferenceName[]) {
  const statuses = names.map(referenceStatus);
  const missing = statuses.filter((s) => s.state === 'missing');
  const broken = statuses.filter((s) => s.state === 'broken');
  const present = missing.length === 0;
  const note = present
    ? ''
    : ` [skipped: ${missing.map((s) => `${s.name} missing, ${s.reason}`).join('; ')}]`;
  const failure = () => {
    throw new ReferenceBrokenError(
      broken.map((s) => `${s.name} is installed but broken: ${s.reason}`).join('; '),
    );
  };
  return {
    present,
    it(title: string, fn: () => unknown, timeout?: number) {
      if (!present) it.skip(title + note, fn);
      else if (broken.length > 0) it(title, failure);
      else it(title, fn, timeout);
    },
    describe(title: string, fn: () => void) {
      if (!present) describe.skip(title + note, fn);
      else
        describe(title, () => {
          if (broken.length > 0) beforeAll(failure);
          fn();
        });
    },
  };
}
