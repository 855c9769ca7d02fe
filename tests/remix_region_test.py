"""remix from=X to=Y with no mask input: the region the model finds.

World clips (models/train/world.py, seed 31, 8 frames at 64x64, one named
subject each) go through build/ffmpeg's remix with the shipped model, once
with show_mask=1 and once without, same seed.  Checked:
  - every frame's region is one filled rectangle, and the rectangles of a
    window share one size unless the picture's edge clips them (the filter
    makes boxes of the from/to contrast, widened to the window's largest);
  - the boxes cover the subject: at least COVER of the true subject pixels
    (world ground truth) lie inside them over all clips;
  - outside the region every output pixel is the input's, bit for bit;
  - inside it the picture changed (mean abs difference over MIN_CHANGE);
  - grow=0 gives the default boxes without their margin (first clip): inside
    them, and exactly GROW pixels smaller on every side away from the
    picture's edge (parts of the contrast join a box at the same distance
    whatever the margin);
  - keep (the refinement after generation): with keep=0 the whole box is
    re-drawn; with the default every output pixel is either the input's or
    keep=0's (the generation is the same, only what is written differs),
    every pixel keep=0 moved by KEEP_LEVELS or more in some channel is
    written, and fewer pixels differ from the input than with keep=0;
  - an orange cat on the orange background (16-frame world, seed 11, its
    18th named-subject clip, at 128x128): the from/to contrast lights up
    the whole picture at the default threshold, and the filter raises the
    threshold until the region covers at most MAX_REGION of the frames
    (before, it re-drew every pixel of the clip);
  - a located window leaves no frame without a region (check_every_frame());
  - a window's region does not depend on what earlier windows generated
    (check_input_only());
  - where the contrast finds part of the element, `complete` grows the
    boxes to the subject the pictures show (check_complete());
  - where the contrast's strongest parts lie on the scenery (a night sky's
    stars and moon), the element is taken among its parts on what stands
    apart from it (check_foreground()).
Measured (seed 31): cover 0.994 with run 19 and complete (session 17),
0.940 before it (session 15), 0.898 with
run 17 (session 14), 0.92
with the pixel model of step 13834 (0.81 with
step 7640, which gave 0.95 at threshold=0.25 and 0.98 at 0.2); the outline
regions of the filter before it made boxes left old subjects half in
place, and fail the rectangle check.
"""
import os
import subprocess
import sys

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "models", "train"))
import vocab as V  # noqa: E402
from world import World  # noqa: E402

BUILD = os.environ.get("BUILD", os.path.join(REPO, "build"))
FFMPEG = os.path.join(BUILD, "ffmpeg")
MODEL = os.path.join(REPO, "models", "soragen.safetensors")
CLIPS, SIZE = 6, 64
COVER = 0.75
MIN_CHANGE = 4.0
# remix's default grow=0.05 of the model's 64-pixel side
GROW = 3
# remix's default keep=0.08 of the full range, in 8-bit levels, rounded up
KEEP_LEVELS = 21
# vf_remix.c MAX_REGION
MAX_REGION = 0.6
COMPLETE_COVER = 0.9
FOREGROUND_COVER = 0.8


def run(frames, graph):
    cmd = [FFMPEG, "-nostdin", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
           "-s", "%dx%d" % (SIZE, SIZE), "-r", "8", "-i", "-", "-vf", graph,
           "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    out = subprocess.run(cmd, input=frames.tobytes(), stdout=subprocess.PIPE, check=True).stdout
    return np.frombuffer(out, np.uint8).reshape(frames.shape)


def rectangle(m):
    """(y0, y1, x0, x1) of a boolean frame that is one filled rectangle,
    None when empty; raises when it is not a rectangle."""
    ys, xs = np.nonzero(m)
    if not len(ys):
        return None
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    if not m[y0:y1, x0:x1].all() or m.sum() != (y1 - y0) * (x1 - x0):
        raise AssertionError("region is not one rectangle")
    return y0, y1, x0, x1


def check_keep(i, frames, out, whole):
    same_in = (out == frames).all(-1)
    same_whole = (out == whole).all(-1)
    moved = (np.abs(whole.astype(int) - frames).max(-1) >= KEEP_LEVELS)
    bad = 0
    if not (same_in | same_whole).all():
        print("clip %d: keep wrote pixels that are neither the input's nor the remix's" % i)
        bad += 1
    if (moved & ~same_whole).any():
        print("clip %d: keep restored %d pixels the remix moved by %d levels or more" % (
            i, int((moved & ~same_whole).sum()), KEEP_LEVELS))
        bad += 1
    kept, drawn = int((~same_in).sum()), int((~(whole == frames).all(-1)).sum())
    if drawn and kept >= drawn:
        print("clip %d: keep restored nothing (%d changed pixels, %d with keep=0)" % (i, kept, drawn))
        bad += 1
    print("clip %d: keep: %d pixels changed, %d with keep=0" % (i, kept, drawn))
    return bad


def region_16(seed, nth, to, remix_seed, extra=""):
    """The nth named-subject clip (1-based) of a 16-frame world (seed), at
    128x128, through remix from=its subject:to=to with show_mask=1.
    Returns (world sample, region [16][128][128] bool, the filter's
    verbose log)."""
    world = World(frames=16)
    rng = np.random.default_rng(seed)
    for _ in range(nth):
        s = world.sample(rng)
        while s["subject"] not in V.SUBJECTS:
            s = world.sample(rng)
    big = s["frames"].repeat(2, 1).repeat(2, 2)
    cmd = [FFMPEG, "-nostdin", "-v", "verbose", "-f", "rawvideo", "-pix_fmt", "rgb24",
           "-s", "128x128", "-r", "8", "-i", "-", "-vf",
           "remix=model=%s:from=%s:to=%s:seed=%d:threads=2:show_mask=1%s" % (
               MODEL, s["subject"], to, remix_seed, extra),
           "-f", "rawvideo", "-pix_fmt", "gray", "-"]
    p = subprocess.run(cmd, input=big.tobytes(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       check=True)
    return s, np.frombuffer(p.stdout, np.uint8).reshape(16, 128, 128) >= 128, p.stderr


def check_background_like():
    s, mask, log = region_16(11, 18, "giraffe", 24)
    raised = log.count(b"trying")
    print("%s on %s: region %.1f %% of the frames, threshold raised %d times" % (
        s["subject"], s["background"], 100 * mask.mean(), raised))
    if mask.mean() > MAX_REGION:
        print("the region covers more than %.0f %% of the frames" % (100 * MAX_REGION))
        return 1
    return 0


def check_every_frame():
    """A located window leaves no frame without a region: the cat -> elephant
    clip of evaluate.py's remix tuning set (16-frame world, seed 7, its 16th
    named-subject clip, 128x128, remix seed 22).  In its last window (two
    carried frames, two new ones) the from/to contrast lit up nothing at the
    window's level in frame 14, where the cat is turned, and before the
    filter gave such a frame its nearest frame's box the cat passed through
    there, whole, between two elephants."""
    s, mask, _ = region_16(7, 16, "elephant", 22)
    empty = [f for f in range(16) if not mask[f].any()]
    print("%s -> elephant on %s, 16 frames in 3 windows: %d frames without a region %s" % (
        s["subject"], s["background"], len(empty), empty))
    return 1 if empty else 0


def check_input_only():
    """The element is searched on input frames only: a window's region does
    not depend on what the windows before it generated (their carried
    frames give way to the inputs they were made from).  The clip of
    check_every_frame() with strength 0.9 and 0.3 (other carried frames)
    must give the same regions.  Before, a later window searched a clip
    that began with the earlier window's output, where the new element
    already stood, and the old one was cut down to its strongest parts."""
    _, a, _ = region_16(7, 16, "elephant", 22, ":strength=0.9")
    _, b, _ = region_16(7, 16, "elephant", 22, ":strength=0.3")
    differ = [f for f in range(16) if not np.array_equal(a[f], b[f])]
    print("regions with strength 0.9 and 0.3: %d frames differ %s" % (len(differ), differ))
    return 1 if differ else 0


def check_complete():
    """complete (the default): where the from/to contrast lights up part of
    the element, the box grows to the subject the pictures show.  The
    dinosaur -> crocodile on snow clip of evaluate.py's remix tuning set
    (16-frame world, seed 7, its 22nd named-subject clip, remix seed 28):
    the contrast finds the dinosaur's head and back; with complete=0 the
    boxes hold under half of it (0.458 when written) and the rest of the
    dinosaur stays.  With complete=1 they must hold COMPLETE_COVER."""
    s, part, _ = region_16(7, 22, "crocodile", 28, ":complete=0")
    _, whole, _ = region_16(7, 22, "crocodile", 28)
    subj = s["mask"].repeat(2, 1).repeat(2, 2) > 0
    a, b = (subj & part).sum() / subj.sum(), (subj & whole).sum() / subj.sum()
    print("%s -> crocodile on %s: subject covered %.3f with complete=0, %.3f with complete=1 "
          "(need %.2f)" % (s["subject"], s["background"], a, b, COMPLETE_COVER))
    return 1 if b < COMPLETE_COVER or b <= a else 0


def check_foreground():
    """complete: where the from/to contrast's strongest parts lie on the
    scenery and its parts on the foreground (what stands apart from the
    scenery) carry a quarter of its mass or more, the element is among the
    latter.  A ball -> penguin on the night sky (16-frame world, seed 202,
    its 72nd named-subject clip, remix seed 5, not in evaluate.py's sets):
    in the middle window the strongest parts lay off the ball, and the
    boxes held 0.551 of it before the filter looked at the foreground
    (session 18); they must hold FOREGROUND_COVER."""
    s, region, _ = region_16(202, 72, "penguin", 5)
    subj = s["mask"].repeat(2, 1).repeat(2, 2) > 0
    cover = (subj & region).sum() / subj.sum()
    print("%s -> penguin on %s: subject covered %.3f (need %.2f)" % (
        s["subject"], s["background"], cover, FOREGROUND_COVER))
    return 1 if cover < FOREGROUND_COVER else 0


def main():
    world = World(size=SIZE, frames=8)
    rng = np.random.default_rng(31)
    subjects = sorted(V.SUBJECTS)
    inside = total = 0
    changes = []
    failed = 0
    for i in range(CLIPS):
        s = world.sample(rng)
        while s["subject"] not in V.SUBJECTS:
            s = world.sample(rng)
        to = subjects[(subjects.index(s["subject"]) + 1 + i) % len(subjects)]
        graph = "remix=model=%s:from=%s:to=%s:seed=%d:threads=2" % (MODEL, s["subject"], to, 5 + i)
        mask = run(s["frames"], graph + ":show_mask=1")[..., 0] >= 128
        out = run(s["frames"], graph)
        whole = run(s["frames"], graph + ":keep=0")
        failed += check_keep(i, s["frames"], out, whole)
        if i == 0:
            # grow=0: the same boxes without their margin, inside these
            tight = run(s["frames"], graph + ":show_mask=1:grow=0")[..., 0] >= 128
            if (tight & ~mask).any() or tight.sum() >= mask.sum():
                print("clip 0: grow=0 boxes are not smaller boxes inside the default ones")
                failed += 1
            for f in range(len(mask)):
                r, t = rectangle(mask[f]), rectangle(tight[f])
                if r is None or min(r[0], r[2]) == 0 or max(r[1], r[3]) == SIZE:
                    continue
                want = (r[0] + GROW, r[1] - GROW, r[2] + GROW, r[3] - GROW)
                if t != want:
                    print("clip 0 frame %d: grow=0 box %s, not the default box %s less %d a side"
                          % (f, t, r, GROW))
                    failed += 1
        sizes = []
        for f in range(len(mask)):
            r = rectangle(mask[f])
            if r is None:
                continue
            y0, y1, x0, x1 = r
            if y0 > 0 and y1 < SIZE:
                sizes.append(("h", y1 - y0))
            if x0 > 0 and x1 < SIZE:
                sizes.append(("w", x1 - x0))
        for k in ("h", "w"):
            v = {n for d, n in sizes if d == k}
            if len(v) > 1:
                print("clip %d: unclipped boxes of different %s: %s" % (i, k, sorted(v)))
                failed += 1
        subj = s["mask"] > 0
        inside += int((subj & mask).sum())
        total += int(subj.sum())
        outside = ~mask
        if not np.array_equal(out[outside], s["frames"][outside]):
            print("clip %d: pixels outside the region changed" % i)
            failed += 1
        if mask.any():
            changes.append(np.abs(out[mask].astype(int) - s["frames"][mask]).mean())
        print("clip %d: %s -> %s, region %.1f %% of the frames, subject covered %.2f, "
              "mean change inside %.1f" % (i, s["subject"], to, 100 * mask.mean(),
                                         (subj & mask).sum() / max(1, subj.sum()),
                                         changes[-1] if mask.any() else 0))
    failed += check_background_like()
    failed += check_every_frame()
    failed += check_input_only()
    failed += check_complete()
    failed += check_foreground()
    cover = inside / max(1, total)
    print("cover %.3f (need %.2f), mean change inside %.1f (need %.1f)" % (
        cover, COVER, np.mean(changes) if changes else 0, MIN_CHANGE))
    if cover < COVER:
        failed += 1
    if not changes or np.mean(changes) < MIN_CHANGE:
        failed += 1
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
