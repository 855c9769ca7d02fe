"""The synthetic world the default model learns: emoji subjects moving by
simple physics over procedural backgrounds, with exact ground truth.

    /usr/bin/python3 models/train/world.py sheet.png [n_clips] [seed]   # contact sheet
    /usr/bin/python3 models/train/world.py --bench                      # clips per second

World(size=64, frames=8, fps=8, distractor=False).sample(rng, cameo=False)
returns a dict:
  frames        uint8 [T, H, W, 3]
  caption       str, every word in vocab.VOCAB; a cameo subject is the word
                "cameo" (vocab id 2)
  subject       the subject's name (a vocab.SUBJECTS word, or a
                vocab.CAMEO_SUBJECTS name when cameo=True)
  background, motion              vocabulary words
  direction     "left", "right" or "" (only directed motions name one)
  cameo_image   uint8 [32, 32, 4] straight-alpha RGBA reference image of the
                subject (other size, rotation and flip than in the clip)
  pos           float32 [T, 2] subject centre (x, y) in pixels at t = i / fps
                (centre of the glyph's bounding box, unrotated)
  size          float32 [T] side of the glyph's bounding square in pixels
  angle         float32 [T] rotation in degrees, counter-clockwise
  bbox          float32 [T, 4] x0, y0, x1, y1 of the drawn subject's pixels
                (alpha >= 10 %), exclusive ends
  mask          uint8 [T, H, W] subject alpha, 0..255
  events        float32 [T, 2] (contact, footfall) in [i / fps, (i + 1) / fps)
  contact_times, footfall_times   lists of exact event times in seconds
                (from the analytic trajectory, not from the sampled frames)
  ground        float, y of the ground line (bottom of a standing subject)
  distractor    None, or dict(subject, motion, pos, size) of a second
                subject the caption also names ("... and a dog stands ...")
Frame i shows the world at time i / fps.  Units: pixels and seconds; gravity
is GRAVITY px/s^2 at size 64 and scales with the size.  The same rng state
gives the same clip.

Sprites: every emoji is rendered once from the CBDT font at its only size
(109), cropped to its alpha box, centred in a square and kept as
premultiplied masters at a few resolutions.  Each frame resamples a master
(bicubic, with a box offset) straight to the float size and sub-pixel
position, so sharpness is the same in every frame; rotation is point-sampled
on a master >= 3x the output and averaged by that downscale.  Sprites.get()
serves centred sprites at integer sizes (cached for MIN_SPRITE..MAX_SPRITE,
both flips) to the tracker.  Rendering all 36 glyphs and the cache takes
~0.3 s, so nothing is cached on disk.

Never drawn: subject/background pairs where the subject would vanish
(hidden_pairs(), e.g. giraffe on orange).  Speed: ~500 clips/s at 64x64x8 on
one thread of a machine busy training (world.py --bench).
"""
import math
import os
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vocab as V

_clip = np.core.umath.clip       # the ufunc: np.clip's wrapper costs more than the work

FONT = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
FONT_PX = 109                   # the only size the CBDT font has
GRAVITY = 420.0
MIN_SPRITE, MAX_SPRITE = 10, 28  # cached integer sizes at 64x64
LEVELS = (32, 48, 64, 96)        # master resolutions, glyph square side
# glyphs drawn turned so that they stand on the ground (degrees, ccw)
TURN = {"crocodile": -52.0}
# subjects whose glyph looks right; the others look left (or nowhere)
FACES_RIGHT = {"dinosaur", "turtle", "snail", "unicorn"}
NO_FACING = {"ball", "frog"}
# motions of a distractor: it stays where it is
STILL = ["bounces", "jumps", "falls", "spins", "grows", "stands"]


def _render_glyph(ch, turn=0.0):
    """The emoji as straight-alpha RGBA, cropped to its alpha bounding box
    and centred in a transparent square."""
    font = ImageFont.truetype(FONT, FONT_PX)
    im = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(im).text((30, 30), ch, font=font, embedded_color=True)
    if turn:
        im = im.convert("RGBa").rotate(turn, Image.BICUBIC).convert("RGBA")
    a = np.asarray(im)[..., 3]
    ys, xs = np.nonzero(a > 8)
    if not len(ys):
        raise RuntimeError("emoji %r did not render" % ch)
    im = im.crop((xs.min(), ys.min(), xs.max() + 1, ys.max() + 1))
    s = max(im.size)
    sq = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    sq.paste(im, ((s - im.size[0]) // 2, (s - im.size[1]) // 2))
    return sq


class Sprites:
    """Every subject, renderable at any float size, sub-pixel position,
    rotation and flip, from premultiplied masters; plus a cache of the
    upright sprites at integer sizes MIN_SPRITE..MAX_SPRITE."""

    def __init__(self):
        self.names = sorted(V.SUBJECTS) + sorted(V.CAMEO_SUBJECTS)
        chars = dict(V.SUBJECTS, **V.CAMEO_SUBJECTS)
        self.glyph, self.info, self.masters = {}, {}, {}
        for name in self.names:
            g = _render_glyph(chars[name], TURN.get(name, 0.0))
            self.glyph[name] = g
            a = np.asarray(g)[..., 3] > 127
            side = g.size[0]
            ys, xs = np.nonzero(a)
            c = (side - 1) / 2.0
            self.info[name] = dict(
                wf=(xs.max() - xs.min() + 1) / side, hf=(ys.max() - ys.min() + 1) / side,
                rf=float(np.sqrt((xs - c) ** 2 + (ys - c) ** 2).max() + 0.5) / side)
            levels = [L for L in LEVELS if L < side] + [side]
            for L in levels:
                sm = g if L == side else g.resize((L, L), Image.LANCZOS)
                pad = int(math.ceil(0.22 * L)) + 8
                m = Image.new("RGBa", (L + 2 * pad, L + 2 * pad), (0, 0, 0, 0))
                m.paste(sm.convert("RGBa"), (pad, pad))
                self.masters[(name, L, False)] = m
                self.masters[(name, L, True)] = m.transpose(Image.FLIP_LEFT_RIGHT)
            self.info[name]["levels"] = levels
        self.cache = {}
        for name in sorted(V.SUBJECTS):
            for s in range(MIN_SPRITE, MAX_SPRITE + 1):
                for flip in (False, True):
                    self.get(name, s, 0.0, flip)

    def render(self, name, s, cx, cy, angle=0.0, flip=False):
        """Subject with glyph square side s (float px) centred at (cx, cy)
        on the pixel grid (pixel i covers [i, i+1)), turned by angle
        degrees ccw.  Returns (x0, y0, tile): premultiplied float32 RGBA
        [h, w, 4] whose top-left pixel is (x0, y0)."""
        levels = self.info[name]["levels"]
        # rotation is point-sampled (fast) from a master >= 3x the output,
        # which the filtered downscale below then averages
        L = next((L for L in levels if L >= (3.0 if angle else 2.0) * s), levels[-1])
        m = self.masters[(name, L, bool(flip))]
        if angle:
            m = m.rotate(angle, Image.NEAREST)
        n = m.size[0]
        sc = L / float(s)               # master pixels per output pixel
        r = n / 2.0 / sc
        x0, y0 = int(math.ceil(cx - r)), int(math.ceil(cy - r))
        x1, y1 = int(math.floor(cx + r)), int(math.floor(cy + r))
        u0, v0 = (x0 - cx) * sc + n / 2.0, (y0 - cy) * sc + n / 2.0
        box = (max(0.0, u0), max(0.0, v0), min(float(n), u0 + (x1 - x0) * sc),
               min(float(n), v0 + (y1 - y0) * sc))
        t = m.resize((x1 - x0, y1 - y0), Image.BICUBIC, box=box)
        return x0, y0, np.asarray(t, dtype=np.float32) * (1.0 / 255.0)

    def get(self, name, size, angle=0.0, flip=False):
        """Centred premultiplied float32 RGBA [n, n, 4] of integer size
        (glyph square side; n >= size holds the rotation margin)."""
        key = (name, int(size), bool(flip), float(angle))
        im = self.cache.get(key)
        if im is None:
            c = 64.0
            x0, y0, t = self.render(name, float(size), c, c, angle, flip)
            # symmetric crop around the centre, with room for any rotation
            h = int(math.ceil(self.info[name]["rf"] * size)) + 1
            im = np.zeros((2 * h, 2 * h, 4), np.float32)
            ox, oy = int(c) - h - x0, int(c) - h - y0
            sx0, sy0 = max(0, ox), max(0, oy)
            sx1, sy1 = min(t.shape[1], ox + 2 * h), min(t.shape[0], oy + 2 * h)
            im[sy0 - oy:sy1 - oy, sx0 - ox:sx1 - ox] = t[sy0:sy1, sx0:sx1]
            im = _clip(im, 0.0, 1.0)
            if angle == 0.0 or len(self.cache) < 20000:
                self.cache[key] = im
        return im


_SPRITES = None


def sprites():
    global _SPRITES
    if _SPRITES is None:
        _SPRITES = Sprites()
    return _SPRITES


def composite(canvas, x0, y0, tile):
    """Premultiplied tile over float32 canvas [H, W, 3] in place; returns
    (fx0, fy0, alpha) of the part inside the canvas, or None."""
    H, W = canvas.shape[:2]
    h, w = tile.shape[:2]
    fx0, fy0, fx1, fy1 = max(x0, 0), max(y0, 0), min(x0 + w, W), min(y0 + h, H)
    if fx0 >= fx1 or fy0 >= fy1:
        return None
    t = tile[fy0 - y0:fy1 - y0, fx0 - x0:fx1 - x0]
    a = _clip(t[..., 3:4], 0.0, 1.0)
    reg = canvas[fy0:fy1, fx0:fx1]
    reg *= 1.0 - a
    reg += t[..., :3]
    return fx0, fy0, a[..., 0]


# ---------------------------------------------------------------- backgrounds

def _turned(name, direction):
    """Whether a subject that faces a way is drawn mirrored to go direction."""
    return ("right" if name in FACES_RIGHT else "left") != direction


def _mark(mask, bbox, x0, y0, a):
    """A frame's mask and box from the subject's alpha a drawn at (x0, y0)."""
    m8 = _clip(a * 255 + 0.5, 0, 255).astype(np.uint8)
    mask[y0:y0 + a.shape[0], x0:x0 + a.shape[1]] = m8
    ys, xs = np.nonzero(m8 >= 26)
    if len(ys):
        bbox[:] = (x0 + xs.min(), y0 + ys.min(), x0 + xs.max() + 1, y0 + ys.max() + 1)


def _col(c, rng, jitter=0.0):
    c = np.asarray(c, np.float32) / 255.0
    if jitter:
        c = c + rng.uniform(-jitter, jitter, 3).astype(np.float32)
    return _clip(c, 0.0, 1.0)


def _vgrad(top, bot, H, y0=0, y1=None):
    y1 = H if y1 is None else y1
    f = _clip((np.arange(H, dtype=np.float32) + 0.5 - y0) / max(1.0, y1 - y0), 0, 1)
    return top + (bot - top) * f[:, None]      # [H, 3]


def _soft_disc(img, cx, cy, rx, ry, colour, opacity):
    H, W = img.shape[:2]
    x0, x1 = max(0, int(cx - rx - 2)), min(W, int(cx + rx + 3))
    y0, y1 = max(0, int(cy - ry - 2)), min(H, int(cy + ry + 3))
    if x0 >= x1 or y0 >= y1:
        return
    xx = (np.arange(x0, x1, dtype=np.float32) + 0.5 - cx) / rx
    yy = (np.arange(y0, y1, dtype=np.float32) + 0.5 - cy) / ry
    d = np.sqrt(yy[:, None] ** 2 + xx[None, :] ** 2)
    a = (_clip((1.0 - d) * min(rx, ry) + 0.5, 0, 1) * opacity)[..., None]
    img[y0:y1, x0:x1] = img[y0:y1, x0:x1] * (1 - a) + colour * a


def background(word, rng, H, W):
    """Background `word` as float32 [H, W, 3] in 0..1 and the y of its ground
    line (where a standing subject's bottom is)."""
    kind, cols = V.BACKGROUNDS[word]
    k = H / 64.0
    if kind == "solid":
        c = _col(cols[0], rng, 0.03)
        img = c + rng.standard_normal((H, W, 1), dtype=np.float32) * 0.012
        return img, float(rng.uniform(0.80, 0.90) * H)

    if kind == "sky":
        top, bot, cloud = (_col(c, rng, 0.025) for c in cols)
        img = np.empty((H, W, 3), np.float32)
        img[:] = _vgrad(top, bot, H)[:, None, :]
        for _ in range(int(rng.integers(1, 4))):
            cx, cy = rng.uniform(-0.1, 1.1) * W, rng.uniform(0.08, 0.6) * H
            w = rng.uniform(7, 14) * k
            for j in range(3):
                _soft_disc(img, cx + (j - 1) * w * 0.6 + rng.uniform(-1, 1) * k,
                           cy - (j == 1) * w * 0.2, w * 0.5, w * 0.33, cloud, 0.9)
        img += rng.standard_normal((H, W, 1), dtype=np.float32) * 0.006
        return img, float(rng.uniform(0.80, 0.90) * H)

    if kind == "water":
        top, bot, hl = (_col(c, rng, 0.025) for c in cols)
        img = np.empty((H, W, 3), np.float32)
        img[:] = _vgrad(top, bot, H)[:, None, :]
        period = rng.uniform(6, 9) * k
        x = np.arange(W, dtype=np.float32)[None, :]
        y = np.arange(H, dtype=np.float32)[:, None]
        ph = y + 1.3 * k * np.sin(x * (0.35 / k) + rng.uniform(0, 6.3) + 0.9 * np.floor(y / period))
        wave = np.cos(2 * np.pi * ph / period)
        a = (_clip((wave - 0.72) / 0.28, 0, 1) * (0.55 - 0.35 * y / H))[..., None]
        img = img * (1 - a) + hl * a
        img += rng.standard_normal((H, W, 1), dtype=np.float32) * 0.008
        return img, float(rng.uniform(0.80, 0.90) * H)

    if kind == "night":
        top, bot, gr = (_col(c, rng, 0.015) for c in cols)
        g = int(rng.uniform(0.74, 0.86) * H)
        img = np.empty((H, W, 3), np.float32)
        img[:g] = _vgrad(top, bot, g)[:, None, :]
        img[g:] = gr * (1.0 + rng.standard_normal((H - g, W, 1), dtype=np.float32) * 0.08)
        n = int(rng.integers(10, 26) * k * k)
        ys, xs = rng.integers(0, max(1, g - 3), n), rng.integers(0, W, n)
        img[ys, xs] = rng.uniform(0.55, 1.0, (n, 1)).astype(np.float32) * np.float32([1, 1, 0.9])
        if rng.random() < 0.6:
            _soft_disc(img, rng.uniform(0.1, 0.9) * W, rng.uniform(0.1, 0.35) * H,
                       3.5 * k, 3.5 * k, np.float32([0.98, 0.95, 0.8]), 1.0)
        return img, float(g + rng.uniform(1, 3) * k)

    # ground: sky above a textured ground (grass, sand, snow)
    top, bot, gr = (_col(c, rng, 0.025) for c in cols)
    g = int(rng.uniform(0.70, 0.82) * H)
    img = np.empty((H, W, 3), np.float32)
    img[:g] = _vgrad(top, bot, g)[:, None, :]
    hg = H - g
    depth = (np.arange(hg, dtype=np.float32) / max(1, hg))[:, None, None]
    if word == "grass":
        col = rng.standard_normal((1, W, 1), dtype=np.float32) * 0.07
        pix = rng.standard_normal((hg, W, 1), dtype=np.float32) * 0.06
        img[g:] = gr * (1.05 - 0.25 * depth + col + pix)
        hb = (rng.random(W) < 0.45) * rng.integers(1, int(3 * k) + 2, W)   # blades
        yy = np.arange(g - hb.max() - 1, g)[:, None]
        blade = (yy >= g - hb[None, :])
        rows = img[g - hb.max() - 1:g]
        rows[blade] = gr * np.float32(0.8)
    elif word == "sand":
        y = np.arange(hg, dtype=np.float32)[:, None]
        x = np.arange(W, dtype=np.float32)[None, :]
        rip = np.sin(2 * np.pi * (y / (3.2 * k) + 0.12 * np.sin(x * (0.15 / k) + rng.uniform(0, 6.3))))
        pix = rng.standard_normal((hg, W, 1), dtype=np.float32) * 0.05
        img[g:] = gr * (1.02 - 0.12 * depth + 0.03 * rip[..., None] + pix)
    else:  # snow
        pix = rng.standard_normal((hg, W, 1), dtype=np.float32) * 0.015
        shade = np.float32([0.92, 0.95, 1.0]) + (1 - np.float32([0.92, 0.95, 1.0])) * depth
        img[g:] = gr * shade + pix
        n = int(rng.integers(10, 25) * k * k)
        ys, xs = rng.integers(0, max(1, g - 2), n), rng.integers(0, W, n)
        img[ys, xs] = img[ys, xs] * 0.3 + 0.7
    return img, float(g + rng.uniform(1, 3) * k)


# -------------------------------------------------------------------- physics

def ballistic(h0, v0, e, g, tend, vstop):
    """A body dropped at height h0 (above ground, px) with upward speed v0,
    bouncing with restitution e.  Returns (segments, contacts): segments
    (t_start, h, v) of free flight or rest (v = h = 0 after the last) and the
    exact contact times before tend.  Contact k + 1 is solved from contact k:
    h + v s - g s^2 / 2 = 0."""
    segs, contacts = [(0.0, h0, v0, True)], []
    t0, h, v = 0.0, h0, v0
    while len(contacts) < 64:
        s = (v + math.sqrt(v * v + 2.0 * g * h)) / g
        if t0 + s >= tend:
            break
        t0 += s
        contacts.append(t0)
        v = e * (g * s - v)          # impact speed g s - v, rebound e times it
        h = 0.0
        if v < vstop:
            segs.append((t0, 0.0, 0.0, False))
            break
        segs.append((t0, 0.0, v, True))
    return segs, contacts


def heights(segs, g, t):
    """Height above ground at times t of ballistic() segments."""
    ts = np.array([s[0] for s in segs])
    i = np.searchsorted(ts, t, side="right") - 1
    i = np.maximum(i, 0)
    dt = t - ts[i]
    h0 = np.array([s[1] for s in segs])[i]
    v0 = np.array([s[2] for s in segs])[i]
    fly = np.array([s[3] for s in segs])[i]
    return np.where(fly, np.maximum(0.0, h0 + v0 * dt - 0.5 * g * dt * dt), 0.0)


_HIDDEN = None


def hidden_pairs():
    """{(subject, background)} where the subject would nearly vanish: 40 %
    or more of its opaque pixels within 0.15 (max channel) of the colour the
    background has where subjects are (e.g. giraffe on orange, elephant in
    the snow sky).  Such pairs are never drawn: a caption naming a subject
    nobody can see teaches nothing.  Fixed: uses its own seeded rng."""
    global _HIDDEN
    if _HIDDEN is None:
        sp = sprites()
        rng = np.random.default_rng(0)
        cols = {}
        for b in sorted(V.BACKGROUNDS):
            cs = []
            for _ in range(8):
                img, G = background(b, rng, 64, 64)
                cs.append(np.median(img[int(G) - 20:int(G)].reshape(-1, 3), 0))
            cols[b] = np.mean(cs, 0)
        _HIDDEN = set()
        for n in sp.names:
            spr = sp.get(n, 24)
            a = spr[..., 3]
            m = a > 0.9
            c = spr[..., :3][m] / a[m][:, None]
            for b, bc in cols.items():
                if (np.abs(c - bc).max(-1) < 0.15).mean() >= 0.4:
                    _HIDDEN.add((n, b))
    return _HIDDEN


def _between(rng, lo, hi):
    """Uniform in [lo, hi]; lo when the interval is empty (float rounding)."""
    return lo + max(0.0, hi - lo) * float(rng.random())


class World:
    def __init__(self, size=64, frames=8, fps=8, distractor=False, subject_boost=None):
        """subject_boost: {subject: weight}, named subjects drawn in
        proportion to it (others weigh 1); None draws them uniformly."""
        self.subject_boost = dict(subject_boost or {})
        self.H = self.W = int(size)
        self.T = int(frames)
        self.fps = float(fps)
        self.k = size / 64.0
        self.p_distractor = 0.2 if distractor is True else float(distractor or 0.0)
        self.sp = sprites()
        self.hidden = hidden_pairs()

    # -- one subject's motion: centre, size, angle per frame, and events --

    def _motion(self, rng, name, motion, direction, s, G, keep_out=None):
        T, fps, W, H, k = self.T, self.fps, self.W, self.H, self.k
        D = T / fps
        t = np.arange(T) / fps
        g = GRAVITY * k
        inf = self.sp.info[name]
        half_w, half_h, rad = s * inf["wf"] / 2, s * inf["hf"] / 2, s * inf["rf"]
        sgn = 1.0 if direction == "right" else -1.0
        size = np.full(T, float(s))
        angle = np.zeros(T)
        contacts, foot = [], []
        speed_u = float(rng.random())
        margin = 1.0 * k
        top = half_h * 2 + 2 * k          # bottom height whose top is at y = 2k
        maxh = max(4.0 * k, G - top)

        def xrange(hw):
            lo, hi = hw + margin, W - hw - margin
            if keep_out is not None:   # a distractor stays clear of the subject
                xc, r = keep_out
                left, right = (lo, min(hi, xc - r - hw)), (max(lo, xc + r + hw), hi)
                best = max(left, right, key=lambda p: p[1] - p[0])
                if best[1] >= best[0]:
                    lo, hi = best
            return lo, max(lo, hi)

        def travel(lo_v, hi_v, hw):
            """Start and speed of a directed motion that stays in frame."""
            lo, hi = xrange(hw)
            v = (lo_v + speed_u * (hi_v - lo_v)) * k
            v = min(v, (hi - lo) / D)
            x0 = _between(rng, lo, hi - v * D)
            return (x0, v) if sgn > 0 else (lo + hi - x0, v)

        if motion in ("bounces", "falls"):
            if motion == "bounces":
                h0 = rng.uniform(0.2, 0.85) * maxh
                v0 = rng.uniform(-40, 90) * k
                e = rng.uniform(0.6, 0.85)
            else:
                h0 = rng.uniform(0.6, 1.0) * maxh
                v0 = -rng.uniform(0, 25) * k
                e = rng.uniform(0.25, 0.45)
            vmax = math.sqrt(max(0.0, 2 * g * (maxh - h0)))
            v0 = min(v0, vmax)
            segs, contacts = ballistic(h0, v0, e, g, D, math.sqrt(2 * g * 0.5 * k))
            h = heights(segs, g, t)
            lo, hi = xrange(half_w)
            vx = rng.uniform(-15, 15) * k if motion == "bounces" else 0.0
            vx = float(_clip(vx, -(hi - lo) / D, (hi - lo) / D))
            x0 = _between(rng, lo, hi - vx * D) if vx >= 0 else _between(rng, lo - vx * D, hi)
            x = x0 + vx * t
            cy = G - h - half_h
        elif motion == "jumps":
            lo, hi = xrange(half_w)
            x = np.full(T, _between(rng, lo, hi))
            h = np.zeros(T)
            tj = rng.uniform(0.05, 0.35) * min(D, 1.0)
            while tj < D:
                hj = rng.uniform(10, 30) * k
                hj = min(hj, maxh)
                v = math.sqrt(2 * g * hj)
                air = 2 * v / g
                dt = t - tj
                fly = (dt > 0) & (dt < air)
                h = np.where(fly, v * dt - 0.5 * g * dt * dt, h)
                if tj + air < D:
                    contacts.append(tj + air)
                tj += air + rng.uniform(0.15, 0.45)
            cy = G - h - half_h
        elif motion == "walks":
            x0, v = travel(14, 36, half_w)
            x = x0 + sgn * v * t
            f = rng.uniform(2.5, 4.0)
            hh = rng.uniform(1.2, 2.8) * k
            ph = rng.uniform(0, 1)
            u = (f * t + ph) % 1.0
            cy = G - 4 * hh * u * (1 - u) - half_h
            j = math.ceil(ph)
            while (j - ph) / f < D:
                if j - ph > 0:
                    foot.append((j - ph) / f)
                j += 1
        elif motion == "rolls":
            x0, v = travel(16, 44, rad)
            x = x0 + sgn * v * t
            angle = -np.degrees((x - x0) / rad)
            cy = np.full(T, G - rad)
        elif motion == "slides":
            lo, hi = xrange(half_w)
            v0 = (30 + speed_u * 50) * k
            ts = rng.uniform(0.6, 1.5) * D             # time to stop by friction
            a = v0 / ts
            dist = v0 * min(ts, D) - 0.5 * a * min(ts, D) ** 2
            if dist > hi - lo:
                v0, a = v0 * (hi - lo) / dist, a * (hi - lo) / dist
                dist = hi - lo
            x0 = _between(rng, lo, hi - dist)
            tt = np.minimum(t, ts)
            d = v0 * tt - 0.5 * a * tt * tt
            x = x0 + d if sgn > 0 else lo + hi - x0 - d
            cy = np.full(T, G - half_h)
        elif motion == "spins":
            lo, hi = xrange(rad)
            x = np.full(T, _between(rng, lo, hi))
            w = (100 + speed_u * 380) * (1 if rng.random() < 0.5 else -1)
            angle = rng.uniform(-20, 20) + w * t
            cy = np.full(T, G - rad)
        elif motion == "grows":
            s1 = min(s * rng.uniform(1.4, 1.8), 30 * k)
            size = s * (s1 / s) ** (t / max(t[-1], 1e-6))
            lo, hi = xrange(s1 * inf["wf"] / 2)
            x = np.full(T, _between(rng, lo, hi))
            cy = G - size * inf["hf"] / 2
        elif motion == "flies":
            x0, v = travel(16, 40, half_w)
            x = x0 + sgn * v * t
            A = rng.uniform(1.5, 5.0) * k
            yc = _between(rng, top / 2 + A, G - half_h - A - 6 * k)
            cy = yc + A * np.sin(2 * np.pi * rng.uniform(0.7, 2.0) * t + rng.uniform(0, 6.3))
        else:  # stands: idle sway
            lo, hi = xrange(half_w + 1)
            x = _between(rng, lo, hi) + 0.6 * k * np.sin(2 * np.pi * rng.uniform(0.4, 1.0) * t
                                                      + rng.uniform(0, 6.3))
            cy = np.full(T, G - half_h)
        return dict(x=np.asarray(x, np.float64), cy=np.asarray(cy, np.float64), size=size,
                    angle=np.asarray(angle, np.float64), contacts=contacts, foot=foot,
                    speed_u=speed_u)

    def _choose(self, rng, names, bg, still=False, p=None):
        name = str(rng.choice(names, p=p))
        motion = str(rng.choice(STILL if still else V.MOTIONS))
        if bg in ("sky", "water") and motion in ("walks", "rolls", "slides"):
            motion = "flies"
        direction = str(rng.choice(["left", "right"])) if motion in V.DIRECTED else ""
        if motion in V.DIRECTED and name not in NO_FACING:
            flip = _turned(name, direction)
        else:
            flip = bool(rng.random() < 0.5)
        s = rng.uniform(14, 26) * self.k if motion != "grows" else rng.uniform(13, 18) * self.k
        return name, motion, direction, flip, s

    def _arrays(self):
        """A clip's frames, alpha masks and subject boxes, to be drawn."""
        T, H, W = self.T, self.H, self.W
        return (np.empty((T, H, W, 3), np.uint8), np.zeros((T, H, W), np.uint8),
                np.zeros((T, 4), np.float32))

    def _draw(self, name, tr, flip, bgimg, bg8):
        """The frames, alpha masks and boxes of one subject along path tr."""
        H, W = self.H, self.W
        frames, mask, bbox = self._arrays()
        for i in range(self.T):
            frames[i] = bg8
            x0, y0, tile = self.sp.render(name, tr["size"][i], tr["x"][i], tr["cy"][i],
                                          tr["angle"][i], flip)
            # draw into a copy of the tile's region only
            fx0, fy0 = max(x0, 0), max(y0, 0)
            fx1, fy1 = min(x0 + tile.shape[1], W), min(y0 + tile.shape[0], H)
            reg = bgimg[fy0:fy1, fx0:fx1].copy()
            r = composite(reg, x0 - fx0, y0 - fy0, tile)
            if r:
                frames[i, fy0:fy1, fx0:fx1] = _clip(reg * 255 + 0.5, 0, 255).astype(np.uint8)
                _mark(mask[i], bbox[i], fx0, fy0, r[2])
        return frames, mask, bbox

    def _draw_with_distractor(self, name, tr, flip, dis, bgimg, bg8):
        """_draw() with a still distractor subject drawn behind the subject."""
        frames, mask, bbox = self._arrays()
        for i in range(self.T):
            frames[i] = bg8
            canvas = bgimg.copy()
            regions = []
            d = dis["tr"]
            x0, y0, tile = self.sp.render(dis["subject"], d["size"][i], d["x"][i], d["cy"][i],
                                          d["angle"][i], dis["flip"])
            r = composite(canvas, x0, y0, tile)
            if r:
                regions.append(r)
            x0, y0, tile = self.sp.render(name, tr["size"][i], tr["x"][i], tr["cy"][i],
                                          tr["angle"][i], flip)
            r = composite(canvas, x0, y0, tile)
            if r:
                _mark(mask[i], bbox[i], *r)
                regions.append(r)
            for fx0, fy0, a in regions:
                sl = (slice(fy0, fy0 + a.shape[0]), slice(fx0, fx0 + a.shape[1]))
                frames[i][sl] = _clip(canvas[sl] * 255 + 0.5, 0, 255).astype(np.uint8)
        return frames, mask, bbox

    def sample(self, rng, cameo=False, pair=False):
        """One clip.  pair: also the same clip with another named subject,
        drawn from rng, in the first one's place (out["pair"], see
        _pair()); the clip itself is what it is without pair for the same
        rng state.  Not with cameo subjects or a distractor."""
        H, W, T = self.H, self.W, self.T
        pair = pair and not cameo and not self.p_distractor
        names = sorted(V.CAMEO_SUBJECTS) if cameo else sorted(V.SUBJECTS)
        bg = str(rng.choice(sorted(V.BACKGROUNDS)))
        names = [n for n in names if (n, bg) not in self.hidden]
        p = None
        if self.subject_boost and not cameo:
            # named subjects drawn in proportion to their weight (default 1)
            w = np.array([self.subject_boost.get(n, 1.0) for n in names])
            p = w / w.sum()
        name, motion, direction, flip, s = self._choose(rng, names, bg, p=p)
        bgimg, G = background(bg, rng, H, W)
        tr = self._motion(rng, name, motion, direction, s, G)

        dis = None
        if self.p_distractor and rng.random() < self.p_distractor:
            others = [n for n in sorted(V.SUBJECTS) if n != name and (n, bg) not in self.hidden]
            d_name, d_motion, d_dir, d_flip, d_s = self._choose(rng, others, bg, still=True)
            xs = tr["x"]
            half = float(tr["size"].max()) * self.sp.info[name]["rf"]
            keep = ((xs.min() + xs.max()) / 2, (xs.max() - xs.min()) / 2 + half)
            d_tr = self._motion(rng, d_name, d_motion, d_dir, d_s, G, keep_out=keep)
            dis = dict(subject=d_name, motion=d_motion, direction=d_dir, flip=d_flip, tr=d_tr)

        bg8 = (_clip(bgimg, 0, 1) * 255 + 0.5).astype(np.uint8)
        if dis:
            frames, mask, bbox = self._draw_with_distractor(name, tr, flip, dis, bgimg, bg8)
        else:
            frames, mask, bbox = self._draw(name, tr, flip, bgimg, bg8)
        contacts, foot = list(tr["contacts"]), list(tr["foot"])
        if dis:
            contacts = sorted(contacts + dis["tr"]["contacts"])
            foot = sorted(foot + dis["tr"]["foot"])
        events = np.zeros((T, 2), np.float32)
        for c in contacts:
            events[min(T - 1, int(c * self.fps)), 0] = 1.0
        for c in foot:
            events[min(T - 1, int(c * self.fps)), 1] = 1.0

        state = rng.bit_generator.state if pair else None   # a fresh dict
        clause, where = self._caption(rng, "cameo" if cameo else name, motion, direction, s,
                                      tr["speed_u"], bg)
        if pair:
            others = [n for n in sorted(V.SUBJECTS) if n != name and (n, bg) not in self.hidden]
            pair = self._pair(str(rng.choice(others)), name, motion, direction, flip, tr,
                              bgimg, bg8) if others else None
        if pair:
            # the same words with the other subject's name
            fork = np.random.default_rng()
            fork.bit_generator.state = state
            clause_y, where_y = self._caption(fork, pair["subject"], motion, direction, s,
                                              tr["speed_u"], bg)
            pair["caption"] = clause_y + " " + where_y
        if dis:
            d = dis["tr"]
            clause2, _ = self._caption(rng, dis["subject"], dis["motion"], dis["direction"],
                                       float(d["size"][0]), d["speed_u"], None)
            clause = clause + " and " + clause2
        caption = clause + " " + where

        # reference image: another size, rotation and flip, centred on transparent
        rs = min(rng.uniform(20, 28), 15.0 / self.sp.info[name]["rf"])   # fits turned
        x0, y0, tile = self.sp.render(name, rs, 16.0, 16.0, rng.uniform(-25, 25),
                                      not flip if rng.random() < 0.7 else flip)
        cam = np.zeros((32, 32, 3), np.float32)
        r = composite(cam, x0, y0, tile)
        alpha = np.zeros((32, 32), np.float32)
        if r:
            fx0, fy0, a = r
            alpha[fy0:fy0 + a.shape[0], fx0:fx0 + a.shape[1]] = a
        rgb = np.where(alpha[..., None] > 1e-3, cam / np.maximum(alpha[..., None], 1e-3), 0.0)
        cameo_image = (np.concatenate([_clip(rgb, 0, 1), alpha[..., None]], -1) * 255
                       + 0.5).astype(np.uint8)

        out = dict(frames=frames, caption=caption, subject=name, background=bg, motion=motion,
                   direction=direction, cameo_image=cameo_image,
                   pos=np.stack([tr["x"], tr["cy"]], 1).astype(np.float32),
                   size=tr["size"].astype(np.float32), angle=tr["angle"].astype(np.float32),
                   bbox=bbox, mask=mask, events=events,
                   contact_times=[float(c) for c in contacts],
                   footfall_times=[float(c) for c in foot], ground=float(G), distractor=None)
        if dis:
            d = dis["tr"]
            out["distractor"] = dict(subject=dis["subject"], motion=dis["motion"],
                                     pos=np.stack([d["x"], d["cy"]], 1).astype(np.float32),
                                     size=d["size"].astype(np.float32),
                                     contact_times=[float(c) for c in d["contacts"]],
                                     footfall_times=[float(c) for c in d["foot"]])
        if pair:
            out["pair"] = pair
        return out

    def _pair(self, other, name, motion, direction, flip, tr, bgimg, bg8):
        """Subject `other` drawn along the path of `name`: same size, place
        and timing, its bottom (its rim when it rolls) where name's is, so
        that it stands, lands and rolls on the same ground.  What
        remix=from=name:to=other is asked to make of the clip."""
        a, b = self.sp.info[name], self.sp.info[other]
        lift = (a["rf"] - b["rf"] if motion == "rolls" else (a["hf"] - b["hf"]) / 2) * tr["size"]
        tr = dict(tr, cy=tr["cy"] + lift)
        if motion in V.DIRECTED and other not in NO_FACING:
            flip = _turned(other, direction)
        frames, mask, bbox = self._draw(other, tr, flip, bgimg, bg8)
        return dict(subject=other, frames=frames, mask=mask, bbox=bbox)

    def _caption(self, rng, word, motion, direction, s, speed_u, bg):
        """([article] [big|small] subject motion [fast|slowly] [[to the] left|right],
        background phrase)"""
        adj = ""
        if motion != "grows" and rng.random() < 0.6:
            if s >= 22 * self.k:
                adj = "big"
            elif s <= 17 * self.k:
                adj = "small"
        nxt = adj or word
        art = ("an" if nxt[0] in "aeiou" else "a") if rng.random() < 0.7 else "the"
        out = [art] + ([adj] if adj else []) + [word, motion]
        if motion in V.SPEEDED and rng.random() < 0.7:
            if speed_u > 0.7:
                out.append("fast")
            elif speed_u < 0.3:
                out.append("slowly")
        if direction:
            out += ["to", "the", direction] if rng.random() < 0.3 else [direction]
        where = ""
        if bg is not None:
            if rng.random() < 0.7:
                where = V.BACKGROUND_PHRASE[bg]
            else:
                vs = V.BACKGROUND_VARIANTS[bg]
                where = vs[int(rng.integers(len(vs)))]
        return " ".join(out), where


def contact_sheet(clips, path, scale=2):
    """All frames of each clip side by side, its caption under the row."""
    T, H, W, _ = clips[0]["frames"].shape
    cap_h = 14
    rows = len(clips)
    sheet = Image.new("RGB", (T * W * scale + (T - 1) * 2, rows * (H * scale + cap_h)),
                      (255, 255, 255))
    d = ImageDraw.Draw(sheet)
    for r, c in enumerate(clips):
        y = r * (H * scale + cap_h)
        for i, f in enumerate(c["frames"]):
            im = Image.fromarray(np.ascontiguousarray(f)).resize((W * scale, H * scale),
                                                                   Image.NEAREST)
            sheet.paste(im, (i * (W * scale + 2), y))
        d.text((2, y + H * scale + 1), c["caption"], fill=(0, 0, 0))
    sheet.save(path)


def bench(n=600, size=64, frames=8, seed=0):
    import time
    w = World(size=size, frames=frames)
    rng = np.random.default_rng(seed)
    for _ in range(50):
        w.sample(rng)
    t0 = time.perf_counter()
    for i in range(n):
        w.sample(rng, cameo=(i % 4 == 3))
    dt = time.perf_counter() - t0
    return n / dt


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--bench":
        print("%.0f clips/s (64x64, 8 frames, one thread, 25 %% cameo)" % bench())
        sys.exit(0)
    path = sys.argv[1] if len(sys.argv) > 1 else "world.png"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    w = World()
    rng = np.random.default_rng(seed)
    clips = [w.sample(rng, cameo=(i % 6 == 5)) for i in range(n)]
    contact_sheet(clips, path)
    print(path)
