"""The whole soragen model: text encoder + denoiser, its hyperparameters and
its safetensors file format (mirrors libavfilter/diffusion/model.c).

File format (see doc/model-format.md): safetensors, tensors named as the
PyTorch state_dict ("text.*", "den.*"), architecture in __metadata__:
  format=soragen-1, dim, heads, depth, text_layers, text_heads, max_tokens,
  frames, size, patch, fps, head_kernel (1 or 3; 1 when absent: see
  denoiser.py), refine (pixel refiner channels; 0 when absent),
  channels, cameo_patch, ae_c1, ae_c2 (a latent model: see autoencoder.py;
  absent in pixel models), prediction=x0, vocab (the words, in id order,
  separated by single spaces; words never contain spaces), gravity (of the
  training world, px/s^2 at `size`; optional for readers).
"""
import json
import struct

import numpy as np
import torch
import torch.nn as nn

from text_encoder import TextEncoder
from denoiser import Denoiser
from autoencoder import Autoencoder, LATENT_CH, STRIDE
from world import GRAVITY
import vocab as V

FORMAT = "soragen-1"

DEFAULT_CONFIG = dict(dim=192, heads=6, depth=6, text_layers=2, text_heads=6,
                      max_tokens=16, frames=8, size=64, patch=8, fps=8, head_kernel=1,
                      refine=0, channels=3, cameo_patch=0, ae_c1=0, ae_c2=0)
# keys a file leaves out when they have these values (files as before them)
OPTIONAL = dict(head_kernel=1, refine=0, channels=3, cameo_patch=0, ae_c1=0, ae_c2=0)


def full_config(cfg):
    """A config of an older file or checkpoint with today's defaults added."""
    return {k: int(cfg.get(k, v)) for k, v in DEFAULT_CONFIG.items()}


class SoragenModel(nn.Module):
    def __init__(self, vocab, dim, heads, depth, text_layers, text_heads,
                 max_tokens, frames, size, patch, fps, head_kernel=1, refine=0,
                 channels=3, cameo_patch=0, ae_c1=0, ae_c2=0):
        super().__init__()
        self.vocab = list(vocab)
        self.config = dict(dim=dim, heads=heads, depth=depth, text_layers=text_layers,
                           text_heads=text_heads, max_tokens=max_tokens, frames=frames,
                           size=size, patch=patch, fps=fps, head_kernel=head_kernel,
                           refine=refine, channels=channels, cameo_patch=cameo_patch,
                           ae_c1=ae_c1, ae_c2=ae_c2)
        assert (ae_c1 > 0) == (channels == LATENT_CH)
        self.text = TextEncoder(len(vocab), dim, text_heads, text_layers, max_tokens)
        self.den = Denoiser(dim, heads, depth, frames, size, patch, head_kernel,
                            refine, channels, cameo_patch)
        # a latent model carries its (frozen) frame autoencoder
        self.ae = Autoencoder(ae_c1, ae_c2).requires_grad_(False) if ae_c1 else None
        # pixels of a frame side (the world's and the filters' frames)
        self.frame_size = size * (STRIDE if ae_c1 else 1)

    def tokenize(self, text):
        """text -> ids in this model's vocabulary, unknown words dropped, at
        most max_tokens (ff_diff_tokenize() of libavfilter/diffusion/tokenizer.c)."""
        return V.tokenize(text, index={w: i for i, w in enumerate(self.vocab)},
                          max_tokens=self.config["max_tokens"])

    @torch.no_grad()
    def encode_clip(self, x):
        """pixels [B, T, 3, H, W] in [-1, 1] -> the denoiser's clip (latents or
        the pixels themselves)."""
        if self.ae is None:
            return x
        B, T = x.shape[:2]
        z = self.ae.encode(x.flatten(0, 1))
        return z.view(B, T, *z.shape[1:])

    @torch.no_grad()
    def decode_clip(self, z):
        """the denoiser's clip -> pixels [B, T, 3, H, W], clamped to [-1, 1]."""
        if self.ae is None:
            return z.clamp(-1, 1)
        B, T = z.shape[:2]
        x = self.ae.decode(z.flatten(0, 1))
        return x.view(B, T, *x.shape[1:]).clamp(-1, 1)

    def forward(self, xt, t, ctx_clip, ctx_mask, tokens, cameo=None, cameo_on=None):
        text, tmask = self.text(tokens)
        return self.den(xt, t, ctx_clip, ctx_mask, text, tmask, cameo, cameo_on)

    def metadata(self):
        md = {k: str(v) for k, v in self.config.items() if OPTIONAL.get(k, -1) != v}
        md["format"] = FORMAT
        md["prediction"] = "x0"
        # the training world's gravity at this size: the audio's event
        # analyser fits falls with it (libavfilter/diffusion/events.c)
        md["gravity"] = "%g" % (GRAVITY * self.frame_size / 64.0)
        md["vocab"] = " ".join(self.vocab)
        return md


# --- safetensors (written by hand: no safetensors package on Debian 12) ---

_DT = {torch.float32: ("F32", np.float32), torch.float16: ("F16", np.float16)}
_DT_INV = {"F32": np.float32, "F16": np.float16}


def save_safetensors(path, tensors, metadata, dtype=torch.float16):
    header, blobs, off = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().to(dtype).contiguous().cpu()
        b = t.numpy().tobytes()
        header[name] = {"dtype": _DT[dtype][0], "shape": list(t.shape),
                        "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    md = header.pop("__metadata__", {})
    out = {}
    for name, h in header.items():
        a, b = h["data_offsets"]
        arr = np.frombuffer(data[a:b], dtype=_DT_INV[h["dtype"]]).reshape(h["shape"])
        out[name] = torch.from_numpy(arr.astype(np.float32))
    return out, md


def load_model(path):
    tensors, md = load_safetensors(path)
    assert md.get("format") == FORMAT, "not a soragen model file"
    cfg = full_config(md)
    m = SoragenModel(md["vocab"].split(" "), **cfg)
    m.load_state_dict(tensors)
    return m.eval()


def export(model, path):
    save_safetensors(path, model.state_dict(), model.metadata())
