"""Flow-matching sampler (mirrors libavfilter/diffusion/sampler.c).

Rectified flow: x_t = (1 - t) x0 + t eps, t = 1 is noise.  The network
predicts x0; the velocity is v = (x_t - x0) / t.  Time grid:
t_i = t_start (1 - i/steps), t_start = 1 unless SDEdit starts from a noised
init clip x = (1 - t_start) init + t_start eps.
Euler: x_{i+1} = x_i + (t_{i+1} - t_i) v(x_i, t_i).
Heun: the Euler step, then (except when t_{i+1} = 0) average v(x_i, t_i) and
v(x_{i+1}, t_{i+1}).
Classifier-free guidance on x0: x0 = x0_u + g (x0_c - x0_u); the
unconditional branch is the caption "<pad>" with no cameo, same context.
Churn c (Euler only): each step but the last draws fresh noise z and goes
to x_{i+1} = (1 - t_{i+1}) x0 + t_{i+1} (sqrt(1 - c^2) eps + c z), where
eps = (x_i - (1 - t_i) x0) / t_i is the noise the step's x0 implies; c = 0 is
the Euler step.  z = rng.normal(seed ^ CHURN_TAG, (stream << 12) | i, n).
Noise: rng.normal(seed, stream, n) laid out as [T, C, H, W] (C = 3 pixel
channels, or a latent model's channels at its latent size).
"""
import numpy as np
import torch

import rng

CHURN_TAG = 0x636875726e   # "churn"


def initial_noise(seed, stream, T, H, W, C=3):
    return torch.from_numpy(rng.normal(seed, stream, T * C * H * W)).view(1, T, C, H, W)


@torch.no_grad()
def predict(model, x, t, ctx_clip, ctx_mask, tokens, uncond_tokens, cameo, guidance):
    tt = torch.full((1,), float(t))
    x0c, evc = model(x, tt, ctx_clip, ctx_mask, tokens, cameo)
    if guidance == 1.0:
        return x0c, evc
    x0u, _ = model(x, tt, ctx_clip, ctx_mask, uncond_tokens, None)
    return x0u + guidance * (x0c - x0u), evc


@torch.no_grad()
def sample(model, tokens, seed, steps=20, guidance=3.0, method="euler", stream=0,
           ctx_clip=None, ctx_mask=None, cameo=None, trace=None, t_start=1.0, init=None,
           churn=0.0):
    """tokens: [1, L] ids.  Returns (x0 clip [1, T, C, H, W], events [1, T, 2]); pixels
    (C = 3) are clamped to [-1, 1], a latent model's clip is not (decode_clip()).
    t_start < 1 (SDEdit): start from (1 - t_start) init + t_start noise."""
    assert 0.0 <= churn < 1.0 and (churn == 0.0 or method == "euler")
    cfg = model.config
    T, H, W, C = cfg["frames"], cfg["size"], cfg["size"], cfg.get("channels", 3)
    if ctx_clip is None:
        ctx_clip = torch.zeros(1, T, C, H, W)
        ctx_mask = torch.zeros(1, T, 1, H, W)
    uncond = torch.zeros(1, 1, dtype=torch.long)
    x = initial_noise(seed, stream, T, H, W, C)
    if init is not None:
        x = (1.0 - t_start) * init + t_start * x
    ev = None
    for i in range(steps):
        t0 = t_start * (1.0 - i / steps)
        t1 = t_start * (1.0 - (i + 1) / steps)
        x0, ev = predict(model, x, t0, ctx_clip, ctx_mask, tokens, uncond, cameo, guidance)
        v0 = (x - x0) / t0
        if churn > 0 and t1 > 0:
            eps = (x - (1.0 - t0) * x0) / t0
            z = torch.from_numpy(rng.normal(seed ^ CHURN_TAG, ((stream << 12) | i) & 0xFFFFFFFFFFFFFFFF,
                                            x.numel())).view_as(x)
            xn = (1.0 - t1) * x0 + t1 * ((1.0 - churn * churn) ** 0.5 * eps + churn * z)
        else:
            xn = x + (t1 - t0) * v0
        if method == "heun" and t1 > 0:
            x0n, ev = predict(model, xn, t1, ctx_clip, ctx_mask, tokens, uncond, cameo, guidance)
            v1 = (xn - x0n) / t1
            xn = x + (t1 - t0) * 0.5 * (v0 + v1)
        if trace is not None:
            trace.append((t0, x.clone(), x0.clone(), xn.clone()))
        x = xn
    # pixels are clamped to their range; latents go to the decoder as they are
    return (x.clamp(-1, 1) if C == 3 else x), ev
