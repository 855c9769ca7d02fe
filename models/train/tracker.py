"""Tracker: what a clip shows, measured from its pixels alone.

    /usr/bin/python3 models/train/tracker.py [n_clips] [frames] [fps]   # accuracy on world clips

Used by evaluate.py / avsync.py on generated clips and validated on the
world's own clips (test_world.py, and the command above).

Tracker(size=64, fps=8).track(frames uint8 [T, H, W, 3]) returns a dict:
  background    nearest background class (vocab.BACKGROUNDS word)
  subject       best-matching vocab.SUBJECTS word (None if nothing found)
  score         share of the foreground's energy the best sprite explains
                (1 = perfect, <= 0 = nothing), match_error = 1 - score
  scores        {subject: score} for every subject
  pos           float32 [T, 2] subject centre per frame (NaN where not found)
  size, angle   float32 [T] matched sprite size (px) and rotation (degrees)
  found_frames  frames where a subject was found
  dx, dy, direction   net displacement and "left" / "right" / "up" / "down" / ""
  contacts      ground contact times in seconds (frame 0 at t = 0)
  parabola_residual   RMS (px) of the flight arcs' parabola fit, NaN if none
  flicker       mean absolute change of background pixels between frames, 0..1

Method.
- Background: the world's backgrounds are nearly uniform along a row, and
  a subject covers less than half a row, so each frame's row medians are a
  first model; rows textured across the whole width (grass blades) take
  the median over time.  Blobs found against it give a rough subject box
  per frame; the clean plate is then, per pixel, the median over the
  frames whose boxes leave it uncovered: the exact background, textures
  included, wherever the subject moved away.  Where it never did, row
  medians (a static subject) and the temporal median (static texture next
  to the subject, e.g. a cloud) are both tried where they differ.
- Candidates: compact connected components of the blurred colour distance
  to the plate; when the subject moves through the clip, blobs that never
  move (moon, clouds) are dropped.
- Identity (up to 3 frames): every subject's sprite, both flips, sized
  from the component's box and at 0.55, 0.7 and 0.85 of that size (specks
  a generated subject sheds grow its box; measured with degrade.py), is
  composited over the plate at integer offsets around the box centre; its
  score is the share of foreground energy it explains,
  (Sum (f - bg)^2 - Sum (f - composite)^2) / Sum (f - bg)^2 around the box.  Frames no upright sprite explains well get
  rotations (30 degree steps, then +-15) of the frame's and the clip's
  leading subjects.  A subject's score is the mean of its best two frames.
- Position: the identified sprite's best pose and offset per frame, the
  offset refined to sub-pixel by a parabola through the neighbouring
  scores; pos is the sprite's centre, as the world's pos.
- Contacts: the vertical track is split into flight arcs (parabolas of one
  gravity) and rests by dynamic programming, with physical transitions
  only and one ground level; a contact is where two arcs meet in a
  valley, or an arc reaches a rest.  Where a bouncing body (one ground, one
  restitution) explains the whole track, its contacts are used: exact
  even for bounces a frame apart.  Where the arcs fit their parabolas
  worse than MAX_ARC_RMS, the motion is not free flight and there are no
  contacts (before session 8 a walk's bob or a flier's sine gave 10-30;
  a walk with high, quick hops still gives its footfalls: `tracker.py 60
  96 24` finds 31 contacts on 43 clips without any, 29 of them footfalls
  of two walks).

Measured on 300 world clips of 8 frames (tracker.py 300): subject and
background 100 %, direction 100 %, positions 0.11 px (median of per-clip
maxima), bounce contacts 0.7 ms mean / 4.5 ms max error, 96 ms per clip
with a training run sharing the 2 cores (~45 ms idle before the smaller
sprite sizes were added).  On degraded world clips: degrade.py.
"""
import math
import os
import sys

import numpy as np
from numpy.lib.stride_tricks import as_strided

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vocab as V
import world as Wd

FG_THRESHOLD = 0.10      # blurred max-channel distance to the background model
TEXTURE_ROW = 0.6        # share of a row's columns with static texture (no subject is that wide)
ANGLES = tuple(range(30, 360, 30))
SHRINK = (0.55, 0.7, 0.85)  # sprite sizes tried below the one the box suggests
GOOD = 0.80              # a frame this well explained upright needs no rotations
# px at 64x64: flight arcs fitting their parabola worse than this are not free
# flight.  World clips at 24 fps (160 of them, two seeds): arcs of clips with
# contacts 0.004-0.09 px but for one at 0.25; clips without contacts whose
# bobs, sines or wobbles the split took for arcs 0.23-1.8 px.  A walk whose
# hops are high and quick enough to curve like gravity (its bob is a
# parabola: world.py) still fits, and its footfalls come out as contacts
MAX_ARC_RMS = 0.2


def _blur3(a):
    """3x3 box mean over the last two axes (edges replicated)."""
    pad = [(0, 0)] * (a.ndim - 2) + [(1, 1), (1, 1)]
    p = np.pad(a, pad, mode="edge")
    s = p[..., :-2, :] + p[..., 1:-1, :] + p[..., 2:, :]
    return (s[..., :-2] + s[..., 1:-1] + s[..., 2:]) * (1.0 / 9.0)


def _cdist(d):
    """max over the colour channels of |d| ([..., 3] -> [...]); a reduction
    over a length-3 last axis is slow in numpy, three slices are not."""
    d = np.abs(d)
    return np.maximum(np.maximum(d[..., 0], d[..., 1]), d[..., 2])


def _merit(v):
    """How much a sprite pose v (score, ..., gain) explains its candidate."""
    return v[6] * max(v[0], 0.0)


def components(mask, min_area=1):
    """8-connected components of a 2-D bool mask from row runs (union-find).
    Returns a list of (area, (x0, y0, x1, y1)) sorted by area, largest first."""
    H, W = mask.shape
    m = np.zeros((H, W + 2), np.int8)
    m[:, 1:-1] = mask
    d = np.diff(m, axis=1)
    ry, rx0 = np.nonzero(d == 1)
    _, rx1 = np.nonzero(d == -1)
    n = len(ry)
    if not n:
        return []
    ry, rx0, rx1 = ry.tolist(), rx0.tolist(), rx1.tolist()
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    p0 = p1 = 0          # runs of the previous row: [p0, p1)
    i = 0
    while i < n:
        y = ry[i]
        j = i
        while j < n and ry[j] == y:
            j += 1
        if p1 > p0 and ry[p0] != y - 1:
            p0 = p1 = i
        k = p0
        for r in range(i, j):
            x0, x1 = rx0[r], rx1[r]
            while k < p1 and rx1[k] < x0:     # ends before this run's reach
                k += 1
            kk = k
            while kk < p1 and rx0[kk] <= x1:  # 8-connected overlap
                a, b = find(kk), find(r)
                if a != b:
                    parent[b] = a
                kk += 1
        p0, p1 = i, j
        i = j
    comp = {}
    for r in range(n):
        root = find(r)
        c = comp.get(root)
        x0, x1, y = rx0[r], rx1[r], ry[r]
        if c is None:
            comp[root] = [x1 - x0, x0, y, x1, y + 1]
        else:
            c[0] += x1 - x0
            if x0 < c[1]:
                c[1] = x0
            if x1 > c[3]:
                c[3] = x1
            c[4] = y + 1
    out = [(c[0], (c[1], c[2], c[3], c[4])) for c in comp.values() if c[0] >= min_area]
    out.sort(key=lambda c: -c[0])
    return out


class Tracker:
    def __init__(self, size=64, fps=8, subjects=None, seed=123):
        self.size, self.fps = size, float(fps)
        self.subjects = sorted(subjects or V.SUBJECTS)
        self.sp = Wd.sprites()
        self.seed = seed
        self._protos = {}
        self._tmpl = {}

    # ------------------------------------------------------------ background

    def _features(self, R, tex):
        """Row-median profile [H, 3] and row texture [H] -> feature vector."""
        H = R.shape[0]
        nb = 16
        idx = (np.arange(H) * nb) // H
        prof = np.zeros((nb, 3), np.float32)
        tx = np.zeros(nb, np.float32)
        np.add.at(prof, idx, R)
        np.add.at(tx, idx, tex)
        cnt = np.bincount(idx, minlength=nb)[:, None]
        return np.concatenate([(prof / cnt).ravel(), 0.5 * tx / cnt[:, 0]])

    def _prototypes(self, H):
        p = self._protos.get(H)
        if p is None:
            rng = np.random.default_rng(self.seed)
            feats, labels = [], []
            for word in sorted(V.BACKGROUNDS):
                for _ in range(24):
                    img, _ = Wd.background(word, rng, H, H)
                    img = np.clip(img, 0, 1)
                    R = np.median(img, axis=1)
                    tex = _cdist(img - R[:, None, :]).mean(1)
                    feats.append(self._features(R, tex))
                    labels.append(word)
            p = (np.array(feats), labels)
            self._protos[H] = p
        return p

    def classify_background(self, R_t, M, RM):
        feats, labels = self._prototypes(M.shape[0])
        R = np.median(R_t, axis=0)                       # [H, 3]
        tex = _cdist(M - RM[:, None, :])
        tex = tex.mean(1)
        f = self._features(R, tex)
        d = np.abs(feats - f).sum(1)
        order = np.argsort(d)[:5]
        votes = {}
        for i in order:
            votes[labels[i]] = votes.get(labels[i], 0.0) + 1.0 / (1e-3 + d[i])
        return max(votes, key=votes.get)

    # ------------------------------------------------------------- templates

    def _template(self, name, s, angle, flip):
        """(colour [3, n, n], alpha [1, n, n], sum C^2, tight box) of a sprite,
        premultiplied, its centre at (n/2, n/2)."""
        key = (name, s, angle, flip)
        t = self._tmpl.get(key)
        if t is None:
            spr = self.sp.get(name, s, float(angle), flip)
            A = spr[..., 3]
            ys, xs = np.nonzero(A >= 0.25)
            n = spr.shape[0]
            box = (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1) if len(ys) else (0, 0, n, n)
            C = np.ascontiguousarray(spr[..., :3].transpose(2, 0, 1))
            t = (C, np.ascontiguousarray(A[None]), float((C * C).sum()), box)
            if len(self._tmpl) < 30000:
                self._tmpl[key] = t
        return t

    def _size_for(self, name, angle, flip, bw, bh):
        """Integer sprite size whose box best covers a bw x bh component."""
        x0, y0, x1, y1 = self._template(name, 20, angle, flip)[3]
        s = max(bw * 20.0 / (x1 - x0), bh * 20.0 / (y1 - y0))
        k = self.size_k
        return int(min(max(round(s), int(8 * k)), int(34 * k)))

    # ---------------------------------------------------------------- match

    def _match(self, ctx, name, s, angle, flip, r=1):
        """Best (gain, x, y) of one sprite pose at integer offsets within r of
        aligning its box centre on the component's: gain = Sum (f - bg)^2 -
        Sum (f - composite)^2 over the sprite; (x, y) its centre, sub-pixel."""
        C, A, c2, (bx0, by0, bx1, by1) = self._template(name, s, angle, flip)
        n = C.shape[1]
        X = int(round(ctx["cx"] - (bx0 + bx1) / 2.0))
        Y = int(round(ctx["cy"] - (by0 + by1) / 2.0))
        Q, B, pad = ctx["Q"], ctx["B"], ctx["pad"]
        ys, xs = Y - r + pad, X - r + pad
        o = 2 * r + 1
        if ys < 0 or xs < 0 or ys + n + 2 * r > Q.shape[1] or xs + n + 2 * r > Q.shape[2]:
            return -np.inf, 0.0, 0.0
        st = Q.strides
        shape = (o, o, 3, n, n)
        strides = (st[1], st[2], st[0], st[1], st[2])
        qw = as_strided(Q[:, ys:, xs:], shape, strides, writeable=False)
        bw = as_strided(B[:, ys:, xs:], shape, strides, writeable=False)
        # gain = Sum q^2 - (q + b A - C)^2 = -Sum K (K + 2 q),  K = b A - C
        K = bw * A
        K -= C
        t2 = qw + qw
        t2 += K
        K *= t2
        gain = -K.reshape(o, o, -1).sum(-1)
        i = int(np.argmax(gain))
        iy, ix = divmod(i, o)
        g = float(gain[iy, ix])
        fx = fy = 0.0
        if 0 < ix < o - 1:
            den = gain[iy, ix - 1] - 2 * g + gain[iy, ix + 1]
            if den < 0:
                fx = 0.5 * (gain[iy, ix - 1] - gain[iy, ix + 1]) / den
        if 0 < iy < o - 1:
            den = gain[iy - 1, ix] - 2 * g + gain[iy + 1, ix]
            if den < 0:
                fy = 0.5 * (gain[iy - 1, ix] - gain[iy + 1, ix]) / den
        return g, X - r + ix + fx + n / 2.0, Y - r + iy + fy + n / 2.0

    def _frame_ctx(self, f, B, box):
        """Residual and background of one frame, channel-first and padded,
        and the foreground energy around the component box."""
        H, W = f.shape[:2]
        pad = 40
        x0, y0, x1, y1 = box
        Q = np.zeros((3, H + 2 * pad, W + 2 * pad), np.float32)
        Bp = np.zeros_like(Q)
        Q[:, pad:pad + H, pad:pad + W] = (f - B).transpose(2, 0, 1)
        Bp[:, pad:pad + H, pad:pad + W] = B.transpose(2, 0, 1)
        m = int(math.ceil(max(3.0, 0.25 * max(x1 - x0, y1 - y0))))
        q = Q[:, pad + max(0, y0 - m):pad + min(H, y1 + m), pad + max(0, x0 - m):pad + min(W, x1 + m)]
        e0 = float((q * q).sum())
        return dict(Q=Q, B=Bp, pad=pad, e0=max(e0, 1e-6), box=box,
                    cx=(x0 + x1) / 2.0, cy=(y0 + y1) / 2.0, bw=x1 - x0, bh=y1 - y0)

    def _best(self, ctx, names, angles, flips, r=1, sizes=(0,)):
        """{name: (score, x, y, s, angle, flip)}: the best pose of each name."""
        out = {}
        for name in names:
            best = (-np.inf,)
            for angle in angles:
                for flip in flips:
                    s0 = self._size_for(name, angle, flip, ctx["bw"], ctx["bh"])
                    for ds in sizes:
                        g, x, y = self._match(ctx, name, s0 + ds, angle, flip, r)
                        if g > best[0]:
                            best = (g, x, y, s0 + ds, angle, flip)
            if best[0] > -np.inf:
                out[name] = (best[0] / ctx["e0"],) + best[1:] + (best[0],)
        return out

    def _upright(self, ctx):
        """Scores of every subject upright (both flips), sized to the box and
        smaller (specks beside a subject grow its box: SHRINK, each searched
        over the offsets the box leaves), sizes around the best for the
        three leaders."""
        res = self._best(ctx, self.subjects, (0,), (False, True))
        for n in self.subjects:
            for flip in (False, True):
                s0 = self._size_for(n, 0, flip, ctx["bw"], ctx["bh"])
                for f in SHRINK:
                    s = max(int(8 * self.size_k), int(round(s0 * f)))
                    if s >= s0:
                        continue
                    r = min(8, int(math.ceil((s0 - s) / 2.0)) + 1)
                    g, x, y = self._match(ctx, n, s, 0, flip, r)
                    if n not in res or g / ctx["e0"] > res[n][0]:
                        res[n] = (g / ctx["e0"], x, y, s, 0, flip, g)
        for n in sorted(res, key=lambda n: -res[n][0])[:3]:
            p = res[n]
            for ds in (-1, 1):
                g, x, y = self._match(ctx, n, p[3] + ds, 0, p[5], 1)
                if g / ctx["e0"] > res[n][0]:
                    res[n] = (g / ctx["e0"], x, y, p[3] + ds, 0, p[5], g)
        return res

    def _rotations(self, ctx, res, names, flip_of):
        """Improve res with rotated poses of names (flip known or both)."""
        for n in names:
            flips = (flip_of[n],) if n in flip_of else (False, True)
            rot = self._best(ctx, [n], ANGLES, flips)
            if n not in rot:
                continue
            a0, f0 = rot[n][4], rot[n][5]
            fine = self._best(ctx, [n], ((a0 - 15) % 360, (a0 + 15) % 360), (f0,))
            if n in fine and fine[n][0] > rot[n][0]:
                rot = fine
            if n not in res or rot[n][0] > res[n][0]:
                res[n] = rot[n]
        return res

    # ---------------------------------------------------------------- track

    def _model(self, fr, excl=None):
        """Background model per frame and up to two candidate boxes per frame.

        Pass 1 finds a rough subject box per frame against the row medians
        (texture rows left out).  The clean plate is then, per pixel, the
        median over the frames whose box does not cover it: the exact
        background, textures included, wherever the subject moved away.
        Where it never did, texture rows take the temporal median and other
        rows the frame's row median."""
        T, H, W, _ = fr.shape
        k = H / 64.0
        min_area = int(30 * k * k)
        R_t = np.median(fr, axis=2)                              # [T, H, 3]
        B = np.repeat(R_t[:, :, None, :], W, axis=2)
        Bs = [B]
        M = np.median(fr, axis=0) if T >= 3 else fr[0]
        RM = np.median(M, axis=1)
        trow = np.zeros(H, bool)
        moving = np.zeros((T, H, W), bool)
        if T >= 3:
            stat = _blur3(_cdist(M - RM[:, None, :]))
            frac = (stat > FG_THRESHOLD).mean(1)
            trow = frac >= TEXTURE_ROW
            for _ in range(2):      # rows next to texture rows with some texture (blade tips)
                near = np.zeros(H, bool)
                near[1:] |= trow[:-1]
                near[:-1] |= trow[1:]
                trow |= near & (frac >= 0.25)
            moving = _blur3(_cdist(fr - M)) > FG_THRESHOLD
            given = excl is not None
            if not given:
                excl = np.zeros((T, H, W), bool)
            fg1 = _blur3(_cdist(fr - B)) > FG_THRESHOLD if not given else None
            for t in range(T if not given else 0):
                fg = fg1[t]
                fg[trow] = False
                e, v = int(2 * k) + 1, int(8 * k)
                for area, (x0, y0, x1, y1) in components(fg, min_area):
                    # every blob may be the subject (a static cloud too: the
                    # temporal-median hypothesis below covers that case);
                    # texture rows may have cut the subject: reach over them
                    excl[t, max(0, y0 - e - v):y1 + e + v, max(0, x0 - e):x1 + e] = True
            vals = np.where(excl[..., None], np.inf, fr)
            vals.sort(axis=0)
            cnt = (~excl).sum(0)
            idx = np.maximum(cnt - 1, 0) // 2
            plate = np.take_along_axis(vals, idx[None, :, :, None].repeat(3, 3), 0)[0]
            valid = cnt >= 1
            B[:, trow] = M[trow]
            B[:, valid] = plate[valid]
            # pixels no frame shows uncovered: a static subject (the row
            # median is its background) or static texture merged with the
            # subject's box, e.g. a cloud (the temporal median is right).
            # Both are tried where they differ; the sprites decide.
            amb = ~valid
            amb[trow] = False
            if amb.any() and not given:
                BM = B.copy()
                BM[:, amb] = M[amb]
                d = (_blur3(_cdist(BM - B).max(0)) > FG_THRESHOLD).sum()
                if d >= min_area:
                    Bs.append(BM)
        fgs = [_blur3(_cdist(fr - Bx)) > FG_THRESHOLD for Bx in Bs]
        cands, mfrac = [], []
        for t in range(T):
            out, mf = [], []
            for bi, Bx in enumerate(Bs):
                fg = fgs[bi][t]
                for x0, y0, x1, y1 in self._pick(fg, moving[t], min_area, k, 2 if bi == 0 else 1):
                    m = float(moving[t, y0:y1, x0:x1].mean())
                    # the blur grew the component by a pixel on each side
                    if x1 - x0 > 2 and y1 - y0 > 2:
                        x0, y0, x1, y1 = x0 + 1, y0 + 1, x1 - 1, y1 - 1
                    if not any(c[0] == (x0, y0, x1, y1) for c in out):
                        out.append(((x0, y0, x1, y1), bi))
                        mf.append(m)
            cands.append(out)
            mfrac.append(mf)
        # when a subject moves through most of the clip, a still blob that
        # sits unchanged in 3/4 of the frames (moon, cloud) is background in
        # the frames where something else moves (a subject at rest is kept)
        if T >= 3 and sum(max(mf, default=0.0) >= 0.3 for mf in mfrac) * 2 >= T:
            def iou(p, q):
                ix = max(0, min(p[2], q[2]) - max(p[0], q[0]))
                iy = max(0, min(p[3], q[3]) - max(p[1], q[1]))
                u = (p[2] - p[0]) * (p[3] - p[1]) + (q[2] - q[0]) * (q[3] - q[1]) - ix * iy
                return ix * iy / max(u, 1)
            kept = []
            for t in range(T):
                if max(mfrac[t], default=0.0) < 0.3:      # nothing moves here
                    kept.append(cands[t])
                    continue
                keep = [c for c, m in zip(cands[t], mfrac[t])
                        if m >= 0.05 or sum(any(iou(c[0], d[0]) > 0.7 for d in cands[u])
                                            for u in range(T)) * 4 < 3 * T]
                kept.append(keep or cands[t])
            cands = kept
        return dict(R_t=R_t, M=M, RM=RM, Bs=Bs, cands=cands, trow=trow)

    def _pick(self, fg, moving, min_area, k, n, comps=None):
        """Up to n compact components of fg, those that moved first."""
        cs = []
        for area, box in (components(fg, min_area) if comps is None else comps):
            if not self._compact(box, k):
                continue
            x0, y0, x1, y1 = box
            cs.append((area * (1.0 + float(moving[y0:y1, x0:x1].mean())), box))
        cs.sort(key=lambda c: -c[0])
        return [b for _, b in cs[:n]]

    @staticmethod
    def _compact(box, k):
        """Big enough for a subject (the smallest glyph box is ~9 px at 64
        px; the blur grew boxes by 2): not a star, blade or the moon."""
        x0, y0, x1, y1 = box
        return min(x1 - x0, y1 - y0) >= 5 * k

    def track(self, frames):
        """frames uint8 [T, H, W, 3] -> dict of measurements (module docstring)."""
        fr = np.asarray(frames, dtype=np.float32) * (1.0 / 255.0)
        T, H, W, _ = fr.shape
        self.size_k = H / 64.0
        mdl = self._model(fr)
        bgclass = self.classify_background(mdl["R_t"], mdl["M"], mdl["RM"])
        p = self._pass(fr, mdl)
        # a frame without the subject, or explained poorly: the background
        # model probably held some of the subject (a blob merged with a
        # cloud, a subject over its own median).  Excluding exactly the
        # matched sprites gives a cleaner plate; keep the better pass.
        found = np.isfinite(p["pos"][:, 0])
        if T >= 3 and p["subject"] is not None and found.sum() >= 2 \
                and (not found.all() or min(p["fit"]) < 0.5):
            excl = np.ones((T, H, W), bool)
            for t in range(T):
                if found[t]:
                    excl[t] = self._sprite_mask(p["subject"], p, t, H, W)
            q = self._pass(fr, self._model(fr, excl),
                           fixed=(p["subject"], p["score"], p["scores"], p["poses"]))
            qf = np.isfinite(q["pos"][:, 0])
            # (a pass that places nothing never wins: found has 2 or more)
            if qf.any() and (qf.sum(), np.mean(q["fit"][qf])) > (found.sum(),
                                                                  np.mean(p["fit"][found])):
                p = q
        return self._finish(fr, p, bgclass)

    def _sprite_mask(self, name, p, t, H, W):
        """Where the matched sprite of frame t covers the frame, grown by 2 px."""
        spr = self.sp.get(name, int(p["size"][t]), float(p["angle"][t]), bool(p["flip"][t]))
        n = spr.shape[0]
        m = np.zeros((H + 2 * n, W + 2 * n), bool)
        x0 = int(round(p["pos"][t, 0] - n / 2.0)) + n
        y0 = int(round(p["pos"][t, 1] - n / 2.0)) + n
        if 0 <= x0 <= W + n and 0 <= y0 <= H + n:
            m[y0:y0 + n, x0:x0 + n] = spr[..., 3] > 0.02
        m = m[n:n + H, n:n + W]
        for _ in range(2):
            g = m.copy()
            g[1:] |= m[:-1]
            g[:-1] |= m[1:]
            g[:, 1:] |= m[:, :-1]
            g[:, :-1] |= m[:, 1:]
            m = g
        return m

    def _pass(self, fr, mdl, fixed=None):
        """Identity (unless fixed = (subject, score, scores, poses) of an
        earlier pass) and per-frame pose with one background model."""
        T = fr.shape[0]
        ctxs = {}

        def ctx_of(t, j):
            c = ctxs.get((t, j))
            if c is None:
                box, bi = mdl["cands"][t][j]
                c = ctxs[(t, j)] = self._frame_ctx(fr[t], mdl["Bs"][bi][t], box)
            return c

        if fixed is not None:
            subject, score, scores, poses = fixed
        else:
            # identity on up to 3 frames spread over the clip: upright poses on
            # every candidate; where none explains the frame well, rotations of
            # the frame's and the clip's leading subjects on the two best
            # candidates (a subject keeps its flip while it turns)
            have = [t for t in range(T) if mdl["cands"][t]]
            idf = sorted(set(have[int(round(i))] for i in np.linspace(0, len(have) - 1, min(3, len(have)))))
            per_frame = {}
            flip_of = {}
            for t in idf:
                tries = []
                for j in range(len(mdl["cands"][t])):
                    res = self._upright(ctx_of(t, j))
                    tries.append([max(v[0] for v in res.values()) if res else -np.inf, j, res])
                    # candidates compare by _merit: explained energy, weighted by
                    # the share explained (a big cloud is explained a little by a
                    # grey sprite, a small moon well by a small one)
                    if tries[-1][0] >= GOOD:
                        break
                key = lambda x: -max((_merit(v) for v in x[2].values()), default=-np.inf)
                tries.sort(key=key)
                if tries[0][0] < GOOD:
                    clip_lead = sorted(per_frame and {n for pf in per_frame.values() for n in pf[2]},
                                       key=lambda n: -max(pf[2].get(n, (-9,))[0] for pf in per_frame.values()))[:3]
                    for tr in tries[:2]:
                        lead = sorted(tr[2], key=lambda n: -tr[2][n][0])[:3]
                        names = list(dict.fromkeys(lead + clip_lead))
                        tr[2] = self._rotations(ctx_of(t, tr[1]), tr[2], names, flip_of)
                        tr[0] = max(v[0] for v in tr[2].values())
                    tries.sort(key=key)
                per_frame[t] = tuple(tries[0])
                if len(per_frame) == 2:
                    tops = []
                    for pf in per_frame.values():
                        r = sorted(pf[2].values(), key=lambda v: -v[0])
                        tops.append((max(pf[2], key=lambda n: pf[2][n][0]), r[0][0],
                                     r[0][0] - (r[1][0] if len(r) > 1 else 0)))
                    if tops[0][0] == tops[1][0] and min(x[1] for x in tops) >= GOOD \
                            and min(x[2] for x in tops) >= 0.2:
                        break
                for n, v in tries[0][2].items():
                    if v[0] >= GOOD and v[4] == 0:
                        flip_of.setdefault(n, v[5])
            scores = {}
            subject, score = None, None
            for n in self.subjects:
                v = sorted((pf[2][n][0] for pf in per_frame.values() if n in pf[2]), reverse=True)
                if v:
                    scores[n] = float(np.mean(v[:2]))
            if scores:
                subject = max(scores, key=scores.get)
                score = scores[subject]

            poses = [pf[2][subject] for pf in per_frame.values() if subject in pf[2]] \
                if subject is not None else []
        # position per frame with the identified sprite
        pos = np.full((T, 2), np.nan, np.float32)
        size = np.full(T, np.nan, np.float32)
        angle = np.full(T, np.nan, np.float32)
        flip = np.zeros(T, bool)
        fit = np.full(T, -np.inf)
        boxes = [None] * T
        if subject is not None:
            rotating = any(p[4] != 0 for p in poses)
            flips = sorted(set(p[5] for p in poses))
            angles = (0,) + ANGLES if rotating else (0,)
            for t in range(T):
                best = None
                for j in range(len(mdl["cands"][t])):
                    res = self._best(ctx_of(t, j), [subject], angles, flips)
                    if subject in res and (best is None or _merit(res[subject]) > _merit(best[0])):
                        best = (res[subject], j)
                if best is not None:
                    p, j = best
                    res = self._best(ctx_of(t, j), [subject], (p[4],), (p[5],), r=2,
                                     sizes=(-1, 0, 1))
                    best = (res.get(subject, p), mdl["cands"][t][j][0])
                if best is not None and best[0][0] > 0.2:
                    (sc, x, y, s, a, fl, _), box = best
                    pos[t] = (x, y)
                    size[t] = s
                    angle[t] = a
                    flip[t] = fl
                    fit[t] = sc
                    boxes[t] = box
        return dict(subject=subject, score=score, scores=scores, pos=pos, size=size,
                    angle=angle, flip=flip, fit=fit, boxes=boxes, cands=mdl["cands"],
                    poses=poses)

    def _finish(self, fr, p, bgclass):
        T, H, W, _ = fr.shape
        pos, size, angle, boxes = p["pos"], p["size"], p["angle"], p["boxes"]
        subject, score, scores = p["subject"], p["score"], p["scores"]

        ok = ~np.isnan(pos[:, 0])
        dx = dy = 0.0
        if ok.sum() >= 2:
            q = pos[ok]
            dx, dy = float(q[-1, 0] - q[0, 0]), float(q[-1, 1] - q[0, 1])
        thr = 2.0 * self.size_k
        if abs(dx) >= abs(dy):
            direction = "right" if dx > thr else "left" if dx < -thr else ""
        else:
            direction = "down" if dy > thr else "up" if dy < -thr else ""

        # flicker: mean abs change of background pixels between frames
        flick = []
        for i in range(1, T):
            m = np.ones((H, W), bool)
            for b, _ in p["cands"][i - 1] + p["cands"][i]:
                e = 3
                m[max(0, b[1] - e):b[3] + e, max(0, b[0] - e):b[2] + e] = False
            flick.append(float(np.abs(fr[i] - fr[i - 1])[m].mean()) if m.any() else 0.0)

        cts, resid = contacts(pos[:, 1], self.fps, g_prior=Wd.GRAVITY * self.size_k / 2,
                              lam=0.5 * self.size_k ** 2, rest_px=0.5 * self.size_k,
                              max_rms=MAX_ARC_RMS * self.size_k)
        return dict(subject=subject, score=score, match_error=None if score is None else 1 - score,
                    scores=scores, background=bgclass, pos=pos, size=size, angle=angle,
                    found_frames=int(ok.sum()), dx=dx, dy=dy, direction=direction,
                    flicker=float(np.mean(flick)) if flick else 0.0,
                    contacts=cts, parabola_residual=resid)


# ------------------------------------------------------------------ contacts

def _flight_fit(t, y, a):
    """b, c, SSE of y = a t^2 + b t + c (a given) through the samples."""
    n = len(t)
    z = y - a * t * t
    if n == 1:
        return 0.0, float(z[0]), 0.0
    tm, zm = t.mean(), z.mean()
    var = ((t - tm) ** 2).sum()
    b = float(((t - tm) * (z - zm)).sum() / var)
    c = float(zm - b * tm)
    r = z - b * t - c
    return b, c, float((r * r).sum())


def _bounce_ok(t, y, a, s1, s2, yg=None, tol=0.6, delta=0.3):
    """Whether flight arc s1 can end in a bounce that starts flight arc s2
    (at ground level yg, when known)."""
    n1, n2 = s1[1] - s1[0], s2[1] - s2[0]
    tl, tr = t[s1[1] - 1], t[s2[0]]
    b1, c1, b2, c2 = s1[3], s1[4], s2[3], s2[4]
    eps = 0.25 * (tr - tl)
    if n1 >= 2 and n2 >= 2:
        if abs(b1 - b2) < 1e-9:
            return False
        tc = (c2 - c1) / (b1 - b2)
        if yg is not None and abs(a * tc * tc + b1 * tc + c1 - yg) > tol:
            return False
        return tl - eps <= tc <= tr + eps and 2 * a * tc + b1 > 0 and 2 * a * tc + b2 < 0
    if n1 >= 2:     # one sample after: above where free fall would have put it
        if not (2 * a * tl + b1 > 0 and y[s2[0]] < a * tr * tr + b1 * tr + c1 - delta):
            return False
        if yg is not None:
            tc = _root(a, b1, c1, yg, True)
            return tc is not None and tl - eps <= tc <= tr + eps and y[s2[0]] < yg + tol
        return True
    if n2 >= 2:     # one sample before
        if not (2 * a * tr + b2 < 0 and y[s1[1] - 1] < a * tl * tl + b2 * tl + c2 - delta):
            return False
        if yg is not None:
            tc = _root(a, b2, c2, yg, False)
            return tc is not None and tl - eps <= tc <= tr + eps and y[s1[1] - 1] < yg + tol
        return True
    return False


def _root(a, b, c, yg, later):
    """Time where a t^2 + b t + c = yg (the later or earlier root), or None."""
    disc = b * b - 4 * a * (c - yg)
    if disc < 0:
        return None
    r = math.sqrt(disc)
    return (-b + r) / (2 * a) if later else (-b - r) / (2 * a)


def _segments(t, y, a, lam, yg=None, with_cost=False, prune=True):
    """Best split of the track into flight arcs (y = a t^2 + b t + c) and
    rests (constant y), by dynamic programming over the last segment on
    SSE + lam per segment, with only physical transitions: bounce (a
    valley between two arcs), landing (a falling arc, then rest), takeoff."""
    n = len(t)
    ymax = float(y.max())
    segs = {}
    for i in range(n):
        fly = rest = True
        for j in range(i + 1, n + 1):
            if not (fly or rest):
                break
            tt, yy = t[i:j], y[i:j]
            if fly:
                fl = (i, j, "flight") + _flight_fit(tt, yy, a)
                if prune and fl[5] > 2.25 * (j - i) and fl[5] > 1.0:
                    fly = False     # no arc (RMS > 1.5 px), nor any longer one from i
                else:
                    segs[(i, j, "flight")] = fl
            if rest:
                m = float(yy.mean())
                sse = float(((yy - m) ** 2).sum())
                if prune and sse > 2.25 * (j - i) and sse > 1.0:
                    rest = False
                # rests are on the ground (the lowest sample, or yg when known)
                elif (abs(m - yg) <= 0.6) if yg is not None else (m >= ymax - 0.6):
                    segs[(i, j, "rest")] = (i, j, "rest", 0.0, m, sse)
    best, back = {}, {}
    for key, sg in sorted(segs.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        i, j, kind = key
        # a flight costs a little more than a rest that fits as well (two
        # flat samples are a rest, not an arc)
        own = sg[5] + lam * (1.05 if kind == "flight" else 1.0)
        if i == 0:
            best[key], back[key] = own, None
            continue
        cost, arg = np.inf, None
        for pkind in ("flight", "rest"):
            for h in range(i):
                pk = (h, i, pkind)
                if pk not in best:
                    continue
                p = segs[pk]
                if pkind == "rest" and kind == "rest":
                    continue
                if pkind == "flight" and kind == "flight" and not _bounce_ok(t, y, a, p, sg, yg):
                    continue
                if pkind == "flight" and kind == "rest" and not 2 * a * t[i - 1] + p[3] > 0:
                    continue
                if pkind == "rest" and kind == "flight":
                    # take-off: rising out of the rest (one sample: above it)
                    if (j - i >= 2 and not 2 * a * t[i] + sg[3] < 0) or \
                            (j - i == 1 and not y[i] < p[4] - 0.3):
                        continue
                if best[pk] < cost:
                    cost, arg = best[pk], pk
        if arg is not None:
            best[key], back[key] = cost + own, arg
    ends = [k for k in best if k[1] == n]
    if not ends:        # no physical split: without pruning, then without the ground
        if prune:
            return _segments(t, y, a, lam, yg, with_cost, prune=False)
        if yg is not None:
            return _segments(t, y, a, lam, None, with_cost, prune=False)
        one = (0, n, "flight") + _flight_fit(t, y, a)
        return ([one], one[5] + lam) if with_cost else [one]
    key = min(ends, key=lambda k: best[k])
    cost = best[key]
    out = []
    while key is not None:
        out.append(segs[key])
        key = back[key]
    return (out[::-1], cost) if with_cost else out[::-1]


def _bounce_model(p, a, t, tmax, rest_px=0.5):
    """Heights (image y) at times t and contact times of a body in free
    flight y = a t^2 + b t + c that bounces on the ground y = yg with one
    restitution e: p = (yg, b, c, e)."""
    yg, b, c, e = p
    y = a * t * t + b * t + c
    tc = _root(a, b, c, yg, True)
    cts = []
    if tc is None:
        return y, cts
    v = 2 * a * tc + b                      # downward speed at the contact
    while tc <= tmax and len(cts) < 64:
        cts.append(tc)
        u = e * v                           # upward speed after it
        after = t >= tc
        dt = t[after] - tc
        if u * u / (4 * a) < rest_px:       # rebound too low to see: rest
            y[after] = yg
            break
        fly = 2.0 * u / (2 * a)             # time back to the ground: u dt = a dt^2
        y[after] = np.where(dt < fly, yg - u * dt + a * dt * dt, y[after])
        tc, v = tc + fly, u
    return y, cts


def _fit_bounces(t, y, a, yg, b, c, e0=0.7, rest_px=0.5, iters=12):
    """Gauss-Newton fit of _bounce_model to the track; returns (params, rms)."""
    p = np.array([yg, b, c, e0], np.float64)
    tmax = t[-1] + 1.0
    step = np.array([0.02, 0.05, 0.02, 0.002])
    lam = 1e-3
    r = _bounce_model(p, a, t, tmax, rest_px)[0] - y
    cost = float((r * r).sum())
    for _ in range(iters):
        J = np.empty((len(t), 4))
        for k in range(4):
            q = p.copy()
            q[k] += step[k]
            J[:, k] = (_bounce_model(q, a, t, tmax, rest_px)[0] - y - r) / step[k]
        A = J.T @ J
        g = J.T @ r
        improved = False
        for _ in range(6):
            try:
                d = np.linalg.solve(A + lam * np.diag(np.diag(A) + 1e-9), -g)
            except np.linalg.LinAlgError:
                break
            q = p + d
            q[3] = min(max(q[3], 0.05), 1.0)
            rq = _bounce_model(q, a, t, tmax, rest_px)[0] - y
            cq = float((rq * rq).sum())
            if cq < cost:
                p, r, cost, lam = q, rq, cq, lam * 0.3
                improved = True
                break
            lam *= 10
        if not improved or cost < 1e-8:
            break
    return p, math.sqrt(cost / len(t))


def contacts(y, fps, g_prior=None, lam=None, rest_px=0.5, max_rms=None):
    """Ground contacts of a vertical track y [T] (image y, down positive,
    NaN = not found).  The track is split into flight arcs (parabolas of
    one shared gravity: y'' = 2 a, a = g_prior unless the arcs determine
    it) and rests; a contact is an arc ending in a valley where the next
    arc rises (bounce: the two parabolas intersect) or where a rest begins
    (landing: the arc reaches the rest level).  Where the far side is a
    single sample, the arc's crossing of the ground level found at the other
    contacts is used.  Returns (times in s from frame 0, RMS px of the arcs
    with >= 3 samples about their parabola).

    max_rms: where that RMS exceeds it, the track is not free flight
    (a walk's bob, a flier's sine, a generated subject's wobble) and no
    contact is returned; a track with no arc of 3 samples keeps its
    contacts."""
    y = np.asarray(y, np.float64)
    t = np.arange(len(y)) / float(fps)
    ok = ~np.isnan(y)
    t, y = t[ok], y[ok]
    if len(y) < 3 or not g_prior:
        return [], float("nan")
    lam = 0.5 if lam is None else lam
    a = float(g_prior)
    segs = _segments(t, y, a, lam)
    # gravity: the prior, and the arcs' own when they determine it; the one
    # that explains the track better wins
    gs = [a]
    long = [s for s in segs if s[2] == "flight" and s[1] - s[0] >= 3]
    if long and sum(s[1] - s[0] - 2 for s in long) >= 2:
        rows, rhs = [], []
        for k, s in enumerate(long):
            for i in range(s[0], s[1]):
                r = np.zeros(1 + 2 * len(long))
                r[0], r[1 + 2 * k], r[2 + 2 * k] = t[i] ** 2, t[i], 1.0
                rows.append(r)
                rhs.append(y[i])
        sol = np.linalg.lstsq(np.array(rows), np.array(rhs), rcond=None)[0]
        if 0.5 * a < sol[0] < 2.0 * a and abs(sol[0] - a) > 0.03 * a:
            gs.append(float(sol[0]))
    best = None
    for g in gs:
        r = _contacts_with(t, y, g, lam, rest_px, segs if g == a else _segments(t, y, g, lam))
        # the data's own gravity must explain the track clearly better
        if best is None or r[2] < 0.5 * best[2]:
            best = r
    if max_rms is not None and best[1] > max_rms:
        return [], best[1]
    return best[0], best[1]


def _contacts_with(t, y, a, lam, rest_px, segs):
    """contacts() for one gravity: (times, arc RMS, quality: lower is better)."""
    # ground level: no sample is below it; where well-determined bounce arcs
    # meet or a rest begins (mid-air "bounces" of a wrong split lie above
    # the lowest sample and are ignored); then split again knowing it
    ymax = float(y.max())
    levels = [ymax]
    for s1, s2 in zip(segs, segs[1:]):
        if s1[2] == "flight" and s2[2] == "flight" and s1[1] - s1[0] >= 2 and s2[1] - s2[0] >= 2:
            b1, c1, b2, c2 = s1[3], s1[4], s2[3], s2[4]
            if abs(b1 - b2) > 1e-9:
                tc = (c2 - c1) / (b1 - b2)
                levels.append(a * tc * tc + b1 * tc + c1)
        elif s1[2] == "flight" and s2[2] == "rest":
            levels.append(s2[4])
    rests = [sg[4] for sg in segs if sg[2] == "rest" and sg[1] - sg[0] >= 2]
    if rests:
        cands = [float(np.median(rests))]
    else:   # the lowest sample, or a lower level where arcs meet: the split decides
        cands = sorted({ymax} | {lv for lv in levels if ymax - 0.6 <= lv <= ymax + 2.0})
    best = None
    for g in cands:
        sg = _segments(t, y, a, lam, g, with_cost=True)
        if best is None or sg[1] < best[1] - 1e-9:
            best = (g, sg[1], sg[0])
    yg, _, segs = best
    # each flight arc with >= 2 samples, held to the ground level, gives
    # its own take-off / impact times: y - yg = a (t - t1)(t - t2) is linear
    # in (t1 + t2, t1 t2)
    ends = []
    for sg in segs:
        if sg[2] != "flight" or sg[1] - sg[0] < 2:
            ends.append(None)
            continue
        tt, yy = t[sg[0]:sg[1]], y[sg[0]:sg[1]]
        A = np.stack([-a * tt, np.full_like(tt, a)], 1)
        (S, P), *_ = np.linalg.lstsq(A, yy - yg - a * tt * tt, rcond=None)
        disc = S * S - 4 * P
        if disc < 0:
            ends.append(None)
            continue
        r = math.sqrt(disc)
        ends.append(((S - r) / 2, (S + r) / 2, sg[1] - sg[0]))
    out = []
    for k, (s1, s2) in enumerate(zip(segs, segs[1:])):
        if s1[2] != "flight":
            continue            # rest -> flight is a take-off
        tl, tr = t[s1[1] - 1], t[s2[0]]
        est = []                # (time, weight)
        if ends[k] is not None:
            est.append((ends[k][1], ends[k][2]))
        if s2[2] == "flight" and ends[k + 1] is not None:
            est.append((ends[k + 1][0], ends[k + 1][2]))
        tc = sum(x * w for x, w in est) / sum(w for _, w in est) if est else 0.5 * (tl + tr)
        out.append(float(min(max(tc, tl), tr)))
    res = [s[5] / (s[1] - s[0] - 2) for s in segs if s[2] == "flight" and s[1] - s[0] >= 3]
    resid = float(np.sqrt(np.mean(res))) if res else float("nan")
    # a bouncing body: one ground, one gravity, one restitution for every
    # bounce.  Where that model explains the whole track, its contacts are
    # exact even for short bounces a sample or two apart.
    bounces = sum(1 for s1, s2 in zip(segs, segs[1:]) if s1[2] == s2[2] == "flight")
    first = segs[0]
    if (bounces or out) and first[2] == "flight":   # a body at rest first is no bouncing body
        best = None
        # starts: the split's first arc, then the first samples alone in
        # case the split erred; several ground levels and restitutions
        starts = [_flight_fit(t[:m], y[:m], a)[:2] for m in (2, 3)]
        if first[2] == "flight" and first[1] - first[0] >= 2:
            starts.insert(0, (first[3], first[4]))
        # restitution: the split's own bounces first (rebound / impact speed)
        es = []
        for s1, s2 in zip(segs, segs[1:]):
            if s1[2] == s2[2] == "flight" and min(s1[1] - s1[0], s2[1] - s2[0]) >= 2:
                b1, c1, b2, c2 = s1[3], s1[4], s2[3], s2[4]
                if abs(b1 - b2) > 1e-9:
                    tc = (c2 - c1) / (b1 - b2)
                    vin, vout = 2 * a * tc + b1, -(2 * a * tc + b2)
                    if vin > 0 and vout > 0:
                        es.append(min(0.98, max(0.1, vout / vin)))
        e_first = [float(np.median(es))] if es else []
        # the fit's basin is narrow in e: scan it, then refine the best starts
        scan = []
        ymax = float(y.max())
        # fast bounces may never be sampled near the ground: try it lower
        grounds = sorted({yg} | {ymax + d for d in (0.0, 0.5, 1.2, 2.5, 4.5)})
        for b0, c0 in starts:
            for y0 in grounds:
                for e0 in e_first + list(np.arange(0.2, 0.96, 0.05)):
                    r = _bounce_model((y0, b0, c0, e0), a, t, t[-1] + 1.0, rest_px)[0] - y
                    scan.append((float((r * r).sum()), b0, c0, y0, e0))
        scan.sort(key=lambda x: x[0])
        tries = [x[1:] for x in scan[:4]]
        for b0, c0, y0, e0 in tries:
            p, rms = _fit_bounces(t, y, a, y0, b0, c0, e0, rest_px)
            if best is None or rms < best[1]:
                best = (p, rms)
            if best[1] < 0.1:
                break
        p, rms = best
        if rms < 0.35:
            model = [c for c in _bounce_model(p, a, t, t[-1], rest_px)[1] if t[0] <= c <= t[-1]]
            return [float(c) for c in model], float(rms), float(rms)
    sse = sum(s[5] for s in segs) + lam * len(segs)
    return out, resid, 1.0 + sse / len(t)     # worse than any bouncing-body fit


def observable(times, T, fps):
    """The contacts a sampled clip can show: a frame instant lies between
    each and its neighbours (or the clip's ends)."""
    ts = np.arange(T) / float(fps)
    out = []
    for i, c in enumerate(times):
        lo = times[i - 1] if i else -np.inf
        hi = times[i + 1] if i + 1 < len(times) else np.inf
        if ((ts > lo) & (ts < c)).any() and ((ts > c) & (ts < hi)).any():
            out.append(c)
    return out


def match_contacts(true, found, T, fps):
    """Errors (ms) of the observable true contacts matched within a frame
    interval, how many of those were missed, and how many found contacts
    match no true contact (observable or not)."""
    used, errs, missed = set(), [], 0
    obs = observable(true, T, fps)
    for g in true:
        d = [(abs(g - x), j) for j, x in enumerate(found) if j not in used and abs(g - x) <= 1.0 / fps]
        if d:
            e, j = min(d)
            used.add(j)
            if g in obs:
                errs.append(e * 1e3)
        elif g in obs:
            missed += 1
    return errs, missed, len(found) - len(used)


def validate(n=300, frames=8, seed=2024, verbose=False, fps=8):
    """Tracker against the world's ground truth: accuracies and contact errors."""
    import time
    w = Wd.World(frames=frames, fps=fps)
    tr = Tracker(fps=fps)
    rng = np.random.default_rng(seed)
    ok_s = ok_b = ok_d = n_d = 0
    stats = {}
    pos_err = []
    t_track = 0.0
    wrong = []
    false_contacts = false_clips = 0
    for i in range(n):
        c = w.sample(rng)
        t0 = time.perf_counter()
        r = tr.track(c["frames"])
        t_track += time.perf_counter() - t0
        ok_s += r["subject"] == c["subject"]
        ok_b += r["background"] == c["background"]
        if r["subject"] != c["subject"] or r["background"] != c["background"]:
            wrong.append((c["caption"], r["subject"], r["background"], round(r["score"] or 0, 3)))
        if c["direction"]:
            n_d += 1
            ok_d += r["direction"] == c["direction"]
        good = ~np.isnan(r["pos"][:, 0])
        if good.any():
            pos_err.append(np.abs(r["pos"][good] - c["pos"][good]).max())
        if c["motion"] in ("bounces", "falls", "jumps"):
            e, m, x = match_contacts(c["contact_times"], r["contacts"], len(c["frames"]), w.fps)
            st = stats.setdefault("bounces" if c["motion"] == "bounces" else "falls, jumps",
                                  dict(errs=[], missed=0, extra=0))
            st["errs"] += e
            st["missed"] += m
            st["extra"] += x
        elif not len(c["contact_times"]):
            false_clips += 1
            false_contacts += len(r["contacts"])
    res = dict(n=n, subject=ok_s / n, background=ok_b / n,
               direction=ok_d / max(1, n_d), ms_per_clip=1e3 * t_track / n,
               false_contacts=false_contacts, false_clips=false_clips,
               pos_err_median=float(np.median(pos_err)) if pos_err else float("nan"))
    for k, st in stats.items():
        e = st["errs"]
        res[k] = dict(contacts=len(e) + st["missed"], matched=len(e), missed=st["missed"],
                      extra=st["extra"], mean_ms=float(np.mean(e)) if e else float("nan"),
                      max_ms=float(np.max(e)) if e else float("nan"))
    if verbose:
        for x in wrong:
            print("  wrong:", x)
    return res


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    frames = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    fps = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    r = validate(n, frames, verbose=True, fps=fps)
    print("tracker on %d world clips (%d frames at %d fps): subject %.1f %%, background %.1f %%, "
          "direction %.1f %%, %.1f ms/clip" % (r["n"], frames, fps, 100 * r["subject"],
                                              100 * r["background"], 100 * r["direction"],
                                              r["ms_per_clip"]))
    print("median over clips of the max position error: %.2f px" % r["pos_err_median"])
    for k in ("bounces", "falls, jumps"):
        if k in r:
            c = r[k]
            print("contacts of %s: %d observable (a frame between each and its neighbours), "
                  "%d found within a frame, %d missed, %d found that match none; "
                  "error mean %.1f ms, max %.1f ms" % (k, c["contacts"], c["matched"], c["missed"],
                                                       c["extra"], c["mean_ms"], c["max_ms"]))
    print("contacts found on the %d clips whose motion has none: %d"
          % (r["false_clips"], r["false_contacts"]))
