"""Pixel refiner of the denoiser (mirrors libavfilter/diffusion/refiner.c).

The denoiser's head draws x0 as linear maps of 8x8 tokens: a subject of
12-16 px covers about 2x2 of them, so its outline is drawn by four linear
maps that each see only their token and its neighbours, and at low noise
the head loses detail that x_t still shows (session 10: on the subject's
pixels at t = 0.05 the shipped model's x0 error is 0.0095, x_t's own about
0.003).  The refiner adds a correction computed on pixels, frame by frame:

  f  = unpatchify(feat(y))                        FEAT channels per pixel
  h1 = silu(conv1([x0_head, x_t, f]) + time(silu(temb)))
  h2 = silu(conv2(h1))
  x0 = x0_head + conv3(h2)                        3 channels

y is the denoiser's final normalised tokens, silu(temb) the time embedding
the denoiser's modulation also uses; the convolutions are 3x3 with zero
padding at the frame's border (weights [out][in][3][3]).  conv3 starts at
zero, so a model trained without the refiner continues unchanged.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

FEAT = 8   # token features handed to the refiner, per pixel


class Refiner(nn.Module):
    def __init__(self, dim, patch, channels):
        super().__init__()
        self.patch, self.channels = patch, channels
        self.feat = nn.Linear(dim, FEAT * patch * patch)
        self.time = nn.Linear(dim, channels)
        self.conv1 = nn.Conv2d(6 + FEAT, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv3 = nn.Conv2d(channels, 3, 3, padding=1)
        nn.init.zeros_(self.conv3.weight)
        nn.init.zeros_(self.conv3.bias)

    def forward(self, x0, xt, y, st):
        """x0, xt [B, T, 3, H, W]; y [B, T*(H/p)*(W/p), dim]; st [B, dim]
        -> the correction to add to x0, [B, T, 3, H, W]."""
        B, T, _, H, W = x0.shape
        p, R = self.patch, self.channels
        # a token's features are ordered (channel, row, column), as the head's pixels
        f = self.feat(y).reshape(B, T, H // p, W // p, FEAT, p, p)
        f = f.permute(0, 1, 4, 2, 5, 3, 6).reshape(B, T, FEAT, H, W)
        inp = torch.cat([x0, xt.to(x0.dtype), f], 2).reshape(B * T, 6 + FEAT, H, W)
        bias = self.time(st)[:, None].expand(B, T, R).reshape(B * T, R, 1, 1)
        h = F.silu(self.conv1(inp) + bias)
        h = F.silu(self.conv2(h))
        return self.conv3(h).view(B, T, 3, H, W)
