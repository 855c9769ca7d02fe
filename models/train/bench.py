"""PyTorch side of `make bench`: the same guided denoiser evaluation as
tests/bench/bench_engine.c (batch of 2 = conditional + unconditional,
native clip, noise of seed 1), with PyTorch's best CPU settings:
inference_mode, the same thread count, OMP_WAIT_POLICY=PASSIVE, and
bf16 autocast when the engine runs bf16.

PyTorch's f32 matrix products go to the system BLAS (Debian: OpenBLAS
0.3.21).  Its runtime CPU detection falls back to the Prescott kernels
(SSE3, no AVX) on Intel models it does not know (OpenBLAS issue #4267,
fixed upstream by pull request #4268 in October 2023, after 0.3.24); on
the 2-core Xeon of the soragen machines (family 6, model 207) that made a
1024x1024 f32 product 5x slower (38 against 189 GFLOP/s with
OPENBLAS_CORETYPE=SkylakeX).  So before torch loads, the
core OpenBLAS picked is checked against the CPU's flags, and on a
fall-back the script runs itself again with OPENBLAS_CORETYPE set to the
best kernel set the flags allow.  An OPENBLAS_CORETYPE set by the user is
left alone.  The core in use is printed with the figures.

    /usr/bin/python3 models/train/bench.py MODEL THREADS f32|bf16 REPS
"""
import ctypes
import ctypes.util
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# OpenBLAS cores for CPUs without AVX2: a pick among these on a CPU whose
# flags allow more is the detection fall-back described above
OPENBLAS_OLD_CORES = {"prescott", "core2", "penryn", "dunnington", "nehalem", "atom",
                      "katmai", "coppermine", "northwood", "banias", "generic"}


def openblas_core():
    """Name of the kernel set OpenBLAS chose, or None when the BLAS is not
    OpenBLAS."""
    name = ctypes.util.find_library("blas")
    try:
        lib = ctypes.CDLL(name or "libblas.so.3")
        fn = lib.openblas_get_corename
    except (OSError, AttributeError):
        return None
    fn.restype = ctypes.c_char_p
    return fn().decode()


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def fix_openblas_core():
    """Run again with OPENBLAS_CORETYPE when OpenBLAS fell back to an old
    core on a CPU that has AVX2 or AVX-512 (see the module docstring)."""
    if "OPENBLAS_CORETYPE" in os.environ:
        return
    core = openblas_core()
    if core is None or core.lower() not in OPENBLAS_OLD_CORES:
        return
    flags = cpu_flags()
    if {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"} <= flags:
        want = "SkylakeX"
    elif {"avx2", "fma"} <= flags:
        want = "Haswell"
    else:
        return
    print("bench.py: OpenBLAS chose the %s kernels on a CPU with %s; running again with "
          "OPENBLAS_CORETYPE=%s" % (core, "AVX-512" if want == "SkylakeX" else "AVX2", want),
          file=sys.stderr)
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable] + sys.argv,
              dict(os.environ, OPENBLAS_CORETYPE=want))


fix_openblas_core()

import torch  # noqa: E402 (after the BLAS check, which must precede its loading)

import rng
from model import load_model


def main():
    path, threads, prec, reps = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    torch.set_num_threads(threads)
    m = load_model(path)
    c = m.config
    T, H, C = c["frames"], c["size"], c.get("channels", 3)
    x = torch.from_numpy(rng.normal(1, 0, T * C * H * H)).view(1, T, C, H, H)
    xt = torch.cat([x, x])
    ctx = torch.zeros(2, T, C, H, H)
    mask = torch.zeros(2, T, 1, H, H)
    ids = m.tokenize("a hippo bounces on the sand")
    tok = torch.zeros(2, len(ids), dtype=torch.long)
    tok[0] = torch.tensor(ids)
    t = torch.full((2,), 0.5)

    def step():
        if prec == "bf16":
            with torch.autocast("cpu", dtype=torch.bfloat16):
                return m(xt, t, ctx, mask, tok)
        return m(xt, t, ctx, mask, tok)

    with torch.inference_mode():
        step()
        best = 1e9
        for _ in range(reps):
            a = time.perf_counter()
            step()
            best = min(best, time.perf_counter() - a)
        # a chunk: 20 steps, then the frames out of the clip (a latent
        # model's decoder; clamping only for a pixel model)
        a = time.perf_counter()
        for _ in range(20):
            step()
        m.decode_clip(x)
        chunk = time.perf_counter() - a
    print("pytorch %s threads=%d: %.1f ms/step (min of %d), chunk of %d frames at 20 steps "
          "%.2f s = %.2f frames/s, BLAS core %s" % (prec, threads, best * 1e3, reps, T, chunk,
                                                    T / chunk, openblas_core() or "not OpenBLAS"))


if __name__ == "__main__":
    main()
