import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { describeNumpy } from '../../../bench/lib/python.js';

// The kernel a loaded OpenBLAS runs, asked of the library itself (independent of the helper).
const CORENAME = `
import ctypes, numpy as np
np.ones((2, 2)) @ np.ones((2, 2))
for path in sorted({l.split()[-1] for l in open('/proc/self/maps') if 'openblas' in l}):
    for name in ('openblas_get_corename', 'scipy_openblas_get_corename64_', 'openblas_get_corename64_'):
        f = getattr(ctypes.CDLL(path), name, None)
        if f:
            f.restype = ctypes.c_char_p
            print(f().decode())
            raise SystemExit
`;

function corename(env: NodeJS.ProcessEnv): string {
  try {
    return execFileSync('python3', ['-c', CORENAME], { env, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

const saved = process.env.OPENBLAS_CORETYPE;
afterEach(() => {
  if (saved === undefined) delete process.env.OPENBLAS_CORETYPE;
  else process.env.OPENBLAS_CORETYPE = saved;
});

describe('python peers', () => {
  const clean = { ...process.env };
  delete clean.OPENBLAS_CORETYPE;
  delete clean.OPENBLAS_L2_SIZE;
  const best = corename(clean);
  const forced = corename({ ...clean, OPENBLAS_CORETYPE: 'Prescott' });

  // Needs a python3 whose numpy uses OpenBLAS, and a CPU newer than the forced kernel.
  it.skipIf(!best || best === forced)(
    'run numpy on the kernel OpenBLAS picks, whatever the environment forces',
    async () => {
      process.env.OPENBLAS_CORETYPE = 'Prescott';
      const config = await describeNumpy('python3');
      expect(config.optimised).toBe(true);
      expect(config.text).toContain(`kernel ${best}`);
      expect(config.text).not.toContain(`kernel ${forced}`);
    },
  );

  it('call numpy on an unoptimised BLAS handicapped', async () => {
    // Reference: whether Debian's numpy maps an optimised BLAS library into its process.
    const mapped = execFileSync(
      '/usr/bin/python3',
      ['-c', "import numpy as np; np.ones((2, 2)) @ np.ones((2, 2)); print(open('/proc/self/maps').read())"],
      { encoding: 'utf8' },
    );
    const config = await describeNumpy('/usr/bin/python3');
    expect(config.optimised).toBe(/openblas|mkl|blis/i.test(mapped));
  });
});
