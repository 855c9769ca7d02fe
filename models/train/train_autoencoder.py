"""Train the frame autoencoder (autoencoder.py) on world frames; resumable.

    OMP_NUM_THREADS=2 /usr/bin/python3 models/train/train_autoencoder.py \
        --ckpt ~/soragen-ckpt/ae1 --minutes 60 --seed 1 [--export ae.pt]
    /usr/bin/python3 models/train/train_autoencoder.py --evaluate ae.pt

A batch is `--clips` world clips (a quarter with a cameo subject), two
random frames of each.  Loss per pixel: |x - x^| + (x - x^)^2, weighted
`--subject-weight` times more on the subject's own pixels (the world's
alpha mask; a reconstruction target has no noise, so this weight moves
no optimum, it only spends capacity where the prompt's meaning is), plus
`--z-penalty` x mean(z^2).  The decoder sees z + N(0, sigma^2) with sigma
uniform in [0, --z-noise] so that it tolerates a denoiser's small errors.
Learning rate: cosine from --lr to --lr-end over the run's wall clock.
At the end the latent shift/scale are measured on 256 fresh clips.
"""
import argparse
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np
import torch

import world as Wd
from autoencoder import Autoencoder


def batch(world, rng, clips, cameo_share=0.25):
    xs, ms = [], []
    for _ in range(clips):
        s = world.sample(rng, cameo=rng.random() < cameo_share)
        for f in rng.choice(s["frames"].shape[0], 2, replace=False):
            xs.append(s["frames"][f])
            ms.append(s["mask"][f])
    x = torch.from_numpy(np.stack(xs)).permute(0, 3, 1, 2).float() / 127.5 - 1.0
    m = torch.from_numpy(np.stack(ms).astype(np.float32) / 255.0)[:, None]
    return x, m


@torch.no_grad()
def measure_latents(ae, world, rng, clips=256):
    zs = []
    for _ in range(clips // 16):
        x, _ = batch(world, rng, 16)
        zs.append(ae.enc(x))
    z = torch.cat(zs)
    mean = z.mean((0, 2, 3))
    std = z.std((0, 2, 3))
    return mean, 1.0 / std


@torch.no_grad()
def evaluate(path, clips=96, seed=4242, noise=(0.0, 0.1, 0.3)):
    """PSNR of reconstructions of fresh world clips (whole frame and the
    subject's pixels), and the tracker's subject on the originals and on the
    reconstructions, also with Gaussian noise of these sigmas added to the
    scaled latents (the error a denoiser's latents may carry)."""
    import tracker as TR
    f = torch.load(path)
    ae = Autoencoder(f["config"]["c1"], f["config"]["c2"])
    ae.load_state_dict(f["model"])
    ae.eval()
    tr = TR.Tracker()
    world = Wd.World()
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)
    stats = {s: dict(se=0.0, n=0, sse=0.0, sn=0, ok=0) for s in noise}
    ok_orig = 0
    t0 = time.time()
    for _ in range(clips):
        s = world.sample(rng)
        x = torch.from_numpy(s["frames"]).permute(0, 3, 1, 2).float() / 127.5 - 1.0
        m = torch.from_numpy(s["mask"] > 127)[:, None].expand_as(x)
        z = ae.encode(x)
        ok_orig += tr.track(s["frames"])["subject"] == s["subject"]
        for sg in noise:
            xh = ae.decode(z + sg * torch.randn(z.shape, generator=gen)).clamp(-1, 1)
            q = ((xh + 1) * 127.5).round()
            d2 = (q - (x + 1) * 127.5) ** 2
            st = stats[sg]
            st["se"] += float(d2.sum())
            st["n"] += d2.numel()
            st["sse"] += float(d2[m].sum())
            st["sn"] += int(m.sum())
            fr = q.permute(0, 2, 3, 1).byte().numpy()
            st["ok"] += tr.track(fr)["subject"] == s["subject"]
    print("%d world clips (seed %d), %.0f s; tracker on the originals: %.1f %%"
          % (clips, seed, time.time() - t0, 100.0 * ok_orig / clips))
    for sg, st in stats.items():
        print("latent noise %.2f: PSNR %.2f dB, on the subject %.2f dB, tracker %.1f %%"
              % (sg, 10 * math.log10(255.0 ** 2 * st["n"] / st["se"]),
                 10 * math.log10(255.0 ** 2 * st["sn"] / max(st["sse"], 1e-9)),
                 100.0 * st["ok"] / clips))


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--evaluate":
        torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
        return evaluate(sys.argv[2])
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--clips", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--lr-end", type=float, default=1e-5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--subject-weight", type=float, default=4.0)
    ap.add_argument("--z-penalty", type=float, default=1e-3)
    ap.add_argument("--z-noise", type=float, default=0.1)
    ap.add_argument("--c1", type=int, default=32)
    ap.add_argument("--c2", type=int, default=64)
    ap.add_argument("--save-every", type=float, default=5.0, help="minutes")
    ap.add_argument("--export", default="", help="write the final weights here (torch.save)")
    args = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    os.makedirs(args.ckpt, exist_ok=True)
    last = os.path.join(args.ckpt, "last.pt")
    ae = Autoencoder(args.c1, args.c2)
    opt = torch.optim.AdamW(ae.parameters(), lr=args.lr, weight_decay=0.0)
    step, spent = 0, 0.0
    if os.path.exists(last):
        st = torch.load(last)
        ae.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        step, spent = st["step"], st["spent"]
        print("resumed at step %d (%.1f min spent)" % (step, spent / 60))
    print("params %.3f M" % (sum(p.numel() for p in ae.parameters()) / 1e6), flush=True)
    world = Wd.World()
    rng = np.random.default_rng(args.seed * 1000003 + step)
    gen = torch.Generator().manual_seed(args.seed * 7919 + step)
    budget = args.minutes * 60
    t_run, t_save = time.time(), time.time()
    avg = None

    def save():
        torch.save(dict(model=ae.state_dict(), opt=opt.state_dict(), step=step,
                        spent=spent + time.time() - t_run, args=vars(args)), last + ".tmp")
        os.replace(last + ".tmp", last)

    while time.time() - t_run < budget:
        frac = min(1.0, (time.time() - t_run) / budget)
        lr = args.lr_end + 0.5 * (args.lr - args.lr_end) * (1 + math.cos(math.pi * frac))
        warm = min(1.0, (step + 1) / 200)
        for g in opt.param_groups:
            g["lr"] = lr * warm
        x, m = batch(world, rng, args.clips)
        z = ae.enc(x)
        sigma = args.z_noise * torch.rand(z.shape[0], 1, 1, 1, generator=gen)
        xh = ae.dec(z + sigma * torch.randn(z.shape, generator=gen))
        d = xh - x
        w = 1.0 + args.subject_weight * m
        rec = (w * (d.abs() + d * d)).mean() / w.mean()
        loss = rec + args.z_penalty * (z * z).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(ae.parameters(), 1.0)
        opt.step()
        step += 1
        avg = float(rec) if avg is None else 0.98 * avg + 0.02 * float(rec)
        if step % 20 == 0:
            el = time.time() - t_run
            mse = float((d * d).mean())
            print("step %d rec %.4f avg %.4f psnr %.2f z_rms %.2f lr %.2e %.0fs"
                  % (step, float(rec), avg, 10 * math.log10(4.0 / max(mse, 1e-12)),
                     float(z.pow(2).mean().sqrt()), lr, el), flush=True)
        if time.time() - t_save > args.save_every * 60:
            save()
            t_save = time.time()
    ae.eval()
    shift, scale = measure_latents(ae, world, np.random.default_rng(99))
    ae.shift.copy_(shift)
    ae.scale.copy_(scale)
    print("latent shift", [round(float(v), 3) for v in shift],
          "scale", [round(float(v), 3) for v in scale])
    save()
    if args.export:
        torch.save(dict(model=ae.state_dict(), config=ae.config, step=step), args.export)
        print("exported", args.export)


if __name__ == "__main__":
    main()
