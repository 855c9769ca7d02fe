"""make eval: generate clips with build/ffmpeg's soragen filter for a fixed
prompt set and score them with the tracker (no ground truth involved).

    /usr/bin/python3 models/train/evaluate.py --ffmpeg build/ffmpeg [--model M]
        [--per-subject 4] [--steps 20] [--sampler euler] [--guidance 3]
        [--sheet eval.png] [--prompt-seed 2026]

The prompt set is drawn from the caption grammar with its own seed (2026),
never used in training or tuning (tune sampler settings with another
--prompt-seed, e.g. 1, and report with 2026): every subject with `per-subject`
random backgrounds and motions.  Reported: subject accuracy (tracker's best
sprite = prompted subject; the strict figure also needs the tracker to
place that sprite, fit > 0.2, in at least one frame, since with no good
fit anywhere the best of 12 weak matches is partly chance), the
misreadings, background accuracy, direction accuracy for
directed motions, mean flicker (mean absolute change of background pixels
between frames, 0..1), and the tracker's own accuracy on ground-truth
world clips for the same prompts, which bounds what it can resolve.

Then (seam_eval(), --seam-clips) 4 s clips, one per subject, for soragen's
chunk seams: frame change across a seam against inside a chunk, the
model's contact probability on a chunk's first new frame against its
other frames, and whether the tracker reads one subject in every chunk.

--tracker FILE scores with another tracker.py, e.g. the one before a
tracker change, so that a model's figures compare across it:
    git show f3194ae:models/train/tracker.py > /tmp/tracker_old.py
    evaluate.py --tracker /tmp/tracker_old.py --remix-clips 0

--torch MODEL generates with the PyTorch reference sampler instead (the
filter's noise, time grid and churn), for a model the C engine cannot run.
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


# make eval's sampler settings; the blind judges (blind.py, boundary.py) use them too
STEPS = 20
GUIDANCE = 3.0


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


def generate(ffmpeg, model, prompt, seed, steps, guidance, size, frames, sampler="euler",
             churn=-1.0, extra="", meta_key=None):
    """frames [N, size, size, 3] of soragen at 8 fps (extra: more soragen
    options); with meta_key also that frame metadata's values, per frame."""
    graph = ("soragen=p=%s:seed=%d:steps=%d:guidance=%g:s=%dx%d:d=%g:threads=2:audio=0:sampler=%s"
             ":churn=%g%s" % (prompt.replace(" ", "_"), seed, steps, guidance, size, size,
                              frames / 8.0, sampler, churn, ":" + extra if extra else ""))
    if model:
        graph = "soragen=model=%s:%s" % (model, graph[len("soragen="):])
    if meta_key:
        graph += ",metadata=mode=print:key=%s:file=/dev/stderr" % meta_key
    r = subprocess.run([ffmpeg, "-nostdin", "-v", "error", "-lavfi", graph, "-f", "rawvideo", "-"],
                       check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    v = np.frombuffer(r.stdout, np.uint8).reshape(-1, size, size, 3)
    if not meta_key:
        return v
    vals = [float(l.split(b"=", 1)[1]) for l in r.stderr.splitlines()
            if l.startswith(meta_key.encode() + b"=")]
    if len(vals) != len(v):
        raise SystemExit("soragen printed %s for %d of %d frames" % (meta_key, len(vals), len(v)))
    return v, vals


_TORCH_MODELS = {}


def generate_torch(path, prompt, seed, steps, guidance, sampler="euler", churn=-1.0):
    """The PyTorch reference (sampler.py) on one 8-frame chunk: the same noise
    and time grid as the filter, for models the C engine cannot run yet (a
    latent model's frames are its decoder's).  churn < 0: the filter's default."""
    import torch
    import sampler as S
    from model import load_model
    if path not in _TORCH_MODELS:
        torch.set_num_threads(2)
        _TORCH_MODELS[path] = load_model(path)
    m = _TORCH_MODELS[path]
    if churn < 0:
        churn = 0.5 if sampler == "euler" else 0.0
    tok = torch.tensor([m.tokenize(prompt)], dtype=torch.long)
    z, _ = S.sample(m, tok, seed, steps, guidance, sampler, churn=churn)
    x = m.decode_clip(z)[0]
    return ((x.permute(0, 2, 3, 1) + 1) * 127.5).round().clamp(0, 255).byte().numpy()


def remix_clips(args, n_clips, size=128, seed=4242):
    """The remix eval's clips: yields (index, world sample, 'to' word,
    input [16, size, size, 3], output, located, subject mask [16, size, size],
    its box (the mask's bounding box grown by 8 px, per frame), and the
    number of the window that made each output frame (lavfi.remix.window)).  The same clips for the
    same seed, so evaluate.py and boundary.py judge the same outputs."""
    world = Wd.World(frames=16)
    rng = np.random.default_rng(seed)
    subjects = sorted(V.SUBJECTS)
    for i in range(n_clips):
        s = world.sample(rng)
        while s["subject"] not in V.SUBJECTS:
            s = world.sample(rng)
        to = subjects[(subjects.index(s["subject"]) + 1 + i % 11) % len(subjects)]
        big = s["frames"].repeat(size // 64, 1).repeat(size // 64, 2)
        graph = "remix=from=%s:to=%s:seed=%d:steps=%d:guidance=%g:threads=2%s%s%s" % (
            s["subject"], to, 7 + i, args.steps, args.guidance,
            ":model=" + args.model if args.model else "",
            ":strength=%g" % args.remix_strength if args.remix_strength > 0 else "",
            ":" + args.remix_options if args.remix_options else "")
        cmd = [args.ffmpeg, "-nostdin", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
               "-s", "%dx%d" % (size, size), "-r", "8", "-i", "-", "-vf",
               graph + ",metadata=mode=print:file=/dev/stderr",
               "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
        p = subprocess.run(cmd, input=big.tobytes(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           check=True)
        out = np.frombuffer(p.stdout, np.uint8).reshape(big.shape)
        m = s["mask"].repeat(size // 64, 1).repeat(size // 64, 2) > 0
        box = np.zeros_like(m)
        for t in range(len(m)):
            ys, xs = np.nonzero(m[t])
            if len(ys):
                box[t, max(0, ys.min() - 8):ys.max() + 9, max(0, xs.min() - 8):xs.max() + 9] = True
        win = [int(l.split(b"=")[1]) for l in p.stderr.splitlines()
               if l.startswith(b"lavfi.remix.window=")]
        if len(win) != len(out):
            raise SystemExit("%s printed lavfi.remix.window for %d of %d frames: a build older "
                             "than the eval?" % (args.ffmpeg, len(win), len(out)))
        yield i, s, to, big, out, b"lavfi.remix.located=1" in p.stderr, m, box, np.array(win)


def box_flicker(clip, box):
    """Mean absolute change (0..255) between consecutive frames inside the
    union of the two frames' subject boxes: [len(clip) - 1]."""
    out = []
    for t in range(len(clip) - 1):
        u = box[t] | box[t + 1]
        d = np.abs(clip[t + 1].astype(np.float64) - clip[t])
        out.append(d[u].mean() if u.any() else 0.0)
    return np.array(out)


def remix_eval(args, tr, n_clips=12, size=128, seed=4242):
    """remix from=X to=Y on 16-frame world clips (two windows), at 128x128.
    Reports PSNR outside the subject's dilated box against the input (the
    filter pastes only inside its region, so this measures how much of
    the background the region took), share of subject pixels changed,
    whether the tracker sees Y afterwards, flicker across the window
    boundaries (the frame pairs whose lavfi.remix.window differs: 7 -> 8
    and 13 -> 14 with the default overlap) against flicker between the
    frames of one window, over the whole
    frame and inside the subject's box (where a change of the new subject
    at the boundary would show; the input's own figures, its subject's
    motion alone, beside them), and whether the tracker reads the same
    subject in the two windows (an identity change at the boundary), and
    of those clips, in how many it is Y (one subject throughout can also
    be X left in place).  As a control for that last figure, the tracker
    also reads frames 0-3, 4-7 and 8-11 apart: 0-3 and 4-7 lie in one
    window, 4-7 and 8-11 on either side of the first boundary, so a
    boundary that changes the subject shows as fewer clips reading one
    subject across it than inside the window (the tracker misreads a
    generated subject now and then wherever it is)."""
    psnr_out, changed_in, ident, located, fl_edge, fl_in = [], [], [], [], [], []
    box_edge, box_in, src_edge, src_in = [], [], [], []
    same_id, same_to, same_src, q_in, q_edge = [], [], [], [], []
    for i, s, to, big, out, loc, m, box, win in remix_clips(args, n_clips, size, seed):
        located.append(loc)
        d = (out.astype(np.float64) - big) ** 2
        mse = d[~box].mean()
        psnr_out.append(float("inf") if mse == 0 else 10 * np.log10(255 ** 2 / mse))
        changed_in.append(float((np.abs(out.astype(int) - big).max(-1) > 8)[m].mean()))
        small = out[:, ::size // 64, ::size // 64]
        ident.append(tr.track(small)["subject"] == to)
        halves = [tr.track(small[:8])["subject"], tr.track(small[8:])["subject"]]
        same_id.append(halves[0] is not None and halves[0] == halves[1])
        same_to.append(same_id[-1] and halves[0] == to)
        q = [tr.track(small[k:k + 4])["subject"] for k in (0, 4, 8)]
        q_in.append(q[0] is not None and q[0] == q[1])
        q_edge.append(q[1] is not None and q[1] == q[2])
        src = s["frames"]
        same_src.append(tr.track(src[:8])["subject"] == tr.track(src[8:])["subject"] == s["subject"])
        edge = win[1:] != win[:-1]
        diff = np.abs(out[1:].astype(np.float64) - out[:-1]).mean(axis=(1, 2, 3))
        fl_edge.append(diff[edge].mean())
        fl_in.append(diff[~edge].mean())
        bo, bi = box_flicker(out, box), box_flicker(big, box)
        box_edge.append(bo[edge].mean())
        box_in.append(bo[~edge].mean())
        src_edge.append(bi[edge].mean())
        src_in.append(bi[~edge].mean())
        print("  remix clip %2d: %s -> %s on %s: PSNR outside %.1f dB, subject changed %.2f, "
              "tracker sees %s / %s, box flicker %.1f at the boundary, %.1f inside" % (
                  i, s["subject"], to, s["background"], psnr_out[-1], changed_in[-1], halves[0],
                  halves[1], box_edge[-1], box_in[-1]))
    finite = [v for v in psnr_out if np.isfinite(v)]
    print("remix eval: %d world clips of 16 frames at %dx%d, from=X to=Y" % (n_clips, size, size))
    print("PSNR outside the subject box: %s (%d of %d bit-exact)" % (
        "%.1f dB mean of the others" % np.mean(finite) if finite else "inf everywhere",
        len(psnr_out) - len(finite), len(psnr_out)))
    print("subject pixels changed: %.1f %%" % (100 * np.mean(changed_in)))
    print("located: %d of %d; tracker sees the 'to' subject: %.1f %%" % (
        sum(located), len(located), 100 * np.mean(ident)))
    print("flicker across window boundaries %.2f vs %.2f inside windows (mean abs frame change, "
          "0..255; boundaries after frames %s)" % (
        np.mean(fl_edge), np.mean(fl_in), ", ".join(str(t) for t in np.nonzero(edge)[0])))
    print("  inside the subject's box: %.2f vs %.2f (the input's: %.2f vs %.2f); boundary above "
          "1.5x the clip's inside figure in %d of %d clips" % (
              np.mean(box_edge), np.mean(box_in), np.mean(src_edge), np.mean(src_in),
              sum(e > 1.5 * b for e, b in zip(box_edge, box_in)), len(box_edge)))
    print("the tracker sees one subject in both windows (frames 0-7 and 8-15): %d of %d, "
          "%d of them the 'to' subject (on the inputs: %d of %d)" % (
              sum(same_id), len(same_id), sum(same_to), sum(same_src), len(same_src)))
    print("  one subject in frames 0-3 and 4-7 (one window): %d of %d; in 4-7 and 8-11 (across "
          "the boundary): %d" % (sum(q_in), len(q_in), sum(q_edge)))


def t2v_eval(args, tr):
    prompts = prompt_set(args.per_subject, args.prompt_seed)
    world = Wd.World()
    res, clips = [], []
    t0 = time.time()
    for i, p in enumerate(prompts):
        if args.torch:
            frames = generate_torch(args.torch, p["prompt"], 1000 + i, args.steps,
                                    args.guidance, args.sampler, args.churn)
        else:
            frames = generate(args.ffmpeg, args.model, p["prompt"], 1000 + i, args.steps,
                              args.guidance, 64, 8, args.sampler, args.churn)
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
    print("eval: %d prompts (%d subjects x %d, prompt seed %d), %d steps (%s, churn %s), "
          "guidance %g, %.0f s" % (n, len(V.SUBJECTS), args.per_subject, args.prompt_seed,
                                   args.steps, args.sampler,
                                   "default" if args.churn < 0 else "%g" % args.churn,
                                   args.guidance, gen_s))
    print("subject accuracy    %.1f %%" % (100 * subj))
    found = [r for _, r in res if r["found_frames"] > 0]
    strict = sum(r["subject"] == p["subject"] for p, r in res if r["found_frames"] > 0)
    print("  the tracker found a subject in %d of %d clips; %d of those are the prompted one"
          % (len(found), n, strict))
    print("  strict (the prompted subject also placed, fit > 0.2, in at least one frame): %.1f %%"
          % (100 * strict / n))
    wrong = {}
    for p, r in res:
        if r["subject"] != p["subject"]:
            k = "%s as %s" % (p["subject"], r["subject"])
            wrong[k] = wrong.get(k, 0) + 1
    print("  misread: " + (", ".join("%s %d" % kv for kv in sorted(wrong.items())) or "none"))
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


def seam_eval(args, tr, n_clips, seconds=4, overlap=2):
    """soragen's chunks seen from outside: 4 s clips at 8 fps, whose first
    chunk gives frames 0-7 and each later one carries the last `overlap`
    frames and adds 8 - overlap new ones (frames 8-13, 14-19, ...).
    Compares, over the frame pairs from frame 7 on (the first chunk's fall
    is over by then in most clips), the mean absolute frame change
    (0..255) across a seam (the last carried frame -> the first new one)
    with the change inside chunks; the model's contact probability
    (lavfi.soragen.contact) on the first new frame of a chunk with the
    other new frames; and how many clips the tracker reads as one
    subject in every chunk.  One prompt per subject from the t2v set."""
    prompts = prompt_set(1, args.prompt_seed)[:n_clips]
    T = 8
    seam_d, in_d, seam_p, in_p, same = [], [], [], [], 0
    for i, p in enumerate(prompts):
        v, prob = generate(args.ffmpeg, args.model, p["prompt"], 3000 + i, args.steps,
                           args.guidance, 64, 8 * seconds, args.sampler, args.churn,
                           "overlap=%d" % overlap, "lavfi.soragen.contact")
        starts = list(range(T, len(v), T - overlap))
        d = np.abs(np.diff(v.astype(np.float64), axis=0)).mean(axis=(1, 2, 3))
        for k in range(T - 1, len(v) - 1):
            (seam_d if k + 1 in starts else in_d).append(d[k])
        for f in range(T, len(v)):
            (seam_p if f in starts else in_p).append(prob[f])
        chunks = [(0, T)] + [(a, min(a + T - overlap, len(v))) for a in starts]
        names = [tr.track(v[a:b])["subject"] for a, b in chunks]
        same += names[0] is not None and len(set(names)) == 1
    print("chunk seams: %d clips of %g s, %d chunks each (overlap %d)" % (
        len(prompts), seconds, 1 + len(starts), overlap))
    print("  frame change across seams %.2f vs %.2f inside chunks (mean abs, 0..255, "
          "from frame 7 on)" % (np.mean(seam_d), np.mean(in_d)))
    print("  contact probability on a chunk's first new frame %.3f vs %.3f on its others"
          % (np.mean(seam_p), np.mean(in_p)))
    print("  the tracker reads one subject in every chunk: %d of %d" % (same, len(prompts)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ffmpeg", default="build/ffmpeg")
    ap.add_argument("--model", default="")
    ap.add_argument("--torch", default="", metavar="MODEL",
                    help="generate the text-to-video clips with the PyTorch reference "
                    "sampler and this model instead of build/ffmpeg (models the C engine "
                    "cannot load yet: latent models); no remix clips")
    ap.add_argument("--per-subject", type=int, default=4)
    ap.add_argument("--steps", type=int, default=STEPS)
    ap.add_argument("--guidance", type=float, default=GUIDANCE)
    ap.add_argument("--sampler", choices=("euler", "heun"), default="euler",
                    help="soragen's sampler option for the text-to-video clips")
    ap.add_argument("--churn", type=float, default=-1.0,
                    help="soragen's churn option for the text-to-video clips (-1: its default)")
    ap.add_argument("--sheet", default="build/eval.png")
    ap.add_argument("--remix-clips", type=int, default=24)
    ap.add_argument("--prompt-seed", type=int, default=2026,
                    help="2026 is the held-out set the figures report; tune with another")
    ap.add_argument("--remix-seed", type=int, default=4242,
                    help="world seed of the remix clips; 4242 is the held-out set")
    ap.add_argument("--remix-strength", type=float, default=0,
                    help="remix strength (default: the filter's default)")
    ap.add_argument("--remix-options", default="",
                    help="more remix options, e.g. keep=0")
    ap.add_argument("--seam-clips", type=int, default=12,
                    help="4 s clips for the chunk seam figures (one per subject, at most 12)")
    ap.add_argument("--tracker", default="",
                    help="score with this tracker.py instead of the one beside this file")
    args = ap.parse_args()

    if args.torch and args.remix_clips:
        ap.error("--torch scores text-to-video only: add --remix-clips 0")
    tr = TR.Tracker()
    if args.tracker:
        import importlib.util
        spec = importlib.util.spec_from_file_location("tracker_alt", args.tracker)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        tr = mod.Tracker()
        print("tracker:", os.path.abspath(args.tracker))
    if args.per_subject:
        t2v_eval(args, tr)
    if args.remix_clips:
        remix_eval(args, tr, args.remix_clips, seed=args.remix_seed)
    if args.seam_clips and not args.torch:
        seam_eval(args, tr, args.seam_clips)


if __name__ == "__main__":
    main()
