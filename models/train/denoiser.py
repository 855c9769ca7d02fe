"""Denoiser: a space-time transformer over patchified pixels.

Mirrors libavfilter/diffusion/denoiser.c module by module.

Clip layout: T frames of HxW RGB in [-1, 1].  Each frame is cut into
(H/p)x(W/p) patches of p x p pixels; token order is (frame, patch row,
patch column) and a patch's features are ordered (channel, row, column).

Input per pixel: noisy clip x_t (3), context clip (3), context mask (1,
1 = pixel is known).  The context carries continuation frames, a first frame,
or everything outside a remix region.

Conditioning:
  - time t in [0, 1] (t = 1 is pure noise): sinusoidal embedding -> MLP ->
    one global projection to 9*D modulation values (adaLN-single), to which
    each block adds its own learned table;
  - cross-attention context: the text encoder's valid tokens followed, when
    a cameo is given, by 16 tokens of the 32x32 RGBA reference image.

Block (pre-norm, LayerNorm without affine, modulated):
  x += g1 * spatial_attn(mod(LN x, s1, b1))     attention within a frame
  x += g2 * temporal_attn(mod(LN x, s2, b2))    attention across frames
  x += cross_attn(LN x, context)
  x += g3 * mlp(mod(LN x, s3, b3))
mod(y, s, b) = y * (1 + s) + b.  The 9*D vector is ordered
(b1, s1, g1, b2, s2, g2, b3, s3, g3).

Outputs: the clean clip x0 (3 channels per pixel, through the unpatchify of
a final modulated LN + linear) and per-frame event logits (contact,
footfall) from the frame-mean of the final normalised tokens.

Head: with head_kernel 1 a patch's pixels come from its own token alone,
so neighbouring patches disagree along their seams and a subject's patches
carry a tinted 8x8 halo.  With head_kernel 3 a second linear layer
(head_nb) adds the contribution of the 8 neighbouring tokens of the same
frame (zero beyond the border), concatenated in the order (dy, dx) =
(-1,-1), (-1,0), (-1,1), (0,-1), (0,1), (1,-1), (1,0), (1,1): a 3x3
convolution over the token grid whose centre tap is `head`.  head_nb
starts at zero, so a model trained with head_kernel 1 continues unchanged.

Pixel refiner (refine = R > 0 channels; 0: none): refiner.py.

Latent models (channels = 4, model.py's `ae_c1`/`ae_c2` set): the clip is
the autoencoder's latents (autoencoder.py), H = W = size (16), patch 2, so
a token still covers 8x8 pixels; everything above holds with 3 replaced
by the channel count.  The cameo image keeps its own patch size
(cameo_patch, 8: 16 tokens of the 32x32 RGBA picture).
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

from text_encoder import attention, MLP
from refiner import Refiner

IN_CH = 7      # pixels: x_t (3) + context (3) + context mask (1); latents: 2 C + 1
CAMEO_CH = 4   # RGBA, premultiplied RGB
CAMEO_SIZE = 32
N_EVENTS = 2   # contact, footfall
TEMB_DIM = 256


def timestep_embedding(t, dim=TEMB_DIM):
    """t [B] in [0, 1] -> [B, dim]: (cos, sin) of 1000 t * 10000^(-i/(dim/2))."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    a = (1000.0 * t.float())[:, None] * freqs[None]
    return torch.cat([torch.cos(a), torch.sin(a)], dim=-1)


def patchify(x, p):
    """[B, T, C, H, W] -> [B, T*(H/p)*(W/p), C*p*p]"""
    B, T, C, H, W = x.shape
    x = x.reshape(B, T, C, H // p, p, W // p, p)
    x = x.permute(0, 1, 3, 5, 2, 4, 6)
    return x.reshape(B, T * (H // p) * (W // p), C * p * p)


def unpatchify(x, T, C, H, W, p):
    B = x.shape[0]
    x = x.reshape(B, T, H // p, W // p, C, p, p)
    x = x.permute(0, 1, 4, 2, 5, 3, 6)
    return x.reshape(B, T, C, H, W)


NEIGHBOURS = ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1))


def neighbour_tokens(y, T, n):
    """y [B, T*n*n, D] -> [B, T*n*n, 8*D]: each token's 8 neighbours in its
    frame's n x n grid (NEIGHBOURS order), zero beyond the border."""
    B, N, D = y.shape
    g = F.pad(y.reshape(B * T, n, n, D), (0, 0, 1, 1, 1, 1))
    parts = [g[:, 1 + dy:1 + dy + n, 1 + dx:1 + dx + n] for dy, dx in NEIGHBOURS]
    return torch.cat(parts, -1).reshape(B, N, 8 * D)


def layer_norm(x):
    return F.layer_norm(x, x.shape[-1:], eps=1e-6)


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.mod = nn.Parameter(torch.zeros(9 * dim))
        self.s_qkv = nn.Linear(dim, 3 * dim)
        self.s_out = nn.Linear(dim, dim)
        self.t_qkv = nn.Linear(dim, 3 * dim)
        self.t_out = nn.Linear(dim, dim)
        self.x_q = nn.Linear(dim, dim)
        self.x_kv = nn.Linear(dim, 2 * dim)
        self.x_out = nn.Linear(dim, dim)
        self.mlp = MLP(dim, 4 * dim)

    def forward(self, x, mod, ctx, ctx_mask, T, S):
        B, N, D = x.shape
        m = (mod + self.mod[None]).view(B, 9, 1, D)
        b1, s1, g1, b2, s2, g2, b3, s3, g3 = m.unbind(1)

        # spatial attention: sequences of S tokens, one per frame
        y = layer_norm(x) * (1 + s1) + b1
        q, k, v = self.s_qkv(y).view(B * T, S, 3 * D).chunk(3, dim=-1)
        y = attention(q, k, v, self.heads).view(B, N, D)
        x = x + g1 * self.s_out(y)

        # temporal attention: sequences of T tokens, one per patch position
        y = layer_norm(x) * (1 + s2) + b2
        y = self.t_qkv(y).view(B, T, S, 3 * D).transpose(1, 2).reshape(B * S, T, 3 * D)
        q, k, v = y.chunk(3, dim=-1)
        y = attention(q, k, v, self.heads).view(B, S, T, D).transpose(1, 2).reshape(B, N, D)
        x = x + g2 * self.t_out(y)

        # cross-attention to caption (+ cameo) tokens
        q = self.x_q(layer_norm(x))
        k, v = self.x_kv(ctx).chunk(2, dim=-1)
        x = x + self.x_out(attention(q, k, v, self.heads, ctx_mask))

        y = layer_norm(x) * (1 + s3) + b3
        return x + g3 * self.mlp(y)


class Denoiser(nn.Module):
    def __init__(self, dim, heads, depth, frames, size, patch, head_kernel=1, refine=0,
                 channels=3, cameo_patch=0):
        super().__init__()
        assert head_kernel in (1, 3)
        assert refine >= 0 and (refine == 0 or channels == 3)
        cameo_patch = cameo_patch or patch
        self.channels, self.cameo_patch = channels, cameo_patch
        self.head_kernel = head_kernel
        self.refine = refine
        self.dim, self.heads, self.depth = dim, heads, depth
        self.frames, self.size, self.patch = frames, size, patch
        self.S = (size // patch) ** 2
        self.patch_in = nn.Linear((2 * channels + 1) * patch * patch, dim)
        self.pos_s = nn.Parameter(torch.randn(self.S, dim) * 0.02)
        self.pos_t = nn.Parameter(torch.randn(frames, dim) * 0.02)
        cp = (CAMEO_SIZE // cameo_patch) ** 2
        self.cameo_in = nn.Linear(CAMEO_CH * cameo_patch * cameo_patch, dim)
        self.cameo_pos = nn.Parameter(torch.randn(cp, dim) * 0.02)
        self.t_fc1 = nn.Linear(TEMB_DIM, dim)
        self.t_fc2 = nn.Linear(dim, dim)
        self.mod = nn.Linear(dim, 9 * dim)
        self.final_mod = nn.Linear(dim, 2 * dim)
        self.blocks = nn.ModuleList([Block(dim, heads) for _ in range(depth)])
        self.head = nn.Linear(dim, channels * patch * patch)
        self.events = nn.Linear(dim, N_EVENTS)
        zero = [self.mod, self.final_mod, self.head]
        if head_kernel == 3:
            self.head_nb = nn.Linear(8 * dim, channels * patch * patch)
            zero.append(self.head_nb)
        if refine:
            self.refiner = Refiner(dim, patch, refine)
        for n in zero:
            nn.init.zeros_(n.weight)
            nn.init.zeros_(n.bias)
        with torch.no_grad():
            # gates start at zero (adaLN-zero): blocks begin as identity
            for b in self.blocks:
                b.mod.zero_()

    def context(self, text, text_mask, cameo):
        """text [B, L, D] + mask; cameo [B, 4, 32, 32] or None -> ctx, mask."""
        if cameo is None:
            return text, text_mask
        B = text.shape[0]
        c = patchify(cameo[:, None], self.cameo_patch)[:, :]
        c = self.cameo_in(c) + self.cameo_pos
        ones = torch.ones(B, c.shape[1], dtype=torch.bool, device=text.device)
        return torch.cat([text, c], 1), torch.cat([text_mask, ones], 1)

    def forward(self, xt, t, ctx_clip, ctx_mask_px, text, text_mask, cameo=None, cameo_on=None):
        """xt, ctx_clip [B, T, C, H, W]; ctx_mask_px [B, T, 1, H, W]; t [B].
        cameo_on [B] bool masks cameo tokens of samples without a cameo."""
        B, T, _, H, W = xt.shape
        y, st = self.trunk(xt, t, ctx_clip, ctx_mask_px, text, text_mask, cameo, cameo_on)
        p, D = self.patch, self.dim
        out = self.head(y)
        if self.head_kernel == 3:
            out = out + self.head_nb(neighbour_tokens(y, T, H // p))
        x0 = unpatchify(out, T, self.channels, H, W, p)
        if self.refine:
            x0 = x0 + self.refiner(x0, xt, y, st)
        ev = self.events(y.view(B, T, self.S, D).mean(2))
        return x0, ev

    def trunk(self, xt, t, ctx_clip, ctx_mask_px, text, text_mask, cameo=None, cameo_on=None):
        """Everything before the head: the final modulated, normalised tokens
        y [B, T*S, D] and the time features st [B, D]."""
        B, T, _, H, W = xt.shape
        p, S, D = self.patch, self.S, self.dim
        inp = torch.cat([xt, ctx_clip, ctx_mask_px], dim=2)
        x = self.patch_in(patchify(inp, p))
        x = (x.view(B, T, S, D) + self.pos_s[None, None] + self.pos_t[None, :T, None]).view(B, T * S, D)

        temb = self.t_fc2(F.silu(self.t_fc1(timestep_embedding(t))))
        st = F.silu(temb)
        mod = self.mod(st)
        ctx, cmask = self.context(text, text_mask, cameo)
        if cameo is not None and cameo_on is not None:
            cmask = cmask.clone()
            cmask[:, text.shape[1]:] &= cameo_on[:, None]
        for blk in self.blocks:
            x = blk(x, mod, ctx, cmask, T, S)

        fb, fs = self.final_mod(st).view(B, 2, 1, D).unbind(1)
        return layer_norm(x) * (1 + fs) + fb, st
