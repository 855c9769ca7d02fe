"""A blind judge for remix's window boundaries: does the new subject change
there more than between two frames inside a window?

    /usr/bin/python3 models/train/boundary.py sheets DIR [--model M] [--clips 24]
        [--remix-seed 4242]
    (look at DIR/sheet-*.png; write DIR/labels.txt, one line per pair:
     "INDEX S|D|N")
    /usr/bin/python3 models/train/boundary.py score DIR

`sheets` makes the remix clips of evaluate.py's remix eval (from=X to=Y on
16-frame world clips, two windows of 8 frames; same seeds, so the same
outputs make eval scores) and takes two pairs of consecutive frames from
each: the window boundary (frames 7 and 8) and a control pair inside a
window (frames 3 and 4 or 11 and 12, drawn with a fixed seed).  Each pair
is cropped to a square around the subject's box in both frames and drawn
at 3x, the two frames side by side.  The pairs are shuffled with a fixed
seed and numbered; nothing on a sheet says which pair is a boundary.  The
judge labels each pair:
  S  the same subject in both frames (the same kind, the same look)
  D  a different subject, or the same kind with a clearly different look
  N  no subject to compare in one of the frames
`score` gives the share of D among boundary pairs and among control
pairs.  Windows after the first are conditioned on the last output frames
of the one before; if that keeps the subject, the two shares are alike.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np

import evaluate as E
from blind import read_labels

CROP = 96   # pixels of one cropped frame on a sheet, before the 3x zoom
PAIRS_PER_SHEET = 8


def crop_pair(out, box, t):
    """Square crop of frames t and t+1 around the union of their subject
    boxes (at least CROP/2 px), resized to CROP x CROP, side by side."""
    from PIL import Image
    H = out.shape[1]
    u = box[t] | box[t + 1]
    ys, xs = np.nonzero(u)
    if len(ys):
        cy, cx = (ys.min() + ys.max()) / 2, (xs.min() + xs.max()) / 2
        side = max(ys.max() - ys.min(), xs.max() - xs.min(), CROP // 2) + 8
    else:
        cy = cx = H / 2
        side = H
    side = int(min(side, H))
    y0 = int(np.clip(round(cy - side / 2), 0, H - side))
    x0 = int(np.clip(round(cx - side / 2), 0, H - side))
    tiles = [np.asarray(Image.fromarray(out[k, y0:y0 + side, x0:x0 + side]).resize(
        (CROP, CROP), Image.NEAREST)) for k in (t, t + 1)]
    gap = np.full((CROP, 4, 3), 255, np.uint8)
    return np.concatenate([tiles[0], gap, tiles[1]], 1)


def sheets(args):
    from PIL import Image, ImageDraw
    ev = argparse.Namespace(ffmpeg=args.ffmpeg, model=args.model, steps=E.STEPS,
                            guidance=E.GUIDANCE, remix_strength=0, remix_options="")
    rng = np.random.default_rng(2468)
    outs, boxes, pairs = [], [], []
    for i, s, to, big, out, loc, _, box, win in E.remix_clips(ev, args.clips,
                                                            seed=args.remix_seed):
        outs.append(out)
        boxes.append(box)
        pairs.append((i, 7, 1))
        pairs.append((i, int(rng.choice([3, 11])), 0))
        print("clip %d: %s -> %s" % (i, s["subject"], to), flush=True)
    order = np.random.default_rng(13579).permutation(len(pairs))
    pairs = np.array(pairs)[order]
    os.makedirs(args.dir, exist_ok=True)
    np.savez_compressed(os.path.join(args.dir, "pairs.npz"), outs=np.stack(outs),
                        boxes=np.stack(boxes), pairs=pairs, remix_seed=args.remix_seed)
    n_sheets = (len(pairs) + PAIRS_PER_SHEET - 1) // PAIRS_PER_SHEET
    for sh in range(n_sheets):
        rows = []
        for k in range(sh * PAIRS_PER_SHEET, min(len(pairs), (sh + 1) * PAIRS_PER_SHEET)):
            i, t, _ = pairs[k]
            rows.append(crop_pair(outs[i], boxes[i], t))
            rows.append(np.full((4, rows[-1].shape[1], 3), 255, np.uint8))
        img = Image.fromarray(np.concatenate(rows, 0))
        img = img.resize((img.width * 3, img.height * 3), Image.NEAREST)
        d = ImageDraw.Draw(img)
        for r in range(len(rows) // 2):
            d.text((4, r * (CROP + 4) * 3 + 4), str(sh * PAIRS_PER_SHEET + r), fill=(255, 0, 255))
        img.save(os.path.join(args.dir, "sheet-%d.png" % sh))
    print("%d pairs in %d sheets in %s; write %s" % (len(pairs), n_sheets, args.dir,
                                                   os.path.join(args.dir, "labels.txt")))


def score(args):
    z = np.load(os.path.join(args.dir, "pairs.npz"))
    pairs = z["pairs"]
    labels = {k: v[0] for k, v in read_labels(os.path.join(args.dir, "labels.txt"), len(pairs),
                                              ("S", "D", "N")).items()}
    count = {0: {"S": 0, "D": 0, "N": 0}, 1: {"S": 0, "D": 0, "N": 0}}
    for k, (i, t, edge) in enumerate(pairs):
        count[int(edge)][labels[k]] += 1
        print("%2d clip %2d frames %2d-%2d %-8s %s" % (k, i, t, t + 1,
                                                    "boundary" if edge else "inside", labels[k]))
    for edge, name in ((1, "window boundary (7-8)"), (0, "inside a window (control)")):
        c = count[edge]
        judged = c["S"] + c["D"]
        print("%-26s %2d pairs: same %2d, different %2d (%.0f %% of those judged), no subject %d"
              % (name, sum(c.values()), c["S"], c["D"], 100 * c["D"] / max(1, judged), c["N"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("what", choices=("sheets", "score"))
    ap.add_argument("dir")
    ap.add_argument("--ffmpeg", default="build/ffmpeg")
    ap.add_argument("--model", default="")
    ap.add_argument("--clips", type=int, default=24)
    ap.add_argument("--remix-seed", type=int, default=4242,
                    help="world seed of the clips; 4242 is make eval's held-out set")
    args = ap.parse_args()
    sheets(args) if args.what == "sheets" else score(args)


if __name__ == "__main__":
    main()
