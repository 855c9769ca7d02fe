"""Write the numerics fixtures the C engine is checked against.

    /usr/bin/python3 models/train/make_fixtures.py tests/fixtures

tiny-model.safetensors: a small random model of the real architecture (fp16
weights, like the shipped model).  tiny-ref.safetensors: f32 inputs and the
PyTorch reference outputs computed from exactly those fp16 weights:
  text/tokens, text/out            text encoder on a 5-token caption
  den/xt, den/t, den/ctx_clip, den/ctx_mask, den/cameo
  den/x0_cond, den/x0_uncond, den/ev_cond   one denoiser pass, both branches
  step/x_next                      one guided Euler step from den/xt
  sample/euler, sample/heun        whole clips from seed 1234, 4 steps
  sample/euler_churn               the same Euler clip with churn 0.4
  sdedit/init, sdedit/out          3 Euler steps from t = 0.6 on a noised init clip (seed 99)
  noise/seed7_stream3              the first 1000 values of rng.normal(7, 3)
tiny3-model.safetensors, tiny3-ref.safetensors: the same for head_kernel 3
(every patch's pixels also from its 8 neighbouring tokens).
tinyr-model.safetensors, tinyr-ref.safetensors: head_kernel 3 and a pixel
refiner of 6 channels (refine=6).
tinyl-model.safetensors, tinyl-ref.safetensors: a latent model (TINYL: the
denoiser on 8x8x4 latents of 32x32 frames, patch 2, head_kernel 3) with its
frame autoencoder; its ref also holds ae/px (frames), ae/z (their scaled
latents) and ae/decoded (those latents decoded, clamped).  Everything
under den/, step/, sample/ and sdedit/ is in latents.  Written alone by
`make_fixtures.py --add-latent tests/fixtures`.
`make_fixtures.py --micro tests/fuzz/model` writes the model fuzzer's
valid seeds instead: the smallest models of each kind (pixel, neighbour
head with refiner, latent), a few KB each, so that libFuzzer mutates whole
files (tests/fuzz_model.c).
Regenerate only when the architecture changes; tests/engine_test.c states
the tolerances.  `make_fixtures.py --add-churn tests/fixtures` adds
sample/euler_churn to existing files without changing anything else in them.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np
import torch

import rng
from model import SoragenModel, save_safetensors, export, load_model, load_safetensors
from sampler import sample, predict

TINY = dict(dim=32, heads=2, depth=2, text_layers=1, text_heads=2, max_tokens=8,
            frames=4, size=16, patch=4, fps=8)
VOCAB = ["<pad>", "<unk>", "<cameo>", "a", "hippo", "bounces", "on", "the", "sand", "cat"]


PREFIXES = ("tiny", "tiny3", "tinyr")
# a latent model: the same token grid (4x4 tokens a frame) over 8x8 latents
# of 32x32 frames, with a small frame autoencoder
TINYL = dict(TINY, size=8, patch=2, cameo_patch=4, channels=4, ae_c1=8, ae_c2=16,
             head_kernel=3)
CHURN = 0.4
# the model fuzzer's seeds: one token a frame, one block, three frames
MICRO = dict(dim=8, heads=1, depth=1, text_layers=1, text_heads=1, max_tokens=2,
             frames=3, size=8, patch=8, fps=8)
MICRO_KINDS = {
    "micro-pixel": MICRO,
    "micro-refiner": dict(MICRO, patch=4, head_kernel=3, refine=2),
    "micro-latent": dict(MICRO, cameo_patch=8, channels=4, ae_c1=8, ae_c2=8),
}


def micro(out):
    os.makedirs(out, exist_ok=True)
    for name, config in MICRO_KINDS.items():
        torch.manual_seed(0)
        m = SoragenModel(VOCAB[:5], **config)
        path = os.path.join(out, name)
        export(m, path)
        print("wrote %s (%d bytes)" % (path, os.path.getsize(path)))


def main(out):
    os.makedirs(out, exist_ok=True)
    write(out, "tiny", TINY, 0)
    write(out, "tiny3", dict(TINY, head_kernel=3), 3)
    write(out, "tinyr", dict(TINY, head_kernel=3, refine=6), 4)
    print("wrote", out)


def churn_sample(m, tokens, ctx_clip, ctx_mask, cameo, g_scale):
    """4 guided Euler steps with churn: the stochastic sampler's reference."""
    clip, _ = sample(m, tokens, seed=1234, steps=4, guidance=g_scale, method="euler",
                     stream=5, ctx_clip=ctx_clip, ctx_mask=ctx_mask, cameo=cameo, churn=CHURN)
    return clip[0]


def add_latent(out):
    """Write tinyl-{model,ref}.safetensors only: the other fixtures stay as they are."""
    write(out, "tinyl", TINYL, 5)
    print("wrote", os.path.join(out, "tinyl-*.safetensors"))


def add_churn(out):
    """Add sample/euler_churn to the existing reference files, from their own
    inputs and model: nothing else in them changes."""
    for prefix in PREFIXES:
        m = load_model(os.path.join(out, prefix + "-model.safetensors"))
        path = os.path.join(out, prefix + "-ref.safetensors")
        ref, md = load_safetensors(path)
        ref["sample/euler_churn"] = churn_sample(
            m, ref["text/tokens"].long(), ref["den/ctx_clip"][None], ref["den/ctx_mask"][None, :, None],
            ref["den/cameo"][None], float(md["cfg_scale"]))
        save_safetensors(path, ref, md, dtype=torch.float32)
        print("added sample/euler_churn to", path)


def write(out, prefix, config, seed):
    torch.manual_seed(seed)
    m = SoragenModel(VOCAB, **config)
    # zero-initialised layers would hide bugs: give every parameter values
    with torch.no_grad():
        for name, p in m.named_parameters():
            std = 1.0 / p[0].numel() ** 0.5 if p.dim() > 1 else 0.2  # 1 / sqrt(fan-in)
            p.copy_(torch.randn_like(p) * std)
        if m.ae is not None:
            m.ae.shift.copy_(torch.randn(m.ae.shift.shape) * 0.2)
            m.ae.scale.copy_(1.0 + 0.5 * torch.rand(m.ae.scale.shape))
    path = os.path.join(out, prefix + "-model.safetensors")
    export(m, path)
    m = load_model(path)  # the fp16-rounded weights the C engine sees

    T, H, C = config["frames"], config["size"], config.get("channels", 3)
    g = torch.Generator().manual_seed(1)
    ref = {}
    tokens = torch.tensor([[3, 4, 5, 6, 8]])
    with torch.no_grad():
        text, _ = m.text(tokens)
    ref["text/tokens"] = tokens.float()
    ref["text/out"] = text[0]

    xt = torch.randn(1, T, C, H, H, generator=g)
    ctx_mask = torch.zeros(1, T, 1, H, H)
    ctx_mask[:, 0] = 1.0
    ctx_mask[:, :, :, :4, :] = 1.0
    ctx_clip = torch.rand(1, T, C, H, H, generator=g) * 2 - 1
    ctx_clip = ctx_clip * ctx_mask
    cameo = torch.rand(1, 4, 32, 32, generator=g) * 2 - 1
    t = 0.63
    tt = torch.full((1,), t)
    with torch.no_grad():
        x0c, evc = m(xt, tt, ctx_clip, ctx_mask, tokens, cameo)
        x0u, _ = m(xt, tt, ctx_clip, ctx_mask, torch.zeros(1, 1, dtype=torch.long), None)
    ref.update({"den/xt": xt[0], "den/t": torch.tensor([t]), "den/ctx_clip": ctx_clip[0],
                "den/ctx_mask": ctx_mask[0, :, 0], "den/cameo": cameo[0],
                "den/x0_cond": x0c[0], "den/x0_uncond": x0u[0], "den/ev_cond": evc[0]})

    g_scale = 2.5
    x0 = x0u + g_scale * (x0c - x0u)
    v = (xt - x0) / t
    ref["step/x_next"] = (xt + (0.38 - t) * v)[0]

    for method in ("euler", "heun"):
        clip, _ = sample(m, tokens, seed=1234, steps=4, guidance=g_scale, method=method,
                         stream=5, ctx_clip=ctx_clip, ctx_mask=ctx_mask, cameo=cameo)
        ref["sample/" + method] = clip[0]
    ref["sample/euler_churn"] = churn_sample(m, tokens, ctx_clip, ctx_mask, cameo, g_scale)
    init = torch.rand(1, T, C, H, H, generator=g) * 2 - 1
    clip, _ = sample(m, tokens, seed=99, steps=3, guidance=g_scale, method="euler", stream=0,
                     ctx_clip=ctx_clip, ctx_mask=ctx_mask, cameo=cameo, t_start=0.6, init=init)
    ref["sdedit/init"] = init[0]
    ref["sdedit/out"] = clip[0]
    ref["noise/seed7_stream3"] = torch.from_numpy(rng.normal(7, 3, 1000))
    if m.ae is not None:
        # the frame autoencoder: frames -> scaled latents -> frames
        F = m.frame_size
        px = torch.rand(T, 3, F, F, generator=g) * 2 - 1
        with torch.no_grad():
            z = m.ae.encode(px)
            ref["ae/px"] = px
            ref["ae/z"] = z
            ref["ae/decoded"] = m.ae.decode(z).clamp(-1, 1)
    save_safetensors(os.path.join(out, prefix + "-ref.safetensors"), ref,
                     {"cfg_scale": str(g_scale), "seed": "1234", "stream": "5",
                      "steps": "4", "churn": str(CHURN)}, dtype=torch.float32)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--add-")]
    args = [a for a in args if a != "--micro"]
    fn = (add_churn if "--add-churn" in sys.argv else
          add_latent if "--add-latent" in sys.argv else
          micro if "--micro" in sys.argv else main)
    fn(args[0] if args else "tests/fixtures")
