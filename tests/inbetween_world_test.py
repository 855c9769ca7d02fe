"""The in-between frames (libavfilter/diffusion/inbetween.c) against the
world generator's own frames at three times the model's rate.

World clips (models/train/world.py, seed INBETWEEN_SEED, 11 by default) are
rendered at 24 fps for 46 frames; every third frame is a "native" 8 fps
frame, as the model would draw it, and build/tests/inbetween makes the two
frames between each pair from them the way the soragen filter does at
rate=24: the analyser's subject moved along its path ("motion", the
filter's default) or the cross-fade ("blend").  The model's contact
probability is set from the ground truth (0.9 on each contact's native
interval), as in analyser_world_test.py.  Only clips whose subject touches
the ground are kept: falls, jumps and bounces, where the in-betweens decide
when the picture shows the contact.

Measured on the in-between frames only, against the world's frames at the
same instants: the subject's vertical centre as the analyser sees it
(build/tests/find_events' track at 24 fps, px), and the mean absolute
pixel difference (0..255).  Fails unless motion's mean centre error is
under MAX_PX and under RATIO of blend's, for all in-betweens and for those
next to a contact, and its pixel difference is no higher than blend's.
Measured (seed 11): motion 0.377 px, 0.497 px next to a contact, pixel
difference 0.803; blend 0.721 px, 1.105 px, 1.849 (session 19,
models/soragen.md).

Then the filter itself: the shipped model's bouncing cat at rate=24 (as
fate-soragen-inbetween makes it, at 64x64 and for a second) must mark
every frame between two native ones with lavfi.soragen.inbetween, motion
or blend, and no native frame; fails unless at least MIN_MOVED of them are
moved.  Measured: 16 of 16.
"""
import os
import struct
import subprocess
import sys

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "models", "train"))
from world import World, GRAVITY  # noqa: E402

CLIPS, R, NATIVE, FPS, SIZE = 40, 3, 16, 8, 64
MAX_PX, RATIO = 1.0, 0.6
MIN_MOVED = 0.5
CAT = ("soragen=model=%s:p=a_cat_bounces_on_a_white_background:seed=103:steps=8:threads=1:"
       "s=64x64:r=24:d=1:audio=0,metadata=mode=print:file=-")


def pack(frames):
    """uint8 [T][H][W][3] -> float32 [T][3][H][W] in [-1, 1] bytes"""
    return np.ascontiguousarray(frames.astype(np.float32).transpose(0, 3, 1, 2) / 127.5 - 1.0).tobytes()


def track(tool, clips_f32, n, fps):
    """the analyser's vertical centre per frame (-1: unseen) of float32 clips"""
    blob = [struct.pack("=4i", len(clips_f32), n, SIZE, fps)]
    for c in clips_f32:
        blob += [c, np.zeros((n, 2), np.float32).tobytes()]
    out = subprocess.run([tool, "0", "1", "track"], input=b"".join(blob), capture_output=True,
                         check=True).stdout.decode().splitlines()
    return [np.array([float(v) for v in out[2 * k + 1].split()]) for k in range(len(clips_f32))]


def main():
    build = os.environ.get("BUILD", os.path.join(REPO, "build"))
    between = os.path.join(build, "tests", "inbetween")
    find = os.path.join(build, "tests", "find_events")
    world = World(size=SIZE, frames=(NATIVE - 1) * R + 1, fps=FPS * R)
    rng = np.random.default_rng(int(os.environ.get("INBETWEEN_SEED", "11")))
    clips = []
    while len(clips) < CLIPS:
        s = world.sample(rng)
        if s["contact_times"]:
            clips.append(s)
    n_out = (NATIVE - 1) * R + 1
    blob = [struct.pack("=4i", len(clips), NATIVE, SIZE, FPS)]
    for s in clips:
        prob = np.zeros((NATIVE, 2), np.float32)
        for c in s["contact_times"]:
            if int(c * FPS) < NATIVE:
                prob[int(c * FPS), 0] = 0.9
        blob += [pack(s["frames"][::R]), prob.tobytes()]
    blob = b"".join(blob)
    truth_y = track(find, [pack(s["frames"]) for s in clips], n_out, FPS * R)
    mid = np.arange(n_out) % R != 0
    ret = 0
    res = {}
    for mode in ("motion", "blend"):
        raw = subprocess.run([between, str(R), mode, str(GRAVITY * SIZE / 64.0)], input=blob,
                             capture_output=True, check=True).stdout
        out = np.frombuffer(raw, np.float32).reshape(len(clips), n_out, 3, SIZE, SIZE)
        ys = track(find, [np.ascontiguousarray(o).tobytes() for o in out], n_out, FPS * R)
        e_all, e_near, pix = [], [], []
        for s, o, y, ty in zip(clips, out, ys, truth_y):
            u8 = np.clip(np.rint((o.transpose(0, 2, 3, 1) + 1) * 127.5), 0, 255)
            pix.append(np.abs(u8[mid] - s["frames"][mid].astype(np.float64)).mean())
            near = np.zeros(n_out, bool)
            for c in s["contact_times"]:
                near |= np.abs(np.arange(n_out) / (FPS * R) - c) < 1.0 / FPS
            ok = mid & (y >= 0) & (ty >= 0)
            e_all += list(np.abs(y - ty)[ok])
            e_near += list(np.abs(y - ty)[ok & near])
        res[mode] = (np.mean(e_all), np.mean(e_near), np.mean(pix), len(e_all), len(e_near))
        print("%-6s: in-betweens' centre error %.3f px (%d frames), next to a contact %.3f px "
              "(%d frames), pixel difference %.3f" % ((mode,) + res[mode][:1] + res[mode][3:4] +
                                                      res[mode][1:2] + res[mode][4:5] + res[mode][2:3]))
    m, b = res["motion"], res["blend"]
    if not (m[0] < MAX_PX and m[1] < MAX_PX and m[0] < RATIO * b[0] and m[1] < RATIO * b[1]
            and m[2] <= b[2]):
        print("FAIL: motion wants centre errors under %.1f px and under %.1fx blend's, and no "
              "larger pixel difference" % (MAX_PX, RATIO))
        ret = 1
    ret |= filter_metadata(build)
    print("inbetween_world_test: %s" % ("FAILED" if ret else "passed"))
    return ret


def filter_metadata(build):
    model = os.path.join(REPO, "models", "soragen.safetensors")
    out = subprocess.run([os.path.join(build, "ffmpeg"), "-nostdin", "-v", "error", "-lavfi",
                          CAT % model, "-f", "null", "-"], capture_output=True, text=True,
                         check=True).stdout
    frames, kinds = [], {}
    for line in out.splitlines():
        if line.startswith("frame:"):
            frames.append({})
        elif "=" in line and frames:
            k, v = line.split("=", 1)
            frames[-1][k] = v
    bad = 0
    for n, f in enumerate(frames):
        between = n % 3 != 0  # 24 fps from 8
        kind = f.get("lavfi.soragen.inbetween")
        if between != (kind is not None) or kind not in (None, "motion", "blend"):
            bad += 1
        kinds[kind] = kinds.get(kind, 0) + 1
    moved = kinds.get("motion", 0)
    n_between = sum(1 for n in range(len(frames)) if n % 3)
    print("filter: %d frames, %d in-betweens, %d moved, %d blended, %d marked wrongly"
          % (len(frames), n_between, moved, kinds.get("blend", 0), bad))
    if len(frames) != 24 or bad or moved < MIN_MOVED * n_between:
        print("FAIL: want 24 frames, the in-betweens (and only they) marked, %.0f %% moved"
              % (100 * MIN_MOVED))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
