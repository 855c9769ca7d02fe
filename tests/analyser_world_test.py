"""The event analyser (libavfilter/diffusion/events.c) against the world
generator's exact contact times (issue 4: within 5 ms).

Clips of 16 frames at 8 fps come from models/train/world.py with a fixed
seed; every clip whose subject touches the ground (bounces, jumps, falls)
is kept until there are CLIPS of them.  The model's per-frame contact
probability is set from the ground truth (0.9 on the frame interval of each
true contact), so what is measured is the analyser alone: the pictures must
say when, inside that interval, the contact happened.  build/tests/find_events
runs the C analyser; a true contact counts when it lies at least two frames
from either end of the clip (the analyser needs two samples a side).

Gravity is given, as the soragen filter gives it from the model file
(metadata "gravity", the world's constant); `analyser_world_test.py 0`
measures it on each clip instead, which is much worse (a few triples of
samples do not pin a curvature down).

Prints mean and max error and the share within MAX_MS.  Fails when fewer
than SHARE of the counted contacts are refined within MAX_MS, when the
mean error exceeds MEAN_MS, or when fewer than MIN_CONTACTS were counted.
Seed 11 was not used while the analyser was tuned (seeds 4-7 were).
Measured (seed 11): 110 contacts, mean 1.09 ms, 106 within 5 ms.  The
misses are subjects partly in front of scenery (clouds, waves) and
contacts a hair after a sample.
"""
import os
import struct
import subprocess
import sys

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "models", "train"))
from world import World, GRAVITY  # noqa: E402

CLIPS, T, FPS, SIZE = 60, 16, 8, 64
MAX_MS = 5.0
SHARE = 0.9
MEAN_MS = 3.0
MIN_CONTACTS = 40


def resolvable(s, c):
    """Whether the frames can tell when contact c happened: the analyser
    needs two samples of the fall before it (frames j - 1 and j, with the
    contact in [j, j + 1]) and two after it, of one bounce or of a rest.
    Faster bounces than that are a frame-rate limit, not the analyser's."""
    cy = s["pos"][:, 1]
    rest = np.abs(cy - cy.max()) < 1e-3
    j = int(c * FPS)
    if j < 1 or j + 2 >= T:
        return False
    others = [o for o in s["contact_times"] if o != c]
    if any((j - 1) / FPS <= o < c for o in others) or rest[j - 1] or rest[j]:
        return False
    if rest[j + 1] and rest[j + 2]:
        return True
    return not rest[j + 1] and not rest[j + 2] and \
        not any(c < o <= (j + 2) / FPS for o in others)


def main():
    tool = os.path.join(os.environ.get("BUILD", os.path.join(REPO, "build")), "tests", "find_events")
    world = World(size=SIZE, frames=T, fps=FPS)
    rng = np.random.default_rng(int(os.environ.get("ANALYSER_SEED", "11")))
    clips = []
    while len(clips) < CLIPS:
        s = world.sample(rng)
        if s["contact_times"]:
            clips.append(s)
    blob = [struct.pack("=4i", len(clips), T, SIZE, FPS)]
    for s in clips:
        f = s["frames"].astype(np.float32).transpose(0, 3, 1, 2) / 127.5 - 1.0
        prob = np.zeros((T, 2), np.float32)
        for c in s["contact_times"]:
            i = int(c * FPS)
            if i < T:
                prob[i, 0] = 0.9
        blob += [np.ascontiguousarray(f).tobytes(), prob.tobytes()]
    gravity = sys.argv[1] if len(sys.argv) > 1 else str(GRAVITY * SIZE / 64.0)
    out = subprocess.run([tool, gravity], input=b"".join(blob), stdout=subprocess.PIPE, check=True).stdout
    lines = out.decode().splitlines()
    assert len(lines) == len(clips), "find_events gave %d lines for %d clips" % (len(lines), len(clips))

    errs, bad, skipped = [], [], 0
    for n, (s, line) in enumerate(zip(clips, lines)):
        found = [(float(w[:-1]), w[-1] == "r") for w in line.split()]
        for c in s["contact_times"]:
            if not resolvable(s, c):
                skipped += 1
                continue
            near = min(found, key=lambda e: abs(e[0] - c)) if found else None
            e_ms = abs(near[0] - c) * 1e3 if near else float("inf")
            errs.append(e_ms)
            if not near or not near[1] or e_ms > MAX_MS:
                bad.append("clip %d (%s %s on %s): contact %.4f s, error %.1f ms; analyser %s"
                           % (n, s["subject"], s["motion"], s["background"], c, e_ms,
                              line or "nothing"))
    errs = np.asarray(errs)
    ok = errs[np.isfinite(errs)]
    mean = ok.mean() if len(ok) else float("inf")
    print("analyser vs world (gravity %s px/s^2): %d contacts in %d clips (%d more too fast "
          "for %d fps), mean %.2f ms, median %.2f ms, max %.2f ms, %d within %.0f ms"
          % (gravity, len(errs), len(clips), skipped, FPS, mean,
             np.median(ok) if len(ok) else -1, ok.max() if len(ok) else -1,
             len(errs) - len(bad), MAX_MS))
    for b in bad:
        print("  miss: " + b)
    if len(errs) < MIN_CONTACTS or len(bad) > (1 - SHARE) * len(errs) or mean > MEAN_MS:
        print("FAIL: want %d+ contacts, %.0f %% within %.0f ms, mean under %.0f ms"
              % (MIN_CONTACTS, 100 * SHARE, MAX_MS, MEAN_MS))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
