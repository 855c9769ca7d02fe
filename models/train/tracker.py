"""Tracker: what a clip shows, measured without ground truth.

Used by evaluate.py on generated clips and validated on the world's own
clips (test_world.py).  All backgrounds of the world are horizontally
uniform apart from small texture, and a subject covers less than half of
any row, so the per-row median colour of a frame is its background.
Foreground = pixels far from that background; the subject is the
foreground's bounding box; its identity is the sprite that, composited over
the background at that place and size, matches best.
"""
import numpy as np

import vocab as V
import world as Wd

FG_THRESHOLD = 0.16


def row_background(frame):
    """frame float [H, W, 3] -> [H, W, 3] of the per-row median colour."""
    med = np.median(frame, axis=1, keepdims=True)
    return np.broadcast_to(med, frame.shape)


def foreground(frame, bg):
    d = np.abs(frame - bg).max(-1)
    m = d > FG_THRESHOLD
    # drop isolated pixels (stars, grass blades, noise): keep pixels with >= 3 neighbours
    p = np.pad(m, 1).astype(np.int8)
    n = sum(p[1 + dy:1 + dy + m.shape[0], 1 + dx:1 + dx + m.shape[1]]
            for dy in (-1, 0, 1) for dx in (-1, 0, 1)) - m
    return m & (n >= 3)


def components(mask, max_n=3):
    """Bounding boxes of the largest 8-connected components of mask."""
    H, W = mask.shape
    label = np.zeros((H, W), np.int32)
    boxes = []
    ys, xs = np.nonzero(mask)
    n = 0
    for y0, x0 in zip(ys, xs):
        if label[y0, x0]:
            continue
        n += 1
        stack = [(y0, x0)]
        label[y0, x0] = n
        pts = []
        while stack:
            y, x = stack.pop()
            pts.append((y, x))
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    yy, xx = y + dy, x + dx
                    if 0 <= yy < H and 0 <= xx < W and mask[yy, xx] and not label[yy, xx]:
                        label[yy, xx] = n
                        stack.append((yy, xx))
        if len(pts) >= 6:
            py = [p[0] for p in pts]
            px = [p[1] for p in pts]
            boxes.append((len(pts), (min(px), min(py), max(px) + 1, max(py) + 1)))
    boxes.sort(key=lambda b: -b[0])
    return [b for _, b in boxes[:max_n]]


def bbox(mask):
    ys, xs = np.nonzero(mask)
    if len(ys) < 6:
        return None
    return xs.min(), ys.min(), xs.max() + 1, ys.max() + 1


class Tracker:
    def __init__(self, size=64, fps=8, subjects=None, seed=123):
        self.size, self.fps = size, fps
        self.subjects = sorted(subjects or V.SUBJECTS)
        self.sprites = Wd.sprites()
        self.poses = [(f, a) for f in (False, True) for a in (0, 30, 60, 90, 180, 270, 300, 330)]
        self._fit_backgrounds(seed)

    def _fit_backgrounds(self, seed):
        """Row-colour profiles of each background class, from the world."""
        rng = np.random.default_rng(seed)
        prof = {}
        for bgw in sorted(V.BACKGROUNDS):
            ps = []
            for _ in range(12):
                img, _ = Wd.background(bgw, rng, self.size, self.size)
                ps.append(self._profile(img))
            prof[bgw] = np.mean(ps, 0)
        self.bg_profiles = prof

    def _profile(self, img):
        rows = np.median(img, axis=1)                # [H, 3]
        return rows.reshape(16, -1, 3).mean(1)       # 16 bands

    def background(self, frames):
        p = np.mean([self._profile(f) for f in frames], 0)
        d = {k: np.abs(p - v).mean() for k, v in self.bg_profiles.items()}
        return min(d, key=d.get)

    def _match(self, frame, bg, box):
        x0, y0, x1, y1 = box
        cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
        L = max(x1 - x0, y1 - y0)
        H = self.size
        best = {}
        for name in self.subjects:
            err_best = np.inf
            for s in range(max(Wd.MIN_SPRITE, L - 2), min(Wd.MAX_SPRITE, L + 3) + 1):
                for flip, ang in self.poses:
                    spr = self.sprites.get(name, s, ang, flip)
                    canvas = bg.copy()
                    a = Wd._blit(canvas, spr, cx, cy)
                    # compare over the sprite's square (clipped to the frame):
                    # colours where the sprite is opaque, background elsewhere
                    xa, ya = int(max(0, cx - s / 2 - 1)), int(max(0, cy - s / 2 - 1))
                    xb, yb = int(min(H, cx + s / 2 + 2)), int(min(H, cy + s / 2 + 2))
                    d = ((canvas[ya:yb, xa:xb] - frame[ya:yb, xa:xb]) ** 2).mean(-1)
                    aw = a[ya:yb, xa:xb]
                    inside = aw > 0.5
                    if inside.sum() < 4:
                        continue
                    e = d[inside].mean() + 0.5 * d[~inside].mean() if (~inside).any() else d[inside].mean()
                    err_best = min(err_best, e)
            best[name] = err_best
        return best

    def track(self, frames):
        """frames uint8 [T, H, W, 3] -> dict of measurements."""
        fr = frames.astype(np.float32) / 255.0
        T = len(fr)
        pos = np.full((T, 2), np.nan, np.float32)
        votes = {n: 0.0 for n in self.subjects}
        errs = {n: [] for n in self.subjects}
        boxes = []
        bgclass = self.background(fr)
        textured = V.BACKGROUNDS[bgclass][0] in ("sky", "water", "night")
        for i, f in enumerate(fr):
            bg = np.ascontiguousarray(row_background(f))
            fg = foreground(f, bg)
            box = bbox(fg)
            if textured and box is not None:
                # clouds, waves or stars may remain: the subject is the
                # component some sprite explains best
                cands = components(fg)
                if len(cands) > 1:
                    box = min((min(self._match(f, bg, c).values()), c) for c in cands)[1]
            boxes.append(box)
            if box is None:
                continue
            pos[i] = ((box[0] + box[2]) / 2.0, (box[1] + box[3]) / 2.0)
            if i % 2 == 0:  # every other frame is enough for identity
                m = self._match(f, bg, box)
                for n, e in m.items():
                    errs[n].append(e)
        found = sum(b is not None for b in boxes)
        subject, score = None, None
        if any(errs[n] for n in self.subjects):
            mean = {n: float(np.mean(errs[n])) for n in self.subjects if errs[n]}
            subject = min(mean, key=mean.get)
            score = mean[subject]
        # flicker: mean abs change of background pixels between frames
        flick = []
        for i in range(1, T):
            m = np.ones(fr[i].shape[:2], bool)
            for b in (boxes[i - 1], boxes[i]):
                if b is not None:
                    m[max(0, b[1] - 2):b[3] + 2, max(0, b[0] - 2):b[2] + 2] = False
            flick.append(float(np.abs(fr[i] - fr[i - 1])[m].mean()) if m.any() else 0.0)
        ok = ~np.isnan(pos[:, 0])
        dx = float(pos[ok][-1, 0] - pos[ok][0, 0]) if ok.sum() >= 2 else 0.0
        return dict(subject=subject, match_error=score, background=bgclass,
                    pos=pos, found_frames=int(found), dx=dx,
                    direction=("right" if dx > 2 else "left" if dx < -2 else ""),
                    flicker=float(np.mean(flick)) if flick else 0.0,
                    contacts=contact_times(pos, self.fps))


def contact_times(pos, fps):
    """Ground contacts as vertical direction reversals (down -> up), refined
    between frames by fitting a parabola to each side and intersecting."""
    y = pos[:, 1]
    T = len(y)
    out = []
    for i in range(1, T - 1):
        if np.isnan(y[i - 1:i + 2]).any():
            continue
        if y[i] >= y[i - 1] and y[i] > y[i + 1]:  # image y grows downwards
            # lines through the two samples on each side, meeting at the contact
            t = np.arange(T) / fps
            a1 = (y[i] - y[i - 1]) * fps
            a2 = (y[i + 1] - y[i]) * fps
            # choose the side the contact lies on: the later falling sample or
            # the earlier rising one, whichever extrapolates lower
            if a1 != a2:
                tc = (y[i + 1] - a2 * t[i + 1] - y[i - 1] + a1 * t[i - 1]) / (a1 - a2)
                if t[i - 1] <= tc <= t[i + 1]:
                    out.append(float(tc))
                    continue
            out.append(float(t[i]))
    return out
