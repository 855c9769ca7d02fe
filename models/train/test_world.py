"""Tests of the synthetic world, the vocabulary and the tracker.

    /usr/bin/python3 models/train/test_world.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np

import tracker
import vocab as V
import world

passed = failed = 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok  ", name)
    else:
        failed += 1
        print("FAIL", name, detail)


w = world.World()

a = w.sample(np.random.default_rng(5))
b = w.sample(np.random.default_rng(5))
check("same seed, same clip", np.array_equal(a["frames"], b["frames"]) and a["caption"] == b["caption"])
check("shapes", a["frames"].shape == (8, 64, 64, 3) and a["mask"].shape == (8, 64, 64)
      and a["cameo_image"].shape == (32, 32, 4) and a["events"].shape == (8, 2))

rng = np.random.default_rng(11)
clips = [w.sample(rng, cameo=(i % 4 == 3)) for i in range(200)]
vocab = set(V.VOCAB)
check("captions use only vocabulary words",
      all(set(V.words(c["caption"])) <= vocab for c in clips))
check("cameo captions name the cameo",
      all(("cameo" in V.words(c["caption"])) == (c["subject"] in V.CAMEO_SUBJECTS) for c in clips))
check("tokenize drops unknown words and quoted dialogue",
      V.tokenize('A Hippo "hello there" zzz bounces!') == [V.VOCAB.index("a"), V.VOCAB.index("hippo"),
                                                          V.VOCAB.index("bounces")])
check("tokenize keeps at most MAX_TOKENS", len(V.tokenize("a " * 40)) == V.MAX_TOKENS)

# physics: every contact of a bounce happens at the ground, falling before it
ok = True
for c in clips:
    if c["motion"] == "bounces" and c["contact_times"]:
        ys = c["pos"][:, 1] + c["size"] / 2  # bottom of the sprite
        ok &= ys.max() <= 64 and (np.diff(ys) != 0).any()
        ev = c["events"][:, 0]
        ok &= all(ev[min(7, int(t * 8))] == 1 for t in c["contact_times"])
check("bounce contacts are marked in the event channel", ok)

# a drop from h with no initial speed touches down at sqrt(2 h / g), then
# rises to e^2 h; heights in flight follow the parabola
t = np.arange(8) / 8.0
x, yb, contacts = w._ballistic(None, t, 60.0, 20.0, 0.0, 0.5, 32.0, 0.0)
tc = np.sqrt(2 * 20.0 / world.GRAVITY)
check("drop: first contact at sqrt(2h/g)", abs(contacts[0] - tc) < 1e-9, contacts)
check("drop: second contact after a flight of 2 e v / g",
      abs(contacts[1] - contacts[0] - 2 * 0.5 * world.GRAVITY * tc / world.GRAVITY) < 1e-9, contacts)
pre = t < tc
check("drop: heights before the contact follow h - g t^2 / 2",
      np.allclose(60.0 - yb[pre], 20.0 - 0.5 * world.GRAVITY * t[pre] ** 2))

tr = tracker.Tracker()
sub = [c for c in clips if c["subject"] in V.SUBJECTS][:40]
res = [tr.track(c["frames"]) for c in sub]
acc_s = np.mean([r["subject"] == c["subject"] for r, c in zip(res, sub)])
acc_b = np.mean([r["background"] == c["background"] for r, c in zip(res, sub)])
print("tracker on ground truth: subject %.2f, background %.2f (40 clips)" % (acc_s, acc_b))
check("tracker finds the subject of world clips (>= 0.8)", acc_s >= 0.8)
check("tracker finds the background of world clips (>= 0.95)", acc_b >= 0.95)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
