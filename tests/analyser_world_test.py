"""The event analyser (libavfilter/diffusion/events.c) against the world
generator's exact contact times (issue 4: within 5 ms).

Clips of 16 frames at 8 fps come from models/train/world.py with a fixed
seed; every clip whose subject touches the ground (bounces, jumps, falls)
is kept until there are CLIPS of them.  The model's per-frame contact
probability is set from the ground truth (0.9 on the frame interval of each
true contact), so what is measured is the analyser alone: the pictures must
say when, inside that interval, the contact happened.  build/tests/find_events
runs the C analyser; a true contact counts when it lies at least two frames
from either end of the clip (the analyser needs two samples a side).  The
first pass, the flat prior and the wobble passes take the clips of three
seeds, SEEDS (ANALYSER_SEED=N: that seed alone); the passes after them
those of the first seed (or fixed seeds of their own).

Gravity is given, as the soragen filter gives it from the model file
(metadata "gravity", the world's constant); `analyser_world_test.py 0`
measures it on each clip instead, which is much worse (a few triples of
samples do not pin a curvature down).

Prints mean and max error and the share within MAX_MS, per seed and in
all.  Fails when fewer than SHARE of the counted contacts of the three
seeds are refined within MAX_MS, when the mean error of those the
analyser found (an event within a frame) exceeds MEAN_MS, or when fewer
than MIN_CONTACTS were counted.  A contact with no event within a frame
is a miss; the distance to another contact's event is no error figure.

A second pass gives no hint of when: every interval has contact
probability FLAT_PRIOR, under the 0.5 threshold and over `confirmed`, as
from a model that knows a clip has contacts but not on which frame.  Then
only contacts the pictures show sound: in full (three samples of flight a
side), or as a landing a viewer sees (a fall of an eighth of the frame
into a rest or a rebound).  Fails when more than FLAT_FALSE of the events
are not within a frame of a true contact, or fewer than FLAT_SHARE of the
others within MAX_MS.  Measured (seeds 11-13, session 23): 249 events,
248 within a frame of a true contact (194 within 5 ms, mean 4.62 ms),
1 false; seed 12 alone, 56 of 75 within 5 ms, under FLAT_SHARE.  Seed 11
alone: 89 events, 88 within a frame of a true contact (72 within 5 ms,
mean 3.59 ms; 71 and 3.70 ms before session 23), 1 false (70 and
4.61 ms before a landing was timed from the fall's last two samples in
the air, session 21).  Before the
analyser looked for landings a viewer sees (session 17): 71 events, 70
within a frame (65 within 5 ms, mean 1.68 ms), 1 false; FLAT_SHARE was
0.9.  The 18 more landings are timed by a fall fitted to their samples,
which puts a world contact within a frame but not always within 5 ms.
A third pass is a generated clip's trouble: subjects standing with a
wobble (their centre moved by up to WOBBLE px a frame, as a generated
subject's shape changes), and a model that hints a contact on every other
interval (a caption of bounces).  The pictures show no contact, but the
analyser's centre wobbles more than the subject (up to 2.5 px here, a
generated subject's resting track: median 0.26 px a frame, 9 in 10 under
1.9): fails when more than REFINED of the hinted intervals are refined
from the pictures.  Measured (seeds 11-13): 104 refined events for the
720 hinted peaks (seed 13 alone: 48 of 240, over REFINED); seed 11: 22 of
240 (81 events in 30 clips; 28 of 86 before a bounce had to
leave no faster than it came, session 18); before the analyser looked for
motion and for peaks of the model's probability, 342 of 387 events were
refined: two samples a side fit a flight through anything.  Stricter tests (a fall into the contact and a rise out of it,
or three samples curving like a flight) cut that to 8 but lost 14 of the
110 world contacts above, bounces whose samples straddle their apex.
The same clips with peaks of UNSURE_HINT, under the filter's
event_certain (0.9), may be timed only from what the pictures show in
full: fails when more than UNSURE_REFINED of the peaks are refined.
Measured (seeds 11-13): 3 of 720; seed 11: 1 of 240 (61 events, the
others at the middle of intervals where the resting subject is not seen); with event_certain
0.5, 22.

A fourth pass is a stream: falls, jumps and bounces that come to rest by
their clip's frame 6, cut in two clips of 8 frames as the soragen filter
hands them over.  In the second the subject rests in every frame and looks
like scenery; the analyser must keep it where the first clip last saw it
(`stream`): fails when a second clip's track strays over REST_PX from the
first clip's last sample.  Measured (seed 3): at most 0.6 px; as separate
clips the subject is lost in all 20.
A fifth pass is a generated landing: world falls whose subject, once
down, sinks SINK_PX more instead of bouncing, with the contact probability
peaking a frame late (settling(); the shipped model hints a generated
landing so).  Fails when fewer than SETTLE_SHARE of the clips give one
event within half a frame of the contact.  Measured (seed 11): 20 of 20,
median error 12.7 ms, max 21.8 ms (23.4 ms before session 21; 10.8 and 39.4 ms before the peak of
0.6, under event_certain, needed the contact in full, session 18); before the analyser knew a settling
subject, 6 of 20 (the sinking read as a bounce a frame late).
A sixth pass is a generated fall: world falls whose subject hangs and
then drops (height as (t / tc)^4, no flight of the world's gravity),
hinted DROP_HINT, under the threshold (dropping()).  Fails when fewer
than DROP_SHARE of the clips give one event within half a frame of the
contact.  Measured (seed 11): 20 of 20, median error 33.9 ms, max 57.1 ms
(44.3 and 60.2 ms when the whole fall was fitted, before session 21);
before the analyser looked for landings a viewer sees, 1 of 20.
A subject that drifts down as far at 1.5-3.5 px a frame and stops
(sinking()) must not sound: 0 of 20 clips give an event (17 of 20 before
session 21).
A seventh pass (taps()) checks loudness: a fall's hop after its landing
sounds at most TAP_RATIO as loud as the landing.  Measured (seed 11): 15
of 20 clips time both, ratio median 0.36, max 0.46 (the world's impact
speed ratio is 0.25-0.45); before contacts were as loud as their hint,
1.0.
Seed 11 was not used while the analyser was tuned (seeds 4-7 were).
Measured (seed 11, session 21, before the visibility rule): 110
contacts, mean 1.09 ms, 106 within 5 ms.  Session 23 found the test
failing its own first pass on every other seed it tried (4-7, 12, 13):
one contact with no event, 250-370 ms from the nearest, put the mean over
all of them over 3 ms, so the mean is now over the contacts found.  Over
seeds 1-13 (60 clips each, a throwaway script beside this one), 1247 of
1319 contacts were timed within 5 ms.  Of the misses, 31 are bounces that
move the subject under 1.3 px between samples, the analyser's MIN_DROP of
gravity, which keeps a subject wobbling at rest from sounding (the last
hops of a bounce series are tenths of a pixel); 37 are where the
tracker's error changes by over 0.3 px across the four samples about the
contact: the centre weighs a pixel by its contrast with the background,
and a subject on grass or in front of clouds has other contrast below
than above the horizon.
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
SEEDS = (11, 12, 13)
MAX_MS = 5.0
SHARE = 0.9
MEAN_MS = 3.0
MIN_CONTACTS = 40
FLAT_PRIOR, CONFIRMED = 0.3, 0.05
FLAT_FALSE = 0.1
FLAT_SHARE = 0.75
WOBBLE, REFINED = 0.5, 0.15
UNSURE_HINT, UNSURE_REFINED = 0.7, 0.02
REST_CLIPS, REST_PX = 20, 1.0
SETTLE_CLIPS, SINK_PX, SINK_FRAMES, SETTLE_SHARE = 20, (2.0, 4.0), 1.0, 0.8
DROP_CLIPS, DROP_HINT, DROP_SHARE = 20, 0.35, 0.8
SLOW_CLIPS, SLOW_PX, SLOW_FALSE = 20, (1.5, 3.5), 0.1
TAP_CLIPS, TAP_RATIO = 20, 0.5


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
    gravity = sys.argv[1] if len(sys.argv) > 1 else str(GRAVITY * SIZE / 64.0)
    ret = 0

    all_errs, all_bad = [], 0
    for seed in seeds():
        clips = sample_clips(World(size=SIZE, frames=T, fps=FPS), CLIPS,
                             lambda s: bool(s["contact_times"]), seed)
        pictures = [pack(s["frames"]) for s in clips]
        lines = analyse(tool, clips, pictures, gravity, hinted=True)
        errs, bad, skipped = [], [], 0
        for n, (s, line) in enumerate(zip(clips, lines)):
            found = [(float(w[:-1]), w[-1] == "r") for w in line.split()]
            for c in s["contact_times"]:
                if not resolvable(s, c):
                    skipped += 1
                    continue
                near = min(found, key=lambda e: abs(e[0] - c)) if found else None
                e_ms = abs(near[0] - c) * 1e3 if near else float("inf")
                errs.append(e_ms if e_ms <= 1e3 / FPS else float("inf"))
                if not near or not near[1] or e_ms > MAX_MS:
                    bad.append("clip %d (%s %s on %s): contact %.4f s, error %.1f ms; analyser %s"
                               % (n, s["subject"], s["motion"], s["background"], c, e_ms,
                                  line or "nothing"))
        found_errs = [e for e in errs if np.isfinite(e)]
        print("seed %d: %d contacts in %d clips (%d more too fast for %d fps), %d within "
              "%.0f ms, %d with no event within a frame, mean of the others %.2f ms"
              % (seed, len(errs), len(clips), skipped, FPS, len(errs) - len(bad), MAX_MS,
                 len(errs) - len(found_errs), np.mean(found_errs) if found_errs else -1))
        for b in bad:
            print("  miss: " + b)
        all_errs += errs
        all_bad += len(bad)
    errs = np.asarray(all_errs)
    ok = errs[np.isfinite(errs)]
    mean = ok.mean() if len(ok) else float("inf")
    print("analyser vs world (gravity %s px/s^2), seeds %s: %d contacts, %d within %.0f ms, "
          "%d with no event within a frame; of the others mean %.2f ms, median %.2f ms, "
          "max %.2f ms"
          % (gravity, ",".join(map(str, seeds())), len(errs), len(errs) - all_bad, MAX_MS,
             len(errs) - len(ok), mean, np.median(ok) if len(ok) else -1,
             ok.max() if len(ok) else -1))
    if len(errs) < MIN_CONTACTS or all_bad > (1 - SHARE) * len(errs) or mean > MEAN_MS:
        print("FAIL: want %d+ contacts, %.0f %% within %.0f ms, mean of those found under %.0f ms"
              % (MIN_CONTACTS, 100 * SHARE, MAX_MS, MEAN_MS))
        ret = 1

    # flat prior: a model that knows the clip has contacts, not when
    true_pos = false_pos = n_true = 0
    errs = []
    for seed in seeds():
        clips = sample_clips(World(size=SIZE, frames=T, fps=FPS), CLIPS,
                             lambda s: bool(s["contact_times"]), seed)
        lines = analyse(tool, clips, [pack(s["frames"]) for s in clips], gravity, hinted=False)
        for s, line in zip(clips, lines):
            for w in line.split():
                t = float(w[:-1])
                e = min(abs(t - c) for c in s["contact_times"])
                if e <= 1.0 / FPS:
                    true_pos += 1
                    errs.append(e * 1e3)
                else:
                    false_pos += 1
        n_true += sum(len(s["contact_times"]) for s in clips)
    errs = np.asarray(errs)
    print("flat prior %.1f, confirmed %.2f: %d events, %d of them within a frame of a true contact "
          "(%d within %.0f ms, mean %.2f ms), %d false; %d true contacts in all"
          % (FLAT_PRIOR, CONFIRMED, true_pos + false_pos, true_pos, (errs <= MAX_MS).sum(), MAX_MS,
             errs.mean() if len(errs) else -1, false_pos, n_true))
    if false_pos > FLAT_FALSE * max(1, true_pos + false_pos) or \
            (errs <= MAX_MS).sum() < FLAT_SHARE * max(1, true_pos):
        print("FAIL: flat prior wants at most %.0f %% false events and %.0f %% of the rest "
              "within %.0f ms" % (100 * FLAT_FALSE, 100 * FLAT_SHARE, MAX_MS))
        ret = 1
    ret |= wobble(tool, gravity)
    ret |= rest_stream(tool, gravity)
    ret |= settling(tool, gravity)
    ret |= dropping(tool, gravity)
    ret |= sinking(tool, gravity)
    ret |= taps(tool, gravity)
    if not ret:
        print("ok")
    return ret


class Wobbly(World):
    """World clips of standing subjects whose centre wobbles by up to
    WOBBLE px a frame."""
    def _choose(self, rng, names, bg, still=False, p=None):
        name, _, direction, flip, s = super()._choose(rng, names, bg, still, p)
        return name, "stands", direction, flip, s

    def _motion(self, rng, name, motion, direction, s, G, keep_out=None):
        tr = super()._motion(rng, name, motion, direction, s, G, keep_out)
        tr["cy"] = tr["cy"] + rng.uniform(-WOBBLE, WOBBLE, len(tr["cy"])) * self.k
        return tr


class Settling(World):
    """World falls whose subject, once down, does not bounce but sinks by
    SINK_PX more (px at 64x64), as a generated subject does: its centre
    settles into the ground (time constant SINK_FRAMES frames)."""
    def _motion(self, rng, name, motion, direction, s, G, keep_out=None):
        tr = super()._motion(rng, name, motion, direction, s, G, keep_out)
        if motion == "falls" and tr["contacts"]:
            tc = tr["contacts"][0]
            t = np.arange(self.T) / self.fps
            after = (t - tc) * self.fps
            sink = rng.uniform(*SINK_PX) * self.k
            ground = tr["cy"].max()
            tr["cy"] = np.where(after > 0, ground + sink * (1 - np.exp(-after / SINK_FRAMES)),
                                tr["cy"])
            tr["contacts"] = [tc]
        return tr


def seeds():
    """The first pass's seeds: ANALYSER_SEED alone when it is set."""
    one = os.environ.get("ANALYSER_SEED")
    return (int(one),) if one else SEEDS


def sample_clips(world, n, keep, seed=None):
    """The first n clips of world (seed: the first of seeds() by default)
    for which keep(clip) holds."""
    rng = np.random.default_rng(seeds()[0] if seed is None else seed)
    clips = []
    while len(clips) < n:
        s = world.sample(rng)
        if keep(s):
            clips.append(s)
    return clips


def one_fall(s):
    """A fall with one contact, at least two frames from the start and four
    from the end of the clip."""
    c = s["contact_times"]
    return s["motion"] == "falls" and len(c) == 1 and 2 <= c[0] * FPS < T - 4


def one_event_each(tool, args, clips, blob):
    """Runs find_events (args after the tool) on blob, the packed clips,
    each with one true contact: returns how many clips give one event
    within half a frame of it, and every clip's error in ms (the nearest
    event's; inf for none)."""
    out = subprocess.run([tool] + args, input=b"".join(blob), stdout=subprocess.PIPE,
                         check=True).stdout.decode().splitlines()
    good, errs = 0, []
    for s, line in zip(clips, out):
        ev = [float(w[:-1]) for w in line.split()]
        e = min(abs(t - s["contact_times"][0]) for t in ev) if ev else float("inf")
        errs.append(e * 1e3)
        good += len(ev) == 1 and e <= 0.5 / FPS
    return good, errs


def settling(tool, gravity):
    """Falls that settle, with the contact probability peaking a frame
    late (0.6 on the interval after the contact's, 0.45 on its own), as
    the shipped model hints a generated landing: one event per fall, within
    half a frame of the contact.  Before the analyser knew a settling
    subject, the sinking after the landing read as a bounce in the later
    interval: a second event, a frame late."""
    clips = sample_clips(Settling(size=SIZE, frames=T, fps=FPS), SETTLE_CLIPS, one_fall)
    blob = [struct.pack("=4i", len(clips), T, SIZE, FPS)]
    for s in clips:
        prob = np.zeros((T, 2), np.float32)
        i = int(s["contact_times"][0] * FPS)
        prob[i, 0], prob[i + 1, 0] = 0.45, 0.6
        blob += [pack(s["frames"]), prob.tobytes()]
    good, errs = one_event_each(tool, [gravity], clips, blob)
    print("settling falls, contact hinted a frame late: %d of %d clips give one event within "
          "half a frame (errors: median %.1f ms, max %.1f ms)" % (
              good, len(clips), np.median(errs), np.max(errs)))
    if good < SETTLE_SHARE * len(clips):
        print("FAIL: want %.0f %%" % (100 * SETTLE_SHARE))
        return 1
    return 0


class Dropping(World):
    """World falls whose subject, as a generated one often does, hangs
    near its height and then drops: its height follows (t / tc)^4 instead
    of a parabola of the world's gravity, down to the ground at the
    contact tc, where it rests."""
    def _motion(self, rng, name, motion, direction, s, G, keep_out=None):
        tr = super()._motion(rng, name, motion, direction, s, G, keep_out)
        if motion == "falls" and tr["contacts"]:
            tc = tr["contacts"][0]
            t = np.arange(self.T) / self.fps
            top, ground = tr["cy"][0], tr["cy"].max()
            tr["cy"] = np.where(t < tc, top + (ground - top) * (t / tc) ** 4, ground)
            tr["contacts"] = [tc]
        return tr


def hinted_falls(world, n):
    """The first n falls of world with one contact that go down 12 px or
    more (at 64x64), packed for find_events with their contact's interval
    hinted DROP_HINT, under the threshold."""
    clips = sample_clips(world, n,
                         lambda s: one_fall(s) and np.ptp(s["pos"][:, 1]) >= 12 * SIZE / 64.0)
    blob = [struct.pack("=4i", len(clips), T, SIZE, FPS)]
    for s in clips:
        prob = np.zeros((T, 2), np.float32)
        prob[int(s["contact_times"][0] * FPS), 0] = DROP_HINT
        blob += [pack(s["frames"]), prob.tobytes()]
    return clips, blob


def dropping(tool, gravity):
    """Falls that are no flight of the world's gravity (Dropping), hinted
    under the threshold (DROP_HINT on the contact's interval), as the
    shipped model hints a generated hop: the pictures show the landing a
    viewer sees, so it sounds, within half a frame.  Before the analyser
    looked for such landings, a hint under the threshold needed a flight
    of three samples a side: nothing sounded."""
    clips, blob = hinted_falls(Dropping(size=SIZE, frames=T, fps=FPS), DROP_CLIPS)
    good, errs = one_event_each(tool, [gravity, str(CONFIRMED)], clips, blob)
    print("falls that drop, hinted %.2f: %d of %d clips give one event within half a frame "
          "(errors: median %.1f ms, max %.1f ms)" % (
              DROP_HINT, good, len(clips), np.median(errs), np.max(errs)))
    if good < DROP_SHARE * len(clips):
        print("FAIL: want %.0f %%" % (100 * DROP_SHARE))
        return 1
    return 0


class Sinking(World):
    """World falls whose subject, as a generated one may, drifts down at an
    even SLOW_PX px a frame (at 64x64, 8 fps) to the ground and stops
    there: no impact, nothing to hear."""
    def _motion(self, rng, name, motion, direction, s, G, keep_out=None):
        tr = super()._motion(rng, name, motion, direction, s, G, keep_out)
        if motion == "falls" and tr["contacts"]:
            t = np.arange(self.T) / self.fps
            top, ground = tr["cy"][0], tr["cy"].max()
            speed = rng.uniform(*SLOW_PX) * self.k * self.fps
            stop = (ground - top) / speed
            tr["cy"] = np.where(t < stop, top + speed * t, ground)
            tr["contacts"] = [stop]
        return tr


def sinking(tool, gravity):
    """A subject that drifts down some 12 px or more and stops, hinted
    DROP_HINT where it stops, as the shipped model hints a frog sinking on
    the sand: it falls as far as a landing a viewer sees, but never faster
    than SLOW_PX a frame, so it must not sound.  Fails when more than
    SLOW_FALSE of the clips give an event.  Measured (seed 11): 0 of 20;
    before a landing a viewer sees needed a step of half the speed a free
    fall of an eighth of the frame lands with (session 21), 17 of 20."""
    clips, blob = hinted_falls(Sinking(size=SIZE, frames=T, fps=FPS), SLOW_CLIPS)
    out = subprocess.run([tool, gravity, str(CONFIRMED)], input=b"".join(blob),
                         stdout=subprocess.PIPE, check=True).stdout.decode().splitlines()
    sounded = sum(1 for line in out if line.split())
    print("subjects that drift down %.1f-%.1f px a frame and stop, hinted %.2f: %d of %d clips "
          "give an event" % (SLOW_PX[0], SLOW_PX[1], DROP_HINT, sounded, len(clips)))
    if sounded > SLOW_FALSE * len(clips):
        print("FAIL: want at most %.0f %%" % (100 * SLOW_FALSE))
        return 1
    return 0


def taps(tool, gravity):
    """World falls that hop again after landing, every contact hinted 0.9:
    the hop's contact must sound at most TAP_RATIO as loud as the
    landing's (its strength: the hint times how hard the subject hits,
    the square root of the height it fell from).  In the world the hop's
    impact speed is 0.25-0.45 of the landing's (a fall's restitution in
    models/train/world.py)."""
    clips = sample_clips(World(size=SIZE, frames=T, fps=FPS), TAP_CLIPS,
                         lambda s: s["motion"] == "falls" and len(s["contact_times"]) >= 2 and
                         s["contact_times"][0] * FPS >= 2)
    blob = [struct.pack("=4i", len(clips), T, SIZE, FPS)]
    for s in clips:
        prob = np.zeros((T, 2), np.float32)
        for c in s["contact_times"]:
            if int(c * FPS) < T:
                prob[int(c * FPS), 0] = 0.9
        blob += [pack(s["frames"]), prob.tobytes()]
    out = subprocess.run([tool, gravity, "1", "strength"], input=b"".join(blob),
                         stdout=subprocess.PIPE, check=True).stdout.decode().splitlines()
    ratios = []
    for s, line in zip(clips, out):
        ev = [(float(w.split("@")[0][:-1]), float(w.split("@")[1])) for w in line.split()]
        land = [e for e in ev if abs(e[0] - s["contact_times"][0]) <= 0.5 / FPS]
        hop = [e for e in ev if abs(e[0] - s["contact_times"][1]) <= 0.5 / FPS]
        if land and hop:
            ratios.append(hop[0][1] / land[0][1])
    ratios = np.asarray(ratios)
    print("falls that hop after landing: %d of %d clips time both contacts; hop / landing "
          "strength median %.2f, max %.2f" % (len(ratios), len(clips), np.median(ratios),
                                               ratios.max()))
    if len(ratios) < TAP_CLIPS // 2 or ratios.max() > TAP_RATIO:
        print("FAIL: want %d clips, every ratio at most %.2f" % (TAP_CLIPS // 2, TAP_RATIO))
        return 1
    return 0


def pack(frames):
    """uint8 frames [T][H][W][3] as find_events reads them: float32
    [T][3][H][W] in [-1, 1]."""
    return np.ascontiguousarray(frames.astype(np.float32).transpose(0, 3, 1, 2) / 127.5 - 1.0).tobytes()


def wobble(tool, gravity):
    world = Wobbly(size=SIZE, frames=T, fps=FPS)
    clips = []
    for seed in seeds():
        rng = np.random.default_rng(seed)
        clips += [world.sample(rng) for _ in range(30)]
    ret = 0
    for peak, share in ((0.9, REFINED), (UNSURE_HINT, UNSURE_REFINED)):
        prob = np.zeros((T, 2), np.float32)
        prob[0::2, 0], prob[1::2, 0] = peak, 0.6 * peak / 0.9
        blob = [struct.pack("=4i", len(clips), T, SIZE, FPS)]
        for s in clips:
            blob += [pack(s["frames"]), prob.tobytes()]
        out = subprocess.run([tool, gravity], input=b"".join(blob), stdout=subprocess.PIPE,
                             check=True).stdout.decode().splitlines()
        events = [w for line in out for w in line.split()]
        refined = sum(w.endswith("r") for w in events)
        hinted = len(clips) * int((prob[:, 0] == prob[:, 0].max()).sum())
        print("wobbling subjects at rest (+-%.1f px), contacts hinted %.2f on every other "
              "interval: %d clips, %d events, %d of %d hinted peaks refined" % (
                  WOBBLE, peak, len(clips), len(events), refined, hinted))
        if refined > share * hinted:
            print("FAIL: want at most %.0f %% refined" % (100 * share))
            ret = 1
    return ret


def rest_stream(tool, gravity):
    world = World(size=SIZE, frames=T, fps=FPS)
    rng = np.random.default_rng(3)
    clips = []
    while len(clips) < REST_CLIPS:
        s = world.sample(rng)
        cy = s["pos"][:, 1]
        if s["motion"] in ("falls", "jumps", "bounces") and np.ptp(cy[6:]) < 1e-6 and \
                cy[0] < cy[-1] - 3:
            clips.append(s)
    half = T // 2
    worst = {}
    for mode in ("track", "track,stream"):
        worst[mode] = 0.0
        for s in clips:
            blob = struct.pack("=4i", 2, half, SIZE, FPS)
            for h in (0, 1):
                blob += pack(s["frames"][h * half:(h + 1) * half]) + \
                    np.zeros((half, 2), np.float32).tobytes()
            out = subprocess.run([tool, gravity, "1", mode], input=blob, stdout=subprocess.PIPE,
                                 check=True).stdout.decode().splitlines()
            a = np.array([float(v) for v in out[1].split()])
            b = np.array([float(v) for v in out[3].split()])
            e = np.abs(b - a[-1]).max() if (b >= 0).all() and a[-1] >= 0 else float("inf")
            worst[mode] = max(worst[mode], e)
    print("subjects at rest through a second clip: track strays up to %.2f px from the first "
          "clip's last sample as a stream (%s as separate clips)" % (
              worst["track,stream"], "%.2f px" % worst["track"] if np.isfinite(worst["track"])
              else "lost"))
    if worst["track,stream"] > REST_PX:
        print("FAIL: want at most %.1f px" % REST_PX)
        return 1
    return 0


def analyse(tool, clips, pictures, gravity, hinted):
    """Event times per clip from build/tests/find_events (pictures: each
    clip's frames as the tool reads them).  hinted: the
    model's contact probability is 0.9 on each true contact's interval;
    else FLAT_PRIOR on every interval, with `confirmed` CONFIRMED."""
    blob = [struct.pack("=4i", len(clips), T, SIZE, FPS)]
    for s, f in zip(clips, pictures):
        prob = np.zeros((T, 2), np.float32)
        if hinted:
            for c in s["contact_times"]:
                i = int(c * FPS)
                if i < T:
                    prob[i, 0] = 0.9
        else:
            prob[:, 0] = FLAT_PRIOR
        blob += [f, prob.tobytes()]
    args = [tool, gravity] + ([] if hinted else [str(CONFIRMED)])
    out = subprocess.run(args, input=b"".join(blob), stdout=subprocess.PIPE, check=True).stdout
    lines = out.decode().splitlines()
    assert len(lines) == len(clips), "find_events gave %d lines for %d clips" % (len(lines), len(clips))
    return lines


if __name__ == "__main__":
    sys.exit(main())
