"""Tests of the training batches (train.py's make_batch()).

    /usr/bin/python3 models/train/test_train.py

Prints one line per check and "N passed, N failed"; exits 1 on a failure.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np
import torch

import train
from checks import Checks
import vocab as V
from world import World

check = Checks()


world = World(size=64, frames=8, fps=8)
B, T, H = 24, 8, 64

# without pairs: the batch of earlier runs, the source the clip itself
x0, ctx_clip, ctx_mask, tokens, cameo, cameo_on, events, subj, src, paired = train.make_batch(
    world, np.random.default_rng(3), B, T, H, 0.0)
check("no pairs: nothing paired, the noised clip is the clip", not paired.any()
      and torch.equal(src, x0))

# every clip a pair
x0, ctx_clip, ctx_mask, tokens, cameo, cameo_on, events, subj, src, paired = train.make_batch(
    world, np.random.default_rng(4), B, T, H, 0.0, pair_share=1.0)
check("pair_share 1: (nearly) every clip paired", int(paired.sum()) >= B - 2, int(paired.sum()))
region = ctx_mask[:, :, 0] == 0
ok = True
for i in range(B):
    if not paired[i]:
        continue
    inside = region[i].unsqueeze(1).expand(T, 3, H, H)
    d = (x0[i] - src[i]).abs()
    # outside the region the two scenes are one (rounding of near-zero alpha aside)
    ok &= bool(region[i].any()) and float(d[~inside].max()) <= 6 / 127.5 \
        and float(d[inside].max()) > 0.3
check("pairs: a remix region; outside it the noised clip is the clip to make", ok)
check("pairs: every frame's region the same box, nothing known before it",
      all(bool((region[i] == region[i, 0]).all()) for i in range(B) if paired[i]))
check("pairs: the target's subject inside the region",
      all(float((subj[i, :, 0] * (~region[i]).float()).max()) < 0.1 for i in range(B) if paired[i]))
check("pairs: no cameo reference (it would show the old subject)",
      not bool(cameo_on[paired].any()))
names = set(V.SUBJECTS)
ok = True
for i in range(B):
    if paired[i] and tokens[i].any():
        said = {V.VOCAB[int(t)] for t in tokens[i] if t} & names
        ok &= len(said) == 1
check("pairs: the caption names one subject", ok)

sys.exit(check.report())
