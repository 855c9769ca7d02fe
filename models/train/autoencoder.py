"""Autoencoder: 64x64 RGB frames <-> 16x16x4 latents, one frame at a time.

Why: the pixel-space denoiser cuts a frame into 8x8 patches and draws each
patch's 192 pixel values with a linear head from its token.  After 17
CPU-hours it draws subjects as blobs in the right colours (models/soragen.md,
"How well it does"); the shape is what it lacks.  A latent denoiser over
this autoencoder's 2x2 latent patches keeps the same token grid (one token
per 8x8 pixels, 64 tokens a frame) but predicts 16 values a token, and a
non-linear convolutional decoder draws the sharp edges.

Encoder (stride 4):
  conv3x3 3->C1 @64, res(C1), conv3x3/2 C1->C2 @32, res(C2),
  conv3x3/2 C2->C2 @16, res(C2), GN, SiLU, conv3x3 C2->4
Decoder:
  conv3x3 4->C2 @16, res(C2), res(C2), up2 (nearest) + conv3x3 C2->C2 @32,
  res(C2), up2 + conv3x3 C2->C1 @64, res(C1), GN, SiLU, conv3x3 C1->3
res(C): x + conv3x3(SiLU(GN(conv3x3(SiLU(GN(x)))))), GN with 8 groups.

Latents are stored scaled: z = (encoder(x) - shift) * scale per channel,
shift/scale measured on world frames after training so that the denoiser
sees roughly unit-variance latents (metadata `latent_shift`,
`latent_scale`).  Training adds Gaussian noise to the latents it decodes
so that the decoder tolerates the small errors a denoiser leaves.

Mirrors libavfilter/diffusion/autoencoder.c (to come: the C engine does
not load this model yet).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

LATENT_CH = 4
STRIDE = 4
GROUPS = 8


class ResBlock(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.n1 = nn.GroupNorm(GROUPS, ch)
        self.c1 = nn.Conv2d(ch, ch, 3, padding=1)
        self.n2 = nn.GroupNorm(GROUPS, ch)
        self.c2 = nn.Conv2d(ch, ch, 3, padding=1)

    def forward(self, x):
        h = self.c1(F.silu(self.n1(x)))
        return x + self.c2(F.silu(self.n2(h)))


class Encoder(nn.Module):
    def __init__(self, c1=32, c2=64):
        super().__init__()
        self.conv_in = nn.Conv2d(3, c1, 3, padding=1)
        self.res1 = ResBlock(c1)
        self.down1 = nn.Conv2d(c1, c2, 3, stride=2, padding=1)
        self.res2 = ResBlock(c2)
        self.down2 = nn.Conv2d(c2, c2, 3, stride=2, padding=1)
        self.res3 = ResBlock(c2)
        self.norm_out = nn.GroupNorm(GROUPS, c2)
        self.conv_out = nn.Conv2d(c2, LATENT_CH, 3, padding=1)

    def forward(self, x):
        h = self.res1(self.conv_in(x))
        h = self.res2(self.down1(h))
        h = self.res3(self.down2(h))
        return self.conv_out(F.silu(self.norm_out(h)))


class Decoder(nn.Module):
    def __init__(self, c1=32, c2=64):
        super().__init__()
        self.conv_in = nn.Conv2d(LATENT_CH, c2, 3, padding=1)
        self.res1 = ResBlock(c2)
        self.res2 = ResBlock(c2)
        self.up1 = nn.Conv2d(c2, c2, 3, padding=1)
        self.res3 = ResBlock(c2)
        self.up2 = nn.Conv2d(c2, c1, 3, padding=1)
        self.res4 = ResBlock(c1)
        self.norm_out = nn.GroupNorm(GROUPS, c1)
        self.conv_out = nn.Conv2d(c1, 3, 3, padding=1)

    def forward(self, z):
        h = self.res2(self.res1(self.conv_in(z)))
        h = self.res3(self.up1(F.interpolate(h, scale_factor=2, mode="nearest")))
        h = self.res4(self.up2(F.interpolate(h, scale_factor=2, mode="nearest")))
        return self.conv_out(F.silu(self.norm_out(h)))


class Autoencoder(nn.Module):
    def __init__(self, c1=32, c2=64):
        super().__init__()
        self.config = dict(c1=c1, c2=c2, latent_ch=LATENT_CH, stride=STRIDE)
        self.enc = Encoder(c1, c2)
        self.dec = Decoder(c1, c2)
        self.register_buffer("shift", torch.zeros(LATENT_CH))
        self.register_buffer("scale", torch.ones(LATENT_CH))

    def encode(self, x):
        """x [N, 3, H, W] in [-1, 1] -> scaled latents [N, 4, H/4, W/4]."""
        z = self.enc(x)
        return (z - self.shift[:, None, None]) * self.scale[:, None, None]

    def decode(self, z):
        """scaled latents -> [N, 3, H, W] (not clamped)."""
        z = z / self.scale[:, None, None] + self.shift[:, None, None]
        return self.dec(z)
