"""PyTorch side of `make bench`: the same guided denoiser evaluation as
tests/bench/bench_engine.c (batch of 2 = conditional + unconditional,
native clip, noise of seed 1), with PyTorch's best CPU settings:
inference_mode, the same thread count, OMP_WAIT_POLICY=PASSIVE, and
bf16 autocast when the engine runs bf16.

    /usr/bin/python3 models/train/bench.py MODEL THREADS f32|bf16 REPS
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch

import rng
import vocab as V
from model import load_model


def main():
    path, threads, prec, reps = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    torch.set_num_threads(threads)
    m = load_model(path)
    c = m.config
    T, H = c["frames"], c["size"]
    x = torch.from_numpy(rng.normal(1, 0, T * 3 * H * H)).view(1, T, 3, H, H)
    xt = torch.cat([x, x])
    ctx = torch.zeros(2, T, 3, H, H)
    mask = torch.zeros(2, T, 1, H, H)
    ids = V.tokenize("a hippo bounces on the sand")
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
        a = time.perf_counter()
        for _ in range(20):
            step()
        chunk = time.perf_counter() - a
    print("pytorch %s threads=%d: %.1f ms/step (min of %d), chunk of %d frames at 20 steps "
          "%.2f s = %.2f frames/s" % (prec, threads, best * 1e3, reps, T, chunk, T / chunk))


if __name__ == "__main__":
    main()
