"""make eval: generate clips with build/ffmpeg's soragen filter for a fixed
prompt set and score them with the tracker (no ground truth involved).

    /usr/bin/python3 models/train/evaluate.py --ffmpeg build/ffmpeg [--model M]
        [--per-subject 4] [--steps 20] [--guidance 3] [--sheet eval.png]

The prompt set is drawn from the caption grammar with its own seed (2026),
never used in training or tuning: every subject with `per-subject`
random backgrounds and motions.  Reported: subject accuracy (tracker's best
sprite = prompted subject), background accuracy, direction accuracy for
directed motions, mean flicker (mean absolute change of background pixels
between frames, 0..1), and the tracker's own accuracy on ground-truth
world clips for the same prompts, which bounds what it can resolve.
"""
import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np

import tracker as TR
import vocab as V
import world as Wd


def prompt_set(per_subject, seed=2026):
    rng = np.random.default_rng(seed)
    out = []
    for subj in sorted(V.SUBJECTS):
        for _ in range(per_subject):
            bg = rng.choice(sorted(V.BACKGROUNDS))
            motion = rng.choice(V.MOTIONS)
            if bg in ("sky", "water") and motion in ("walks", "rolls", "slides"):
                motion = "flies"
            d = rng.choice(["left", "right"]) if motion in V.DIRECTED else ""
            words = ["a", subj, motion] + ([d] if d else []) + [V.BACKGROUND_PHRASE[bg]]
            out.append(dict(prompt=" ".join(words), subject=subj, background=bg,
                            motion=motion, direction=d))
    return out


def generate(ffmpeg, model, prompt, seed, steps, guidance, size, frames):
    graph = ("soragen=p=%s:seed=%d:steps=%d:guidance=%g:s=%dx%d:d=%g:threads=2"
             % (prompt.replace(" ", "_"), seed, steps, guidance, size, size, frames / 8.0))
    if model:
        graph = "soragen=model=%s:%s" % (model, graph[len("soragen="):])
    raw = subprocess.run([ffmpeg, "-nostdin", "-v", "error", "-lavfi", graph, "-f", "rawvideo", "-"],
                         check=True, stdout=subprocess.PIPE).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, size, size, 3)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ffmpeg", default="build/ffmpeg")
    ap.add_argument("--model", default="")
    ap.add_argument("--per-subject", type=int, default=4)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--guidance", type=float, default=3.0)
    ap.add_argument("--sheet", default="build/eval.png")
    args = ap.parse_args()

    prompts = prompt_set(args.per_subject)
    tr = TR.Tracker()
    world = Wd.World()
    res, clips = [], []
    t0 = time.time()
    for i, p in enumerate(prompts):
        frames = generate(args.ffmpeg, args.model, p["prompt"], 1000 + i, args.steps,
                          args.guidance, 64, 8)
        r = tr.track(frames)
        res.append((p, r))
        clips.append(dict(frames=frames, caption="%s -> %s" % (p["prompt"], r["subject"])))
    gen_s = time.time() - t0

    # the tracker on ground-truth clips of the same prompts (its resolution)
    rng = np.random.default_rng(7)
    gt_ok = 0
    for p in prompts:
        while True:
            s = world.sample(rng)
            if s["subject"] == p["subject"]:
                break
        gt_ok += tr.track(s["frames"])["subject"] == s["subject"]

    n = len(res)
    subj = np.mean([r["subject"] == p["subject"] for p, r in res])
    bg = np.mean([r["background"] == p["background"] for p, r in res])
    dirs = [(p, r) for p, r in res if p["direction"]]
    dacc = np.mean([r["direction"] == p["direction"] for p, r in dirs]) if dirs else float("nan")
    flick = np.mean([r["flicker"] for _, r in res])
    print("eval: %d prompts (%d subjects x %d), %d steps, guidance %g, %.0f s"
          % (n, len(V.SUBJECTS), args.per_subject, args.steps, args.guidance, gen_s))
    print("subject accuracy    %.1f %%" % (100 * subj))
    print("background accuracy %.1f %%" % (100 * bg))
    print("direction accuracy  %.1f %% (%d directed prompts)" % (100 * dacc, len(dirs)))
    print("flicker             %.4f (mean abs background change per frame, 0..1)" % flick)
    print("tracker on ground truth of the same subjects: %.1f %%" % (100 * gt_ok / n))
    per = {}
    for p, r in res:
        per.setdefault(p["subject"], []).append(r["subject"] == p["subject"])
    print("per subject: " + ", ".join("%s %d/%d" % (k, sum(v), len(v)) for k, v in sorted(per.items())))
    if args.sheet:
        os.makedirs(os.path.dirname(os.path.abspath(args.sheet)), exist_ok=True)
        Wd.contact_sheet(clips[::max(1, args.per_subject)], args.sheet)
        print("contact sheet:", args.sheet)


if __name__ == "__main__":
    main()
