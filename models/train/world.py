"""The synthetic world the default model learns: emoji subjects moving by
simple physics over procedural backgrounds, with exact ground truth.

    /usr/bin/python3 models/train/world.py sheet.png     # contact sheet of 12 clips

World(size=64, frames=8, fps=8).sample(rng, cameo=False) returns a dict:
  frames        uint8 [T, H, W, 3]
  caption       str, every word in vocab.VOCAB ("cameo" names a cameo subject)
  subject, background, motion, direction   the caption's parts
  cameo_image   uint8 [32, 32, 4] RGBA reference image of the subject
  pos           float32 [T, 2] subject centre (x, y) in pixels at each frame instant
  size          float32 [T] sprite size in pixels
  bbox          float32 [T, 4] x0, y0, x1, y1 of the drawn sprite
  mask          uint8 [T, H, W] subject alpha
  events        float32 [T, 2] (contact, footfall) during [t/fps, (t+1)/fps)
  contact_times, footfall_times   exact event times in seconds (analytic)
Frame t shows the world at time t/fps.  Units: pixels and seconds; gravity is
GRAVITY px/s^2 at size 64 (scaled with size).
"""
import os
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vocab as V

FONT = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"
GRAVITY = 420.0
MIN_SPRITE, MAX_SPRITE = 10, 30


def _render_emoji(ch):
    font = ImageFont.truetype(FONT, 109)
    im = Image.new("RGBA", (180, 180), (0, 0, 0, 0))
    ImageDraw.Draw(im).text((20, 20), ch, font=font, embedded_color=True)
    box = im.getbbox()
    if box is None:
        raise RuntimeError("emoji %r did not render" % ch)
    im = im.crop(box)
    s = max(im.size)
    sq = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    sq.paste(im, ((s - im.size[0]) // 2, (s - im.size[1]) // 2))
    return sq


def _premultiplied(im):
    a = np.asarray(im, dtype=np.float32) / 255.0
    a[..., :3] *= a[..., 3:4]
    return a


class Sprites:
    """Every subject at every integer size, premultiplied RGBA float32."""

    def __init__(self):
        self.base = {}
        for name, ch in list(V.SUBJECTS.items()) + list(V.CAMEO_SUBJECTS.items()):
            self.base[name] = _render_emoji(ch)
        self.cache = {}

    def get(self, name, size, angle=0.0, flip=False):
        key = (name, size, flip, int(round(angle / 10.0)) % 36 if angle else 0)
        im = self.cache.get(key)
        if im is None:
            src = self.base[name]
            if flip:
                src = src.transpose(Image.FLIP_LEFT_RIGHT)
            if key[3]:
                src = src.rotate(key[3] * 10.0, resample=Image.BICUBIC)
            # Pillow resamples RGBA with premultiplied alpha and returns
            # straight alpha: premultiply its result for compositing
            small = src.resize((size, size), Image.LANCZOS)
            im = _premultiplied(small)
            self.cache[key] = im
        return im


_SPRITES = None


def sprites():
    global _SPRITES
    if _SPRITES is None:
        _SPRITES = Sprites()
    return _SPRITES


def _blit(canvas, spr, cx, cy):
    """Composite premultiplied sprite centred at float (cx, cy); returns alpha map."""
    H, W, _ = canvas.shape
    s = spr.shape[0]
    x0f, y0f = cx - s / 2.0, cy - s / 2.0
    ix, iy = int(np.floor(x0f)), int(np.floor(y0f))
    fx, fy = x0f - ix, y0f - iy
    # bilinear sub-pixel shift into an (s+1)^2 tile
    t = np.zeros((s + 1, s + 1, 4), np.float32)
    t[:s, :s] += spr * ((1 - fx) * (1 - fy))
    t[:s, 1:] += spr * (fx * (1 - fy))
    t[1:, :s] += spr * ((1 - fx) * fy)
    t[1:, 1:] += spr * (fx * fy)
    xa, ya = max(ix, 0), max(iy, 0)
    xb, yb = min(ix + s + 1, W), min(iy + s + 1, H)
    alpha = np.zeros((H, W), np.float32)
    if xa >= xb or ya >= yb:
        return alpha
    tt = t[ya - iy:yb - iy, xa - ix:xb - ix]
    a = tt[..., 3:4]
    canvas[ya:yb, xa:xb] = canvas[ya:yb, xa:xb] * (1 - a) + tt[..., :3]
    alpha[ya:yb, xa:xb] = a[..., 0]
    return alpha


def background(kind_word, rng, H, W):
    kind, p = V.BACKGROUNDS[kind_word]
    yy = np.linspace(0, 1, H, dtype=np.float32)[:, None, None]
    if kind == "solid":
        img = np.empty((H, W, 3), np.float32)
        img[:] = np.array(p, np.float32) / 255.0
        img += rng.normal(0, 0.015, (H, W, 1)).astype(np.float32)
        ground = 0.86 * H
    elif kind == "ground":
        sky, gr = (np.array(c, np.float32) / 255.0 for c in p)
        ground = rng.uniform(0.74, 0.84) * H
        img = np.empty((H, W, 3), np.float32)
        img[:] = sky * (0.85 + 0.15 * yy)
        g = int(ground) - 2
        tex = rng.normal(0, 0.06, (H - g, W, 1)).astype(np.float32)
        img[g:] = gr * (1.0 + tex)
        if kind_word == "grass":
            for _ in range(W // 3):
                x = rng.integers(0, W)
                h = rng.integers(2, 5)
                img[g - h + 2:g + 2, x] = gr * 0.75
    elif kind == "sky":
        top, bot = (np.array(c, np.float32) / 255.0 for c in p)
        img = np.broadcast_to(top + (bot - top) * yy, (H, W, 3)).copy()
        for _ in range(rng.integers(1, 4)):
            cx, cy = rng.uniform(0, W), rng.uniform(0.1, 0.6) * H
            rx, ry = rng.uniform(6, 14) * W / 64, rng.uniform(3, 6) * H / 64
            xx = np.arange(W)[None, :]
            d = ((xx - cx) / rx) ** 2 + ((np.arange(H)[:, None] - cy) / ry) ** 2
            a = np.clip(1.5 - d, 0, 1)[..., None] * 0.8
            img = img * (1 - a) + a * 0.97
        ground = 0.86 * H
    elif kind == "night":
        top, bot = (np.array(c, np.float32) / 255.0 for c in p)
        img = np.broadcast_to(top + (bot - top) * yy, (H, W, 3)).copy()
        n = rng.integers(8, 20)
        ys, xs = rng.integers(0, int(0.7 * H), n), rng.integers(0, W, n)
        img[ys, xs] = rng.uniform(0.7, 1.0, (n, 1))
        ground = 0.86 * H
    else:  # water
        top, bot = (np.array(c, np.float32) / 255.0 for c in p)
        img = np.broadcast_to(top + (bot - top) * yy, (H, W, 3)).copy()
        ph = rng.uniform(0, 2 * np.pi)
        xx = np.arange(W)[None, :]
        wave = np.sin(xx * 0.4 + ph + np.arange(H)[:, None] * 0.9) > 0.85
        img[wave] = img[wave] * 0.7 + 0.3
        ground = 0.86 * H
    return np.clip(img, 0, 1), float(ground)


class World:
    def __init__(self, size=64, frames=8, fps=8):
        self.H = self.W = size
        self.T = frames
        self.fps = fps
        self.k = size / 64.0
        sprites()

    # --- motions: each returns per-frame (x, y_bottom, size, angle) and events ---

    def _ballistic(self, rng, t, ground, y0, vy0, e, x0, vx):
        """Bouncing body: bottom height above ground, exact contact times."""
        g = GRAVITY * self.k
        # height h (px above ground), velocity up positive
        h, v, t0 = y0, vy0, 0.0
        segs, contacts = [], []
        tend = t[-1] + 1.0 / self.fps
        while t0 < tend and len(segs) < 50:
            # time to hit h = 0: h + v s - g s^2 / 2 = 0
            s = (v + np.sqrt(v * v + 2 * g * h)) / g
            segs.append((t0, h, v))
            t0 += s
            contacts.append(t0)
            v = e * (g * s - v)
            h = 0.0
            if v < 8 * self.k:
                segs.append((t0, 0.0, 0.0))
                break
        hs = np.empty_like(t)
        for i, ti in enumerate(t):
            for (ts, hh, vv) in reversed(segs):
                if ti >= ts:
                    dt = ti - ts
                    hs[i] = max(0.0, hh + vv * dt - 0.5 * g * dt * dt) if (vv or hh) else 0.0
                    break
        xs = x0 + vx * t
        return xs, ground - hs, [c for c in contacts if c < tend]

    def _motion(self, motion, rng, ground, size, direction):
        T, fps, W, k = self.T, self.fps, self.W, self.k
        t = np.arange(T) / fps
        sgn = 1.0 if direction == "right" else -1.0
        size_t = np.full(T, float(size))
        angle = np.zeros(T)
        contacts, foot = [], []
        half = size / 2.0
        xmid = rng.uniform(0.3, 0.7) * W
        if motion == "bounces":
            x, yb, contacts = self._ballistic(rng, t, ground, rng.uniform(8, 30) * k,
                                              rng.uniform(-20, 60) * k, rng.uniform(0.65, 0.85),
                                              xmid, rng.uniform(-12, 12) * k)
        elif motion == "falls":
            x, yb, contacts = self._ballistic(rng, t, ground, rng.uniform(25, 40) * k, 0.0,
                                              rng.uniform(0.2, 0.4), xmid, 0.0)
        elif motion == "jumps":
            # stands, then one jump starting at a random time
            tj = rng.uniform(0.0, 0.4)
            vy = rng.uniform(90, 130) * k
            g = GRAVITY * k
            air = 2 * vy / g
            tt = np.clip(t - tj, 0, air)
            h = np.where((t > tj) & (t < tj + air), vy * tt - 0.5 * g * tt * tt, 0.0)
            x = xmid + np.zeros(T)
            yb = ground - h
            contacts = [tj + air] if tj + air < T / fps else []
        elif motion == "walks":
            speed = rng.uniform(14, 24) * k * sgn
            fstep = rng.uniform(3.0, 4.5)
            ph = rng.uniform(0, 1)
            x = xmid - speed * T / fps / 2 + speed * t
            hop = 2.5 * k * np.abs(np.sin(np.pi * (fstep * t + ph)))
            yb = ground - hop
            n0 = int(np.ceil(ph))
            foot = [(j - ph) / fstep for j in range(n0, n0 + 20)
                    if 0 <= (j - ph) / fstep < T / fps]
        elif motion == "rolls":
            speed = rng.uniform(16, 30) * k * sgn
            x = xmid - speed * T / fps / 2 + speed * t
            yb = np.full(T, ground)
            angle = -np.degrees(speed * t / half)
        elif motion == "slides":
            v0 = rng.uniform(30, 45) * k
            a = rng.uniform(25, 40) * k
            ts = np.minimum(t, v0 / a)
            d = v0 * ts - 0.5 * a * ts * ts
            x = xmid - sgn * v0 * v0 / (4 * a) + sgn * d
            yb = np.full(T, ground)
        elif motion == "spins":
            w = rng.choice([-1, 1]) * rng.uniform(180, 360)
            x = xmid + np.zeros(T)
            yb = np.full(T, ground - rng.uniform(0, 10) * k)
            angle = w * t
        elif motion == "grows":
            s1 = min(size * rng.uniform(1.5, 1.9), MAX_SPRITE * k)
            size_t = size + (s1 - size) * t / t[-1]
            x = xmid + np.zeros(T)
            yb = np.full(T, ground)
        elif motion == "flies":
            speed = rng.uniform(14, 26) * k * sgn
            x = xmid - speed * T / fps / 2 + speed * t
            y0 = rng.uniform(0.25, 0.5) * self.H
            yb = y0 + half + 5 * k * np.sin(2 * np.pi * rng.uniform(1.0, 2.0) * t + rng.uniform(0, 6))
        else:  # stands
            x = xmid + np.zeros(T)
            size_t = size * (1 + 0.04 * np.sin(2 * np.pi * 1.5 * t + rng.uniform(0, 6)))
            yb = np.full(T, ground)
        return x, yb, size_t, angle, contacts, foot

    def sample(self, rng, cameo=False):
        H, W, T, fps = self.H, self.W, self.T, self.fps
        if cameo:
            subject = rng.choice(sorted(V.CAMEO_SUBJECTS))
        else:
            subject = rng.choice(sorted(V.SUBJECTS))
        bg = rng.choice(sorted(V.BACKGROUNDS))
        motion = rng.choice(V.MOTIONS)
        if bg in ("sky", "water") and motion in ("walks", "rolls", "slides"):
            motion = "flies"
        direction = rng.choice(["left", "right"]) if motion in V.DIRECTED else ""
        size = int(rng.integers(14, 25) * self.k)
        img, ground = background(bg, rng, H, W)
        x, yb, size_t, angle, contacts, foot = self._motion(motion, rng, ground, size, direction)
        flip = direction == "right"

        frames = np.empty((T, H, W, 3), np.uint8)
        mask = np.empty((T, H, W), np.uint8)
        pos = np.zeros((T, 2), np.float32)
        bbox = np.zeros((T, 4), np.float32)
        for i in range(T):
            s = int(round(size_t[i]))
            s = max(MIN_SPRITE, min(s, int(MAX_SPRITE * self.k)))
            spr = sprites().get(subject, s, angle[i], flip)
            cx, cy = x[i], yb[i] - s / 2.0
            canvas = img.copy()
            a = _blit(canvas, spr, cx, cy)
            frames[i] = (np.clip(canvas, 0, 1) * 255 + 0.5).astype(np.uint8)
            mask[i] = (a * 255 + 0.5).astype(np.uint8)
            pos[i] = (cx, cy)
            bbox[i] = (cx - s / 2, cy - s / 2, cx + s / 2, cy + s / 2)

        events = np.zeros((T, 2), np.float32)
        for c in contacts:
            events[min(T - 1, int(c * fps)), 0] = 1.0
        for c in foot:
            events[min(T - 1, int(c * fps)), 1] = 1.0

        words = ["cameo" if cameo else subject, motion]
        art = rng.choice(["a", "the"])
        cap = [art] + words
        if direction:
            cap.append(direction)
        cap.append(V.BACKGROUND_PHRASE[bg])
        caption = " ".join(w for w in cap if w)

        # reference image: another size and orientation, centred on transparent
        rs = int(rng.integers(24, 31))
        ref = sprites().get(subject, rs, 0.0, bool(rng.random() < 0.5))
        cam = np.zeros((32, 32, 4), np.float32)
        o = (32 - rs) // 2
        cam[o:o + rs, o:o + rs] = ref
        rgb = np.where(cam[..., 3:4] > 1e-4, cam[..., :3] / np.maximum(cam[..., 3:4], 1e-4), 0)
        cameo_image = (np.concatenate([rgb, cam[..., 3:4]], -1) * 255 + 0.5).clip(0, 255).astype(np.uint8)

        return dict(frames=frames, caption=caption, subject=subject, background=bg,
                    motion=motion, direction=direction, cameo_image=cameo_image,
                    pos=pos, size=size_t.astype(np.float32), bbox=bbox, mask=mask,
                    events=events, contact_times=[float(c) for c in contacts],
                    footfall_times=[float(c) for c in foot])


def contact_sheet(clips, path, scale=2):
    T, H, W, _ = clips[0]["frames"].shape
    rows = []
    for c in clips:
        row = np.concatenate(list(c["frames"]), axis=1)
        rows.append(row)
    sheet = np.concatenate(rows, axis=0)
    im = Image.fromarray(sheet).resize((sheet.shape[1] * scale, sheet.shape[0] * scale),
                                       Image.NEAREST)
    pad = 260
    out = Image.new("RGB", (im.size[0] + pad, im.size[1]), (255, 255, 255))
    out.paste(im, (pad, 0))
    d = ImageDraw.Draw(out)
    for i, c in enumerate(clips):
        d.text((4, i * H * scale + H * scale // 2 - 6), c["caption"][:42], fill=(0, 0, 0))
    out.save(path)


if __name__ == "__main__":
    import time
    w = World()
    rng = np.random.default_rng(0)
    t = time.time()
    n = 200
    for _ in range(n):
        w.sample(rng)
    print("%.0f clips/s" % (n / (time.time() - t)))
    rng = np.random.default_rng(1)
    clips = [w.sample(rng, cameo=(i % 6 == 5)) for i in range(12)]
    contact_sheet(clips, sys.argv[1] if len(sys.argv) > 1 else "world.png")
