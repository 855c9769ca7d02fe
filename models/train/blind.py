"""A second judge for make eval's subject figure: a person, blind to the prompts.

    /usr/bin/python3 models/train/blind.py sheets DIR [--model M] [--prompt-seed 2026]
    (look at DIR/sheet-*.png; write DIR/labels.txt, one line per clip:
     "INDEX SUBJECT C|L" or "INDEX none N")
    /usr/bin/python3 models/train/blind.py score DIR

`sheets` generates the clips of evaluate.py's prompt set (same seeds, so
the same clips evaluate.py scores), shuffles them with a fixed seed and
draws them six to a sheet, frames 0, 3 and 7 at 3x, with the shuffled index
and nothing else.  The judge names one of the 12 subjects (or none) for
each, C when sure, L when leaning (mostly from colour), N for none.
`score` compares the labels with the prompts and with the tracker: how
many each judge gets right, how many both do, per subject.

The tracker (tracker.py) decides by which sprite explains most of the
foreground's energy; this says whether a viewer agrees, clip by clip.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np

import evaluate as E
import tracker as TR


def sheets(args):
    from PIL import Image, ImageDraw
    ps = E.prompt_set(args.per_subject, args.prompt_seed)
    clips = np.stack([E.generate(args.ffmpeg, args.model, p["prompt"], 1000 + i, E.STEPS,
                                 E.GUIDANCE, 64, 8) for i, p in enumerate(ps)])
    order = np.random.default_rng(12345).permutation(len(ps))
    os.makedirs(args.dir, exist_ok=True)
    np.savez(os.path.join(args.dir, "clips.npz"), clips=clips, order=order,
             per_subject=args.per_subject, prompt_seed=args.prompt_seed)
    for sh in range((len(ps) + 5) // 6):
        idx = order[sh * 6:(sh + 1) * 6]
        rows = [np.concatenate([clips[j][0], clips[j][3], clips[j][7]], 1) for j in idx]
        img = Image.fromarray(np.concatenate(rows, 0))
        img = img.resize((img.width * 3, img.height * 3), Image.NEAREST)
        d = ImageDraw.Draw(img)
        for r in range(len(idx)):
            d.text((2, r * 192 + 2), str(sh * 6 + r), fill=(255, 0, 255))
        img.save(os.path.join(args.dir, "sheet-%d.png" % sh))
    print("%d clips in %d sheets in %s; write %s" % (len(ps), (len(ps) + 5) // 6, args.dir,
                                                   os.path.join(args.dir, "labels.txt")))


def read_labels(path, n, marks):
    """A judge's labels.txt: "INDEX [WORD ...] MARK" per line, # comments.
    Returns {index: fields after the index}; every index 0..n-1 once, the
    last field one of `marks`, the same number of fields on every line."""
    labels, width = {}, None
    with open(path) as f:
        for ln, line in enumerate(f, 1):
            parts = line.split()
            if not parts or parts[0].startswith("#"):
                continue
            width = width or len(parts)
            if len(parts) != width or not parts[0].isdigit() or parts[-1] not in marks:
                raise SystemExit("%s:%d: want 'INDEX%s %s'" % (
                    path, ln, " WORD" * (width - 2), "|".join(marks)))
            if int(parts[0]) in labels:
                raise SystemExit("%s:%d: index %s labelled twice" % (path, ln, parts[0]))
            labels[int(parts[0])] = tuple(parts[1:])
    if sorted(labels) != list(range(n)):
        raise SystemExit("%s must label every index 0..%d once" % (path, n - 1))
    return labels


def score(args):
    z = np.load(os.path.join(args.dir, "clips.npz"))
    clips, order = z["clips"], z["order"]
    ps = E.prompt_set(int(z["per_subject"]), int(z["prompt_seed"]))
    labels = read_labels(os.path.join(args.dir, "labels.txt"), len(ps), ("C", "L", "N"))
    tr = TR.Tracker()
    per = {}
    n_h = n_hc = n_t = n_both = 0
    for k in range(len(ps)):
        p = ps[order[k]]
        r = tr.track(clips[order[k]])
        name, conf = labels[k]
        h, t = name == p["subject"], r["subject"] == p["subject"]
        n_h += h
        n_hc += h and conf == "C"
        n_t += t
        n_both += h and t
        per.setdefault(p["subject"], [0, 0])
        per[p["subject"]][0] += h
        per[p["subject"]][1] += t
        print("%2d %-45s judge %-9s %s  tracker %s" % (k, p["prompt"], name, conf, r["subject"]))
    n = len(ps)
    print("judge right %d of %d (%.1f %%), %d of them sure; tracker right %d (%.1f %%); both %d"
          % (n_h, n, 100 * n_h / n, n_hc, n_t, 100 * n_t / n, n_both))
    print("per subject (judge / tracker): " + ", ".join(
        "%s %d/%d" % (s, v[0], v[1]) for s, v in sorted(per.items())))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("what", choices=("sheets", "score"))
    ap.add_argument("dir")
    ap.add_argument("--ffmpeg", default="build/ffmpeg")
    ap.add_argument("--model", default="")
    ap.add_argument("--per-subject", type=int, default=4)
    ap.add_argument("--prompt-seed", type=int, default=2026)
    args = ap.parse_args()
    sheets(args) if args.what == "sheets" else score(args)


if __name__ == "__main__":
    main()
