"""Train the soragen default model on the synthetic world.  Resumable.

    OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 models/train/train.py \
        --ckpt ~/.cache/soragen/ckpt --minutes 120

Checkpoints (model, EMA, optimiser, step, RNG state) go to --ckpt, outside
git; `export.py` turns the EMA weights into the shipped fp16 safetensors.

Objective: rectified flow, x_t = (1 - t) x0 + t eps.  The network predicts
x0; the loss is the velocity error ||v_hat - v||^2 = ||x0_hat - x0||^2 / t^2
with 1/t^2 clamped to [1, 4] (so near-clean inputs do not dominate), plus a
small BCE on the per-frame event channels.  Caption (and cameo) dropout
10 % trains the unconditional branch for classifier-free guidance.

Conditioning tasks per sample (the filters need all of them):
  none 40 %, continuation (first 1-4 frames known) 25 %, first frame 10 %,
  remix region (known outside a dilated box around the subject) 25 %,
  of which --remix-known also know their first 1-4 frames whole (as the
  remix filter's windows after the first do: they carry the last output
  frames, and the new subject must continue from them).
--late-share (session 15, run 19): that share of the full-length clips
is cut from a later point of a --late-frames world clip, with its first
1-4 frames known (3 in 10 also with a remix region): what the filters'
later chunks and windows are, which clips that start where the world
clip starts never showed (late_window()).
--pair-share (session 22): that share of the other clips are remix pairs
(world.py's sample(pair=True)): one scene drawn with subject X and again
with Y.  X's clip is noised to a level in --pair-t, the caption, the
pictures to make and a remix region about both subjects are Y's: what
remix=from=X:to=Y asks of its first window, which the other tasks never
show (their noised clip always holds the caption's subject).
Cameo: 25 % of clips (--cameo-share) use an unnamed subject with the
<cameo> word and its reference image; named subjects get their reference
image 20 % of the time.

Making subjects cheaper to learn (second recipe, from step 2144): below
noise level --subject-max-t the subject's pixels weigh 1 + --subject-weight
in the loss (subject_weight() says why only there); --short-share of
the steps train on clips of --short-frames frames with proportionally more
clips per batch (same cost, four times the distinct subjects for 2 of 8
frames; temporal attention and the frame embeddings of the first frames
still train); --bf16 runs forward and backward under bf16 autocast (this
machine has AVX512-BF16; the model card gives the step times measured).
--subject-boost draws the named subjects the evaluation finds hardest
more often (default: all alike).

Latent models (--latent AE.pt, session 13): the batch is made in pixels as
above and encoded by the frozen frame autoencoder (to_latent()); the
denoiser predicts latents.  --init with a pixel model's file keeps its
text encoder and transformer body (the token grid is the same) and starts
patch_in and the head afresh.
"""
import argparse
import copy
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np
import torch
import torch.nn.functional as F

import vocab as V
from heap import keep_freed_memory
from world import World
from model import SoragenModel, DEFAULT_CONFIG, full_config, save_safetensors
from denoiser import patchify, neighbour_tokens


def cameo_tensor(rgba):
    """uint8 [32, 32, 4] -> float [4, 32, 32]: premultiplied RGB and alpha in [-1, 1]."""
    a = rgba[..., 3:4].astype(np.float32) / 255.0
    rgb = rgba[..., :3].astype(np.float32) / 255.0 * a
    x = np.concatenate([rgb, a], -1) * 2.0 - 1.0
    return torch.from_numpy(x).permute(2, 0, 1)


def late_window(s, T, rng):
    """A window of T frames from a later point of a longer world clip s
    (frames, mask and events cut alike; the caption still holds)."""
    o = int(rng.integers(1, len(s["frames"]) - T + 1))
    s = dict(s)
    for key in ("frames", "mask"):
        s[key] = s[key][o:o + T]
    s["events"] = np.asarray(s["events"])[o:o + T]
    return s


def make_batch(world, rng, B, T, H, cameo_share=0.25, remix_known=0.0, late_world=None,
               late_share=0.0, pair_share=0.0):
    """The clean clips x0 and their conditioning.  src: what the clip is
    noised from, x0 itself (the same tensor) but for the paired remix clips
    (--pair-share), where it is the same scene with another subject (the
    remix input) and paired marks them."""
    x0 = torch.empty(B, T, 3, H, H)
    sources = {}
    paired = torch.zeros(B, dtype=torch.bool)
    subj = torch.zeros(B, T, 1, H, H)
    ctx_mask = torch.zeros(B, T, 1, H, H)
    tokens = torch.zeros(B, V.MAX_TOKENS, dtype=torch.long)
    cameo = torch.empty(B, 4, 32, 32)
    cameo_on = torch.zeros(B, dtype=torch.bool)
    events = torch.empty(B, T, 2)
    for i in range(B):
        use_cameo = rng.random() < cameo_share
        late = late_world is not None and rng.random() < late_share
        pair = None
        if late:
            s = late_window(late_world.sample(rng, cameo=use_cameo), T, rng)
        elif pair_share > 0 and not use_cameo and rng.random() < pair_share:
            s = world.sample(rng, pair=True)
            pair = s.get("pair")
        else:
            s = world.sample(rng, cameo=use_cameo)
        source_mask = s["mask"]
        if pair is not None:
            # remix=from=X:to=Y: the caption, the pictures to make and the
            # events are Y's; X's clip is what gets noised
            paired[i] = True
            sources[i] = s["frames"]
            s = dict(s, frames=pair["frames"], mask=pair["mask"], caption=pair["caption"])
        x0[i] = torch.from_numpy(s["frames"]).permute(0, 3, 1, 2).float() / 127.5 - 1.0
        subj[i, :, 0] = torch.from_numpy(s["mask"].astype(np.float32) / 255.0)
        ids = V.tokenize(s["caption"])
        if rng.random() < 0.10:
            ids = []  # unconditional
        else:
            cameo_on[i] = use_cameo or (pair is None and rng.random() < 0.20)
        ids = ids[: V.MAX_TOKENS]
        tokens[i, : len(ids)] = torch.tensor(ids, dtype=torch.long)
        cameo[i] = cameo_tensor(s["cameo_image"])
        events[i] = torch.from_numpy(np.asarray(s["events"], dtype=np.float32))
        task = rng.random()
        if late:
            # what a filter's later chunk or window is: its first frames
            # known, the subject already on its way (or at rest); as a
            # remix window (a region too) 3 times in 10
            task = 0.75 + 0.25 * rng.random() if rng.random() < 0.3 else 0.5
        if pair is not None:
            task = 0.75   # a remix region, none of it known before
        if task < 0.40:
            pass
        elif task < 0.65:
            ctx_mask[i, : min(T - 1, int(rng.integers(1, 5)))] = 1.0
        elif task < 0.75:
            ctx_mask[i, :1] = 1.0
        else:
            m = torch.from_numpy((s["mask"] > 0) | (source_mask > 0))
            any_t = m.any(0)
            ys, xs = torch.nonzero(any_t, as_tuple=True)
            keep = torch.ones(H, H)
            if len(ys):
                pad = int(rng.integers(2, 8))
                y0, y1 = max(0, int(ys.min()) - pad), min(H, int(ys.max()) + pad + 1)
                x0_, x1_ = max(0, int(xs.min()) - pad), min(H, int(xs.max()) + pad + 1)
                keep[y0:y1, x0_:x1_] = 0.0
            ctx_mask[i, :, 0] = keep
            if pair is None and (late or rng.random() < remix_known):
                # remix after the first window: the last output frames are
                # carried in whole, the box follows in the frames after them
                ctx_mask[i, : min(T - 1, int(rng.integers(1, 5)))] = 1.0
    ctx_clip = x0 * ctx_mask
    src = x0.clone() if sources else x0
    for i, frames in sources.items():
        src[i] = torch.from_numpy(frames).permute(0, 3, 1, 2).float() / 127.5 - 1.0
    return x0, ctx_clip, ctx_mask, tokens, cameo, cameo_on, events, subj, src, paired


def parse_boost(text):
    """"ball=3,duck=2" -> {"ball": 3.0, "duck": 2.0}; names must be subjects."""
    boost = {}
    for item in filter(None, (x.strip() for x in text.split(","))):
        name, _, w = item.partition("=")
        try:
            boost[name] = float(w)
        except ValueError:
            boost[name] = None
        if name not in V.SUBJECTS or boost[name] is None:
            raise SystemExit("--subject-boost: %r is not NAME=WEIGHT with a named subject" % item)
        if not boost[name] > 0:
            raise SystemExit("--subject-boost: the weight of %s must be positive" % name)
    return boost


def subject_weight(subj, weight, t, max_t, dilate=5):
    """Per-pixel loss weight 1 + weight * (subject alpha dilated by 2 px)
    for samples with t < max_t: the subject covers ~5 % of a frame, so with
    a flat weight the loss is ruled by backgrounds, which the model learns
    first and well; the subject is what a prompt is about and what the
    tracker scores.

    Only at low noise: a weight that depends on the clean clip moves the
    loss's minimiser from E[x0 | x_t] to E[w x0 | x_t] / E[w | x_t].  Where
    x_t still shows the subject that is nearly the same; at high noise,
    where the subject's place is uncertain, it paints subject colours over
    every place it might be.  Measured: steps 2144-4700 with weight 4 at
    every t gave subjects two to three times too large, in whole 8x8
    patches (tuning prompts, guidance 3 and 6)."""
    if weight <= 0:
        return 1.0
    B, T, _, H, W = subj.shape
    m = F.max_pool2d(subj.view(B * T, 1, H, W), dilate, stride=1,
                     padding=dilate // 2).view(B, T, 1, H, W)
    return 1.0 + weight * m * (t < max_t).float().view(B, 1, 1, 1, 1)


def sample_t(B, gen, uniform_share=0.5, high_share=0.0):
    """Half logit-normal(0, 1), half uniform on [0, 1], clipped away from 0.
    The Euler/Heun grid visits t uniformly, t = 1 included: with only 10 %
    uniform (the first recipe) P(t > 0.95) was 0.7 % and the model predicted
    the clean clip worse than the clip's mean colour there (x0 MSE 0.32 at
    t = 1 vs 0.063 for the mean, step 1082), which wrecked every sample from
    its first step."""
    u = torch.sigmoid(torch.randn(B, generator=gen))
    uni = torch.rand(B, generator=gen)
    pick = torch.rand(B, generator=gen)
    t = torch.where(pick < uniform_share, uni, u)
    # a share drawn from [0.85, 1], where x_t is nearly pure noise and the
    # network must learn to ignore its input and give the caption's mean
    high = 1.0 - 0.15 * torch.rand(B, generator=gen)
    t = torch.where(pick >= 1.0 - high_share, high, t)
    return t.clamp(0.02, 1.0)


def frame_encoder(model):
    """The frozen frame autoencoder's encoder as training uses it: a copy in
    channels-last memory order, which torch's CPU convolutions run faster
    (2.1 s against 3.65 s for 128 frames on the AMD EPYC of session 22, the
    same latents within 1e-5)."""
    enc = copy.deepcopy(model.ae).eval().to(memory_format=torch.channels_last)
    for prm in enc.parameters():
        prm.requires_grad_(False)
    return enc


@torch.no_grad()
def encode_frames(encoder, x):
    """pixels [B, T, 3, H, W] -> latents [B, T, C, h, w] by frame_encoder()."""
    B, T = x.shape[:2]
    z = encoder.encode(x.flatten(0, 1).contiguous(memory_format=torch.channels_last))
    return z.contiguous().view(B, T, *z.shape[1:])


def to_latent(model, x0, ctx_mask, subj, encoder=None):
    """A pixel batch as a latent model trains on it: the clip's latents, a
    latent pixel known only where all its pixels are, the context as the
    known latents, the subject where any of its pixels is."""
    B, T = x0.shape[:2]
    st = model.frame_size // model.config["size"]
    z = model.encode_clip(x0) if encoder is None else encode_frames(encoder, x0)
    m = -F.max_pool2d(-ctx_mask.flatten(0, 1), st).view(B, T, 1, *z.shape[3:])
    sj = F.max_pool2d(subj.flatten(0, 1), st).view(B, T, 1, *z.shape[3:])
    return z, z * m, m, sj


def ridge(X, Y, lam=1e-3):
    """Least squares Y ~ [X, 1] W with a small ridge; returns W [d + 1, k]."""
    X = torch.cat([X, torch.ones(X.shape[0], 1)], 1).double()
    A = X.T @ X
    A += lam * torch.eye(A.shape[0], dtype=A.dtype) * A.diagonal().mean()
    return torch.linalg.solve(A, X.T @ Y.double()).float()


@torch.no_grad()
def latent_warm_start(model, px, world, rng, gen, clips=48):
    """A latent model's fresh patch_in and head, fitted by least squares
    instead of left random, so that its inherited body starts from tokens
    like the ones it was trained on: patch_in maps the latent input patches
    of world clips to the tokens the pixel model px makes of the same clips'
    pixels; the head maps px's final tokens to the clean clips' latents."""
    T, H = model.config["frames"], model.frame_size
    x0, ctx_clip, ctx_mask, tokens, cameo, cameo_on, _, subj, _, _ = make_batch(
        world, rng, clips, T, H, 0.0)
    B = x0.shape[0]
    tb = sample_t(B, gen, 0.5, 0.0).view(B, 1, 1, 1, 1)
    xt = (1 - tb) * x0 + tb * torch.randn(x0.shape, generator=gen)
    z0, zctx, zmask, _ = to_latent(model, x0, ctx_mask, subj)
    zt = (1 - tb) * z0 + tb * torch.randn(z0.shape, generator=gen)
    den = model.den
    tok = px.den.patch_in(patchify(torch.cat([xt, ctx_clip, ctx_mask], 2), px.den.patch))
    feat = patchify(torch.cat([zt, zctx, zmask], 2), den.patch)
    W = ridge(feat.flatten(0, 1), tok.flatten(0, 1))
    den.patch_in.weight.copy_(W[:-1].T)
    den.patch_in.bias.copy_(W[-1])
    text, tmask = px.text(tokens)
    y, _ = px.den.trunk(xt, tb.view(B), ctx_clip, ctx_mask, text, tmask, cameo, cameo_on)
    parts = [y]
    if den.head_kernel == 3:
        parts.append(neighbour_tokens(y, T, int(den.S ** 0.5)))
    W = ridge(torch.cat(parts, -1).flatten(0, 1), patchify(z0, den.patch).flatten(0, 1))
    D = den.dim
    den.head.weight.copy_(W[:D].T)
    den.head.bias.copy_(W[-1])
    if den.head_kernel == 3:
        den.head_nb.weight.copy_(W[D:-1].T)
        den.head_nb.bias.zero_()
    pred = torch.cat(parts, -1) @ W[:-1] + W[-1]
    err = float(((pred - patchify(z0, den.patch)) ** 2).mean())
    print("latent warm start: patch_in and head fitted on %d clips; head's latent x0 "
          "error %.4f (latent variance %.4f)" % (B, err, float(z0.var())), flush=True)


# the projections that write into a block's residual stream
BLOCK_OUTPUTS = ("s_out.", "t_out.", "x_out.", "mlp.fc2.")


def grow_depth(tensors, old, new):
    """Deepen a trained denoiser without changing what it computes: the
    new - old extra blocks are spread between the old ones (inserted after
    old blocks k * old // extra); each starts as a copy of the block before
    it with its output projections zeroed, so it adds nothing to the
    residual stream until training moves those projections."""
    extra = new - old
    after = [k * old // extra for k in range(extra)]
    order = []   # for each new position: (old block, zeroed outputs)
    for i in range(old):
        order.append((i, False))
        order += [(i, True)] * after.count(i)
    out = {k: v for k, v in tensors.items() if not k.startswith("den.blocks.")}
    for pos, (i, fresh) in enumerate(order):
        src = "den.blocks.%d." % i
        for k, v in tensors.items():
            if k.startswith(src):
                name = k[len(src):]
                zero = fresh and name.startswith(BLOCK_OUTPUTS)
                out["den.blocks.%d.%s" % (pos, name)] = torch.zeros_like(v) if zero else v.clone()
    return out


def main():
    keep_freed_memory()
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=os.path.expanduser("~/.cache/soragen/ckpt"))
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=4e-4)
    ap.add_argument("--lr-end", type=float, default=-1.0,
                    help="anneal the learning rate to this value along a cosine over the "
                    "run's --minutes (wall clock: runs are budgeted in time); default: constant")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--save-every", type=float, default=10.0, help="minutes")
    ap.add_argument("--export", default="", help="write EMA fp16 safetensors here at the end")
    ap.add_argument("--uniform-t", type=float, default=0.5,
                    help="share of noise levels drawn uniformly (the rest logit-normal)")
    ap.add_argument("--high-t", type=float, default=0.0,
                    help="share of noise levels drawn from [0.85, 1]")
    ap.add_argument("--subject-weight", type=float, default=0.0,
                    help="extra loss weight on the subject's pixels (see subject_weight())")
    ap.add_argument("--subject-max-t", type=float, default=0.3,
                    help="the subject weight applies below this noise level only")
    ap.add_argument("--short-share", type=float, default=0.0,
                    help="share of steps that train on --short-frames frames per clip, with "
                    "frames/short-frames times the batch: more distinct subjects per second")
    ap.add_argument("--short-frames", type=int, default=2)
    ap.add_argument("--cameo-share", type=float, default=0.25,
                    help="share of clips whose subject is an unnamed cameo subject")
    ap.add_argument("--late-share", type=float, default=0.0,
                    help="share of full-length clips cut from a later point of a world clip "
                         "of --late-frames frames, with their first 1-4 frames known (the "
                         "soragen filter's chunks and remix's windows after the first)")
    ap.add_argument("--late-frames", type=int, default=24)
    ap.add_argument("--pair-share", type=float, default=0.0,
                    help="share of clips (not cameo, not --late-share) that are remix pairs: "
                    "the scene with another subject noised to a level in --pair-t, the "
                    "clip and caption of this subject to make, outside a box about both known "
                    "(what remix=from=X:to=Y asks of its first window)")
    ap.add_argument("--pair-t", default="0.65,0.95",
                    help="LO,HI: the noise levels of the remix pairs (remix's strength)")
    ap.add_argument("--remix-known", type=float, default=0.0,
                    help="share of remix-region clips whose first 1-4 frames are known whole")
    ap.add_argument("--subject-boost", default="",
                    help="NAME=W,...: draw these named subjects W times as often as the others "
                         "(the ones the evaluation finds hardest)")
    ap.add_argument("--train-only", default="",
                    help="train only the parameters whose names start with this prefix "
                    "(e.g. den.refiner.: a new pixel refiner on a frozen network; the frozen "
                    "part then needs no backward pass)")
    ap.add_argument("--bf16", action="store_true", help="bf16 autocast (CPUs with AVX512-BF16)")
    ap.add_argument("--ema", type=float, default=0.999, help="EMA decay")
    ap.add_argument("--reset-ema", action="store_true", help="EMA := model at start")
    ap.add_argument("--event-weight", type=float, default=0.05,
                    help="weight of the event channels' BCE (latent models' x0 loss is larger: "
                    "unit-variance latents against pixels of variance ~0.2)")
    ap.add_argument("--event-t-max", type=float, default=0.0,
                    help="> 0: noise levels uniform in [0, this] (with --train-only den.events: "
                    "the filters read the events at the last sampling step)")
    ap.add_argument("--caption-swap", type=float, default=0.0,
                    help="share of clips given another clip's caption; their event targets stay "
                    "their own pictures' (a generated clip need not do what its caption says)")
    ap.add_argument("--latent", default="",
                    help="a trained frame autoencoder (train_autoencoder.py --export): the "
                    "denoiser works on its latents; --size and --patch stay in pixels.  Not "
                    "needed with --init of a latent model, which carries its autoencoder")
    ap.add_argument("--init", default="", help="start from these safetensors weights (e.g. the "
                    "shipped model) when --ckpt holds no checkpoint: training goes on across "
                    "machines with a fresh optimiser; a file with fewer blocks than "
                    "--depth is deepened without changing its output (grow_depth())")
    for k, v in DEFAULT_CONFIG.items():
        ap.add_argument("--" + k.replace("_", "-"), type=int, default=v)
    args = ap.parse_args()
    try:
        pair_lo, pair_hi = (float(v) for v in args.pair_t.split(","))
    except ValueError:
        raise SystemExit("--pair-t: %r is not LO,HI" % args.pair_t)
    if not 0 < pair_lo <= pair_hi <= 1:
        raise SystemExit("--pair-t: need 0 < LO <= HI <= 1")
    torch.set_num_threads(args.threads)
    os.makedirs(args.ckpt, exist_ok=True)
    path = os.path.join(args.ckpt, "last.pt")

    cfg = {k: getattr(args, k) for k in DEFAULT_CONFIG}
    ae_state = None
    init_file = None   # (tensors, metadata) of --init when training starts from it
    if args.init and not os.path.exists(path):
        from model import load_safetensors
        init_file = load_safetensors(args.init)
    if args.latent:
        # --size/--patch stay in pixels; the denoiser works at the latent size
        ae_file = torch.load(args.latent)
        ae_state = ae_file["model"]
        st = ae_file["config"]["stride"]
        cfg.update(channels=ae_file["config"]["latent_ch"], ae_c1=ae_file["config"]["c1"],
                   ae_c2=ae_file["config"]["c2"], size=args.size // st,
                   patch=args.patch // st, cameo_patch=args.patch)
    elif init_file is not None:
        # a latent model's file carries its autoencoder (ae.*): continuing
        # from it needs no --latent checkpoint
        md = init_file[1]
        if int(md.get("channels", 3)) != 3:
            cfg.update({k: int(md[k]) for k in ("channels", "ae_c1", "ae_c2", "size", "patch",
                                                "cameo_patch")})
            print("%s: a latent model; its autoencoder comes from the file" % args.init,
                  flush=True)
    torch.manual_seed(args.seed)
    model = SoragenModel(V.VOCAB, **cfg)
    if ae_state is not None:
        model.ae.load_state_dict(ae_state)
    ema = copy.deepcopy(model).eval()
    if args.train_only:
        for name, prm in model.named_parameters():
            prm.requires_grad_(name.startswith(args.train_only))
        if not any(prm.requires_grad for prm in model.parameters()):
            raise SystemExit("--train-only %s: no parameter has that prefix" % args.train_only)
    trainable = [prm for prm in model.parameters() if prm.requires_grad]
    opt = torch.optim.AdamW(trainable, lr=args.lr, weight_decay=0.01, betas=(0.9, 0.99))
    step, seen = 0, 0
    fresh_opt = True
    px_init = None   # a pixel model whose body a latent model starts from
    rng = np.random.default_rng(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    if os.path.exists(path):
        ck = torch.load(path)
        assert full_config(ck["config"]) == cfg, "checkpoint has another architecture"
        model.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        fresh_opt = False
        step, seen = ck["step"], ck["seen"]
        rng.bit_generator.state = ck["np_rng"]
        gen.set_state(ck["torch_rng"])
        print(f"resumed at step {step} ({seen} clips)", flush=True)
    elif args.init:
        tensors, md = init_file
        file_depth = int(md.get("depth", cfg["depth"]))
        if file_depth < cfg["depth"]:
            tensors = grow_depth(tensors, file_depth, cfg["depth"])
            print(f"{args.init}: {file_depth} blocks grown to {cfg['depth']}", flush=True)
        # a head_kernel 1 file into a head_kernel 3 model: head_nb stays zero;
        # a file without a refiner into a model with one: it starts as identity
        new = ("den.head_nb.", "den.refiner.")
        if args.latent and int(md.get("channels", 3)) == 3:
            # a pixel model's body into a latent model: same token grid, so
            # everything but the clip's way in and out carries over
            new += ("den.patch_in.", "den.head.", "ae.")
            px_init = SoragenModel(md["vocab"].split(" "), **full_config(md))
            px_init.load_state_dict(tensors)
            tensors = {k: v for k, v in tensors.items()
                       if not k.startswith(("den.patch_in.", "den.head.", "den.head_nb."))}
            print("%s: a pixel model's body; patch_in and head fitted afresh" % args.init,
                  flush=True)
        elif args.latent:
            new += ("ae.",)
        missing, unexpected = model.load_state_dict(tensors, strict=False)
        assert not unexpected and all(k.startswith(new) for k in missing), \
            "%s has another architecture" % args.init
        if ae_state is not None:
            model.ae.load_state_dict(ae_state)
        ema.load_state_dict(model.state_dict())
        step, seen = int(md.get("train_step", 0)), int(md.get("train_clips", 0))
        rng = np.random.default_rng(args.seed + step)
        gen = torch.Generator().manual_seed(args.seed + step)
        print(f"initialised from {args.init} (step {step}, {seen} clips)", flush=True)
    if args.reset_ema:
        ema.load_state_dict(model.state_dict())
    nparam = sum(p.numel() for p in model.parameters())
    ntrain = sum(p.numel() for p in trainable)
    print(f"params {nparam/1e6:.2f} M ({ntrain/1e6:.3f} M trained), config {cfg}", flush=True)

    boost = parse_boost(args.subject_boost)
    FS = model.frame_size   # pixels; cfg["size"] is the latent size in a latent model
    world = World(size=FS, frames=cfg["frames"], fps=cfg["fps"], subject_boost=boost)
    short_world = World(size=FS, frames=args.short_frames, fps=cfg["fps"],
                        subject_boost=boost)
    T, H = cfg["frames"], FS
    late_world = None
    if args.late_share > 0:
        if args.late_frames <= T:
            raise SystemExit("--late-frames must exceed the model's %d frames" % T)
        late_world = World(size=FS, frames=args.late_frames, fps=cfg["fps"], subject_boost=boost)

    def save():
        tmp = path + ".tmp"
        torch.save(dict(model=model.state_dict(), ema=ema.state_dict(), opt=opt.state_dict(),
                        step=step, seen=seen, config=cfg, np_rng=rng.bit_generator.state,
                        torch_rng=gen.get_state()), tmp)
        os.replace(tmp, path)

    t_start = time.time()
    last_save = t_start
    if px_init is not None:
        latent_warm_start(model, px_init.eval(), world, rng, gen)
        ema.load_state_dict(model.state_dict())
        del px_init
    encoder = frame_encoder(model) if model.ae is not None else None
    step0 = step  # a fresh optimiser (new run or --init) warms up again
    avg = None
    while time.time() - t_start < args.minutes * 60:
        if args.short_share > 0 and rng.random() < args.short_share:
            Tb, Bb, wb = args.short_frames, args.batch * T // args.short_frames, short_world
        else:
            Tb, Bb, wb = T, args.batch, world
        x0, ctx_clip, ctx_mask, tokens, cameo, cameo_on, events, subj, src, paired = make_batch(
            wb, rng, Bb, Tb, H, args.cameo_share, args.remix_known,
            late_world if Tb == T else None, args.late_share, args.pair_share)
        if model.ae is not None:
            x0, ctx_clip, ctx_mask, subj = to_latent(model, x0, ctx_mask, subj, encoder)
            if paired.any():
                src_z = x0.clone()
                src_z[paired] = encode_frames(encoder, src[paired])
                src = src_z
        if not paired.any():
            src = x0
        B = x0.shape[0]
        if args.caption_swap > 0:
            swap = torch.from_numpy(rng.random(B) < args.caption_swap)
            tokens = torch.where(swap[:, None], tokens.roll(1, 0), tokens)
        if args.event_t_max > 0:
            t = torch.rand(B, generator=gen) * args.event_t_max
        else:
            t = sample_t(B, gen, args.uniform_t, args.high_t)
        if paired.any():
            t_pair = pair_lo + (pair_hi - pair_lo) * torch.rand(B, generator=gen)
            t = torch.where(paired, t_pair, t)
        eps = torch.randn(x0.shape, generator=gen)
        tb = t.view(B, 1, 1, 1, 1)
        xt = (1 - tb) * src + tb * eps
        warm = min(1.0, (step - step0 + 1) / 300) if fresh_opt else 1.0
        lr = args.lr
        if args.lr_end >= 0:
            done = min(1.0, (time.time() - t_start) / (args.minutes * 60))
            lr = args.lr_end + (args.lr - args.lr_end) * 0.5 * (1 + np.cos(np.pi * done))
        for g in opt.param_groups:
            g["lr"] = lr * warm
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
            x0_hat, ev = model(xt, t, ctx_clip, ctx_mask, tokens, cameo, cameo_on)
        x0_hat, ev = x0_hat.float(), ev.float()
        w = (1.0 / tb ** 2).clamp(1.0, 4.0)
        pix_w = (1.0 - 0.9 * ctx_mask) * subject_weight(subj, args.subject_weight, t, args.subject_max_t,
                                                         3 if model.ae is not None else 5)
        loss_x = ((x0_hat - x0) ** 2 * w * pix_w).mean()
        loss_e = F.binary_cross_entropy_with_logits(ev, events)
        loss = loss_x + args.event_weight * loss_e
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        opt.step()
        step += 1
        seen += B
        with torch.no_grad():
            d = min(args.ema, (1 + step) / (10 + step))
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(d).add_(pm.detach(), alpha=1 - d)
        lx = loss_x.item()
        avg = lx if avg is None else 0.98 * avg + 0.02 * lx
        if step % 20 == 0:
            el = time.time() - t_start
            print(f"step {step} clips {seen} loss_x {lx:.4f} avg {avg:.4f} ev {loss_e.item():.4f} "
                  f"lr {lr * warm:.2e} {el:.0f}s {el / max(1, step - step0):.2f}s/step", flush=True)
        if time.time() - last_save > args.save_every * 60:
            save()
            last_save = time.time()
    save()
    print(f"saved step {step}", flush=True)
    if args.export:
        ema.vocab = model.vocab
        ema.config = model.config
        # the provenance export.py writes too: --init reads the step back
        md = dict(ema.metadata(), train_step=str(step), train_clips=str(seen), weights="ema")
        save_safetensors(args.export, ema.state_dict(), md)
        print(f"exported {args.export}", flush=True)


if __name__ == "__main__":
    main()
