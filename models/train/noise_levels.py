"""x0 error of a model at each noise level, against predicting each clip's
mean colour: how well it denoises where the sampler works.

    /usr/bin/python3 models/train/noise_levels.py MODEL [--clips 8] [--seed 5]
        [--levels 0.5,0.8,...]

The clean clips come from world.py (seed 5), the noise from torch seed 0.
Besides the whole frame it prints the error on the subject's own pixels
(the world's alpha mask), which is what a prompt is about and what the
tracker scores, and which the background outweighs about 20 to 1.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np
import torch

import vocab as V
import world
from model import load_model


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--clips", type=int, default=8)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--levels", default="0.5,0.8,0.9,0.95,0.98,0.99,1.0",
                    help="noise levels t, comma-separated")
    args = ap.parse_args()
    torch.set_num_threads(2)
    m = load_model(args.model)
    w = world.World()
    rng = np.random.default_rng(args.seed)
    clips = [w.sample(rng) for _ in range(args.clips)]
    x0 = torch.stack([torch.from_numpy(s["frames"]).permute(0, 3, 1, 2).float() / 127.5 - 1
                      for s in clips])
    tok = torch.zeros(len(clips), V.MAX_TOKENS, dtype=torch.long)
    for i, s in enumerate(clips):
        ids = V.tokenize(s["caption"])
        tok[i, :len(ids)] = torch.tensor(ids)
    subj = torch.stack([torch.from_numpy(s["mask"] > 127) for s in clips])[:, :, None]
    subj = subj.expand_as(x0)
    z = torch.zeros_like(x0)
    g = torch.Generator().manual_seed(0)
    base = float(((x0.mean((1, 3, 4), keepdim=True) - x0) ** 2).mean())
    with torch.no_grad():
        for t in [float(v) for v in args.levels.split(",")]:
            eps = torch.randn(x0.shape, generator=g)
            xt = (1 - t) * x0 + t * eps
            xh, _ = m(xt, torch.full((len(clips),), t), z, z[:, :, :1], tok)
            err = (xh - x0) ** 2
            # x_t itself as the estimate (no denoising at all): at low noise a
            # network should never do worse than this
            own = float(((xt - x0) ** 2)[subj].mean())
            print("t %.2f x0 mse %.4f, on the subject %.4f (x_t itself %.4f; "
                  "per-clip-mean baseline %.4f)"
                  % (t, float(err.mean()), float(err[subj].mean()), own, base))


if __name__ == "__main__":
    main()
