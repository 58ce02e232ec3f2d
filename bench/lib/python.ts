// The one way benchmarks start Python peers (numpy, PyTorch), so that every peer runs at its best and
// says which BLAS it ran on.
//
// This machine's environment sets OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for old OpenBLAS builds; a
// current OpenBLAS (numpy 2.4's) then runs a kernel for an older CPU, 1.5–2× slower. Peers start with
// both unset, and print the BLAS they ran on (threadpoolctl if importable, else numpy's build
// configuration plus the kernel OpenBLAS chose at run time).
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { textOption } from './args.js';
import { type ProcessOptions, runProcess } from './process.js';

/** Debian's Python: the only one with PyTorch here (1.13, linked to the reference BLAS). */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/** Environment variables that pin an old OpenBLAS kernel; a peer never inherits them. */
const OPENBLAS_OVERRIDES = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];

/**
 * The Python whose numpy is the speed peer: `--python PATH`, else the first `python3` on PATH (the
 * pyenv numpy 2.4 with OpenBLAS here; Debian's numpy 1.24 uses the reference BLAS, ~100× slower).
 */
export function numpyPython(args: readonly string[]): string {
  return textOption(args, '--python') ?? 'python3';
}

function peerEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of OPENBLAS_OVERRIDES) delete env[name];
  return env;
}

/** Starts `python -c script ...args` with the peer environment, for a caller that talks to it. */
export function startPython(python: string, script: string, args: readonly string[] = []) {
  return spawn(python, ['-c', script, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: peerEnv(),
  }) as ChildProcessWithoutNullStreams;
}

/** Runs `python -c script ...args` to the end with the peer environment and resolves its stdout. */
export function runPython(
  python: string,
  script: string,
  args: readonly string[] = [],
  options: Omit<ProcessOptions, 'env'> = {},
): Promise<string> {
  return runProcess(python, ['-c', script, ...args], { ...options, env: peerEnv() });
}

// Prints {"numpy", "blas", "source", "optimised"}: the BLAS from threadpoolctl when importable, else
// from numpy's build configuration (show_config on numpy ≥ 1.26, np.__config__ before), plus the
// kernel a loaded OpenBLAS chose (its own get_corename, under any of the symbol prefixes it ships with).
const DESCRIBE_NUMPY = `
import ctypes, json, os, re
import numpy as np
np.ones((2, 2)) @ np.ones((2, 2))
info = {"numpy": np.__version__}
try:
    from threadpoolctl import threadpool_info
    libs = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    info["blas"] = "; ".join("%s %s (kernel %s, %s threads)" % (i.get("internal_api"), i.get("version") or "", i.get("architecture") or "?", i.get("num_threads")) for i in libs)
    info["source"] = "threadpoolctl"
except ImportError:
    try:
        b = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["blas"] = "%s %s" % (b.get("name"), b.get("version", ""))
        info["source"] = "numpy.show_config"
    except TypeError:
        libraries = (getattr(np.__config__, "blas_opt_info", None) or {}).get("libraries", [])
        info["blas"] = "libraries " + ", ".join(sorted(set(libraries)))
        info["source"] = "np.__config__"
    paths = sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.lower() and "/" in l}) if os.path.exists("/proc/self/maps") else []
    for path in paths:
        lib = ctypes.CDLL(path)
        for prefix in ("", "scipy_"):
            for suffix in ("", "64_"):
                core = getattr(lib, prefix + "openblas_get_corename" + suffix, None)
                threads = getattr(lib, prefix + "openblas_get_num_threads" + suffix, None)
                if core and threads:
                    core.restype = ctypes.c_char_p
                    info["blas"] += " (OpenBLAS kernel %s, %d threads)" % (core().decode(), threads())
                    break
            else:
                continue
            break
        else:
            info["blas"] += " (%s)" % os.path.basename(path)
info["optimised"] = bool(re.search("openblas|mkl|blis|accelerate|armpl", info["blas"], re.I))
print(json.dumps(info))
`;

/** The numpy of a Python peer and the BLAS it runs on. */
export interface NumpyConfig {
  /** One line for a bench's output, e.g. `numpy 2.4.6, scipy-openblas 0.3.31 (OpenBLAS kernel SkylakeX, 2 threads)`. */
  text: string;
  /**
   * False when numpy runs on the reference BLAS (or one not known to be optimised): such a peer is
   * handicapped, and a target met against it is "not measured".
   */
  optimised: boolean;
}

/** Asks `python` for its numpy and BLAS, in the same environment its peer runs in. */
export async function describeNumpy(python: string): Promise<NumpyConfig> {
  const info = JSON.parse(await runPython(python, DESCRIBE_NUMPY)) as {
    numpy: string;
    blas: string;
    source: string;
    optimised: boolean;
  };
  return {
    text: `numpy ${info.numpy}, ${info.blas.trim()} [from ${info.source}; run with ${OPENBLAS_OVERRIDES.join(' and ')} unset]`,
    optimised: info.optimised,
  };
}
