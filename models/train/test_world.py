"""Tests of the synthetic world, the vocabulary and the tracker.

    /usr/bin/python3 models/train/test_world.py

Prints one line per check and "N passed, N failed"; exits 1 on a failure.
"""
import math
import os
import sys
import time

# one BLAS thread: the timing printed below is then this process's work alone
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np

import tracker
from checks import Checks
import vocab as V
import world

check = Checks()


# ------------------------------------------------------------------ vocabulary

ids = {w: i for i, w in enumerate(V.VOCAB)}
check("vocab: specials at 0, 1, 2", V.VOCAB[:3] == ["<pad>", "<unk>", "cameo"] and V.CAMEO_ID == 2)
check("vocab: ids of trained checkpoints unchanged (54 words, same order)",
      len(V.VOCAB) == 54 and V.VOCAB[3] == "ball" and V.VOCAB[29] == "bounces"
      and V.VOCAB[-1] == "small", len(V.VOCAB))
check("vocab: every subject, background and motion is a word",
      all(w in ids for w in list(V.SUBJECTS) + list(V.BACKGROUNDS) + V.MOTIONS))
check("vocab: cameo subjects are not words", not any(w in ids for w in V.CAMEO_SUBJECTS))
check("tokenize: lowercase, split on non-letters",
      V.tokenize("A HIPPO,bounces!on-the_sand") ==
      [ids["a"], ids["hippo"], ids["bounces"], ids["on"], ids["the"], ids["sand"]])
check("tokenize: drops unknown words and quoted dialogue",
      V.tokenize('A Hippo "hello there" zzz bounces!') == [ids["a"], ids["hippo"], ids["bounces"]])
check("tokenize: keep_unknown writes <unk>",
      V.tokenize("a zebra runs", keep_unknown=True) == [ids["a"], V.UNK_ID, V.UNK_ID])
check("tokenize: cameo and <cameo> are id 2",
      V.tokenize("a cameo <cameo>") == [ids["a"], 2, 2])
check("tokenize: at most MAX_TOKENS", len(V.tokenize("a " * 40)) == V.MAX_TOKENS == 16)
check("tokenize: digits and non-ASCII separate words",
      V.tokenize("cat2dog\u00e9frog") == [ids["cat"], ids["dog"], ids["frog"]])

# ------------------------------------------------------------------- the world

w = world.World()
a = w.sample(np.random.default_rng(5))
b = w.sample(np.random.default_rng(5))
c = w.sample(np.random.default_rng(6))
same = all(np.array_equal(a[k], b[k]) for k in ("frames", "mask", "cameo_image", "pos", "events"))
check("same seed, same clip", same and a["caption"] == b["caption"]
      and a["contact_times"] == b["contact_times"])
check("another seed, another clip", not np.array_equal(a["frames"], c["frames"]))

shapes = dict(frames=((8, 64, 64, 3), np.uint8), mask=((8, 64, 64), np.uint8),
              cameo_image=((32, 32, 4), np.uint8), pos=((8, 2), np.float32),
              size=((8,), np.float32), angle=((8,), np.float32), bbox=((8, 4), np.float32),
              events=((8, 2), np.float32))
check("shapes and types", all(a[k].shape == s and a[k].dtype == d for k, (s, d) in shapes.items()),
      {k: (a[k].shape, a[k].dtype) for k in shapes})
w16 = world.World(size=128, frames=16)
big = w16.sample(np.random.default_rng(1))
check("size 128, 16 frames", big["frames"].shape == (16, 128, 128, 3) and big["events"].shape == (16, 2))

rng = np.random.default_rng(11)
clips = [w.sample(rng, cameo=(i % 4 == 3)) for i in range(300)]
wd = world.World(distractor=True)
rngd = np.random.default_rng(12)
dclips = [wd.sample(rngd) for _ in range(60)]
vocab = set(V.VOCAB)
check("captions use only vocabulary words",
      all(set(V.words(x["caption"])) <= vocab for x in clips + dclips),
      [x["caption"] for x in clips + dclips if not set(V.words(x["caption"])) <= vocab][:3])
check("cameo captions name the cameo (id 2), the others their subject",
      all((V.CAMEO_ID in V.tokenize(x["caption"])) == (x["subject"] in V.CAMEO_SUBJECTS)
          and (x["subject"] in V.CAMEO_SUBJECTS or x["subject"] in V.words(x["caption"]))
          for x in clips))
check("captions name background, motion and direction",
      all(x["motion"] in V.words(x["caption"]) and (not x["direction"] or x["direction"] in
          V.words(x["caption"])) for x in clips))
check("captions fit in MAX_TOKENS", all(len(V.tokenize(x["caption"])) <= V.MAX_TOKENS
                                        for x in clips + dclips))
check("a distractor is named in ~20 % of clips when enabled",
      5 <= sum(x["distractor"] is not None for x in dclips) <= 25
      and all(x["distractor"]["subject"] in V.words(x["caption"]) for x in dclips if x["distractor"]))
check("hidden subject/background pairs never drawn",
      not any((x["subject"], x["background"]) in world.hidden_pairs() for x in clips))
check("every motion and background occurs",
      {x["motion"] for x in clips} == set(V.MOTIONS)
      and {x["background"] for x in clips} == set(V.BACKGROUNDS))

wb = world.World(frames=1, subject_boost={"ball": 5.0})
rngb = np.random.default_rng(13)
named = [x["subject"] for x in (wb.sample(rngb) for _ in range(240))]
ball_share = named.count("ball") / len(named)
# 5 / 16 expected, about 1 / 12 unboosted; cameo clips are never boosted
check("subject_boost draws the boosted subject in proportion (ball=5: ~31 %)",
      0.22 <= ball_share <= 0.41, ball_share)
check("subject_boost keeps cameo clips to cameo subjects",
      wb.sample(np.random.default_rng(14), cameo=True)["subject"] in V.CAMEO_SUBJECTS)
wn = world.World(subject_boost=None).sample(np.random.default_rng(5))
check("no subject_boost: the same clips as before", np.array_equal(wn["frames"], a["frames"])
      and wn["caption"] == a["caption"])

ok = True
for x in clips:
    m = x["mask"] >= 26
    for t in range(8):
        ys, xs = np.nonzero(m[t])
        ok &= len(ys) > 20 and tuple(x["bbox"][t]) == (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
check("mask and bbox agree, subject visible in every frame", bool(ok))
check("subject inside the frame",
      all(x["mask"][:, [0, -1], :].max() < 40 and x["mask"][:, :, [0, -1]].max() < 40 for x in clips))
check("pos is the centre of the drawn subject",
      all(np.abs((x["bbox"][:, :2] + x["bbox"][:, 2:]) / 2 - x["pos"]).max() < 3.5
          for x in clips if x["motion"] not in ("spins", "rolls")))
cam_ok = all(x["cameo_image"][..., 3].max() > 200 and x["cameo_image"][0, :, 3].max() < 30
             for x in clips)
check("cameo image: opaque subject centred on transparent", cam_ok)

# remix pairs: the same scene with another named subject (train.py --pair-share)
def rng_at(state):
    r = np.random.default_rng()
    r.bit_generator.state = state
    return r


rngp = np.random.default_rng(15)
pairs = []
for _ in range(40):
    state = rngp.bit_generator.state
    x = w.sample(rngp, pair=True)
    pairs.append((x, w.sample(rng_at(state))))
check("pair: the clip itself is the one drawn without pair",
      all(np.array_equal(x["frames"], y["frames"]) and x["caption"] == y["caption"]
          for x, y in pairs))
check("pair: another named subject, never hidden on the background",
      all(x["pair"]["subject"] != x["subject"] and x["pair"]["subject"] in V.SUBJECTS
          and (x["pair"]["subject"], x["background"]) not in world.hidden_pairs()
          for x, _ in pairs))
def caption_as(caption, name, other):
    """caption with subject name for other, "an" and "a" alike."""
    return ["a" if v == "an" else (name if v == other else v) for v in caption.split()]


bad = [(x["caption"], x["pair"]["caption"]) for x, _ in pairs
       if caption_as(x["pair"]["caption"], x["subject"], x["pair"]["subject"])
       != caption_as(x["caption"], x["subject"], x["pair"]["subject"])]
check("pair: the same caption with the other subject's name", not bad, bad[:2])
ok = True
for x, _ in pairs:
    diff = np.abs(x["frames"].astype(int) - x["pair"]["frames"]).max(-1)
    apart = (x["mask"] == 0) & (x["pair"]["mask"] == 0)
    # where neither subject is, alpha under 1/510 may still round a level or few
    ok &= diff[apart].max() <= 6 and diff[~apart].max() > 40
check("pair: the same background; only the subjects differ", bool(ok))
ok, n_ground = True, 0
for x, _ in pairs:
    if x["motion"] in ("stands", "walks", "bounces", "falls", "jumps") and x["background"] not in (
            "sky", "water"):
        # the bottoms of the two subjects on the same ground when the first is on it
        yb, xb = x["bbox"][:, 3], x["pair"]["bbox"][:, 3]
        ok &= np.abs(yb - xb).max() <= 2.0
        n_ground += 1
check("pair: the other subject on the same ground (%d clips)" % n_ground,
      bool(ok) and n_ground >= 5)
check("pair: not with a distractor or a cameo subject",
      "pair" not in wd.sample(np.random.default_rng(1), pair=True)
      and "pair" not in w.sample(np.random.default_rng(1), cameo=True, pair=True))

# events agree with the event times
ok = True
for x in clips:
    ev = np.zeros((8, 2), np.float32)
    for ch, key in ((0, "contact_times"), (1, "footfall_times")):
        for tt in x[key]:
            ok &= 0 <= tt < 1.0
            ev[int(tt * 8), ch] = 1
    ok &= np.array_equal(ev, x["events"])
check("event channels mark the interval of each contact / footfall", bool(ok))
check("contacts only for bounces, falls, jumps; footfalls only for walks",
      all((not x["contact_times"] or x["motion"] in ("bounces", "falls", "jumps"))
          and (not x["footfall_times"] or x["motion"] == "walks") for x in clips))

# physics
g = world.GRAVITY
segs, cts = world.ballistic(20.0, 0.0, 0.5, g, 5.0, 1.0)
tc = math.sqrt(2 * 20.0 / g)
check("drop: first contact at sqrt(2h/g)", abs(cts[0] - tc) < 1e-12, cts[:2])
check("drop: next flight lasts 2 e v / g", abs(cts[1] - cts[0] - 2 * 0.5 * g * tc / g) < 1e-12)
check("drop: at every contact the height is 0",
      np.abs(world.heights(segs, g, np.array(cts) - 1e-12)).max() < 1e-6)
tt = np.linspace(0, tc, 9)[:-1]
check("drop: heights before the contact are h - g t^2 / 2",
      np.allclose(world.heights(segs, g, tt), 20.0 - 0.5 * g * tt ** 2))

ok, n_par = True, 0
for x in clips:
    if x["motion"] not in ("bounces", "falls"):
        continue
    hf = w.sp.info[x["subject"]]["hf"]
    bottom = x["pos"][:, 1] + x["size"] * hf / 2
    ok &= bottom.max() <= x["ground"] + 1e-3
    # frames between two contacts lie on one parabola of gravity g
    bounds = [-1.0] + x["contact_times"]      # after the last contact it may rest
    t = np.arange(8) / 8.0
    for lo, hi in zip(bounds, bounds[1:]):
        sel = (t > lo) & (t < hi)
        if sel.sum() >= 3:
            z = x["pos"][sel, 1] - 0.5 * g * t[sel] ** 2
            A = np.stack([t[sel], np.ones(sel.sum())], 1)
            r = z - A @ np.linalg.lstsq(A, z, rcond=None)[0]
            ok &= np.abs(r).max() < 1e-3
            n_par += 1
check("bounces and falls: never below the ground, flights are parabolas of g (%d arcs)" % n_par,
      bool(ok) and n_par > 10)
ok = True
for x in clips:
    if x["direction"]:
        dx = x["pos"][-1, 0] - x["pos"][0, 0]
        ok &= (dx > 5) if x["direction"] == "right" else (dx < -5)
check("directed motions move the way the caption says", bool(ok))
ok = True
for x in clips:
    if x["motion"] == "rolls":
        r = x["size"][0] * w.sp.info[x["subject"]]["rf"]
        turn = -np.radians(x["angle"][-1] - x["angle"][0]) * r
        ok &= abs(turn - (x["pos"][-1, 0] - x["pos"][0, 0])) < 1e-3
check("rolls turn by distance / radius", bool(ok))

t0 = time.perf_counter()
rs = np.random.default_rng(3)
for _ in range(100):
    w.sample(rs)
print("     world: %.0f clips/s (64x64x8, this machine, now)" % (100 / (time.perf_counter() - t0)))

# ------------------------------------------------------------------- tracker

tt = np.arange(8) / 8.0
ys = 40.0 - 60.0 * tt + 210.0 * tt ** 2        # one arc, then a bounce at the ground line
got, _ = tracker.contacts(np.where(tt < 0.5, ys, np.nan), 8, g_prior=210.0)
check("contacts: none on a single arc", got == [], got)
segs, cts = world.ballistic(25.0, 10.0, 0.7, g, 1.0, 1.0)
yb = 50.0 - world.heights(segs, g, tt)
got, res = tracker.contacts(yb, 8, g_prior=g / 2)
e, m, xtra = tracker.match_contacts(cts, got, 8, 8)
check("contacts: exact track gives the contacts to 1 ms", m == 0 and xtra == 0 and max(e) < 1.0,
      (cts, got))

tr = tracker.Tracker()
sub = [x for x in clips if x["subject"] in V.SUBJECTS][:60]
t0 = time.process_time()
res = [tr.track(x["frames"]) for x in sub]
ms = 1e3 * (time.process_time() - t0) / len(sub)       # CPU time: fair on a busy machine
acc_s = np.mean([r["subject"] == x["subject"] for r, x in zip(res, sub)])
acc_b = np.mean([r["background"] == x["background"] for r, x in zip(res, sub)])
dirs = [(r, x) for r, x in zip(res, sub) if x["direction"]]
acc_d = np.mean([r["direction"] == x["direction"] for r, x in dirs])
perr = np.median([np.nanmax(np.abs(r["pos"] - x["pos"])) for r, x in zip(res, sub)])
errs, miss = [], 0
for r, x in zip(res, sub):
    if x["motion"] == "bounces":
        e, m, _ = tracker.match_contacts(x["contact_times"], r["contacts"], 8, 8)
        errs += e
        miss += m
print("     tracker on %d world clips: subject %.3f, background %.3f, direction %.3f, "
      "position error %.2f px, %d contacts (%d missed) mean error %.1f ms, %.0f ms CPU/clip"
      % (len(sub), acc_s, acc_b, acc_d, perr, len(errs) + miss, miss,
         np.mean(errs) if errs else float("nan"), ms))
check("tracker finds the subject of world clips (>= 0.95)", acc_s >= 0.95)
check("tracker finds the background of world clips (>= 0.95)", acc_b >= 0.95)
check("tracker finds the direction of directed motions (>= 0.9)", acc_d >= 0.9)
check("tracker positions within 0.5 px (median of per-clip max)", perr < 0.5, perr)
check("tracker contact times within 5 ms on average", errs and np.mean(errs) < 5.0 and miss <= 2,
      (errs, miss))
check("tracker flicker of a static world is ~0", all(r["flicker"] < 0.005 for r in res))

# contacts at the A/V meter's rate (avsync.py: 24 fps): found where the world
# has them, and none where a walk's bob, a flier's sine or a spin only
# looks like arcs (without MAX_ARC_RMS these 24 clips give 69)
w24 = world.World(frames=48, fps=24)
tr24 = tracker.Tracker(fps=24)
rng24 = np.random.default_rng(21)
found = missed = false = 0
for _ in range(24):
    x = w24.sample(rng24)
    got = tr24.track(x["frames"])["contacts"]
    e, m, extra = tracker.match_contacts(x["contact_times"], got, 48, 24)
    if len(x["contact_times"]):
        found += len(e)
        missed += m
    else:
        false += extra
print("     tracker contacts at 24 fps on 24 world clips: %d found, %d missed, %d on clips "
      "without any" % (found, missed, false))
check("tracker contacts at 24 fps: >= 90 % found", found >= 0.9 * (found + missed) and found >= 10,
      (found, missed))
check("tracker contacts at 24 fps: at most 2 on clips without contacts", false <= 2, false)

# the tracker on imperfect pictures (degrade.py): it must still read subjects
# that are ragged, shed specks or sit in tinted 8x8 patches, and must not
# read a blob of the subject's own colours as the subject most of the time
import degrade
deg = degrade.measure(tr, 60, seed=77, kinds=("ragged", "debris", "halo", "blob"))
print("     tracker on 60 degraded world clips: " +
      ", ".join("%s %.2f" % (k, v[0]) for k, v in deg.items()))
check("tracker reads ragged subjects (>= 0.8)", deg["ragged"][0] >= 0.8, deg["ragged"])
check("tracker reads subjects with specks beside them (>= 0.9)", deg["debris"][0] >= 0.9,
      deg["debris"])
check("tracker reads subjects in tinted patches (>= 0.8)", deg["halo"][0] >= 0.8, deg["halo"])
check("tracker does not read colour blobs as the subject (< 0.5)", deg["blob"][0] < 0.5,
      deg["blob"])

sys.exit(check.report())
