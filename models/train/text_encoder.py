"""Text encoder: token + position embeddings, pre-LN transformer layers.

Mirrors libavfilter/diffusion/text_encoder.c.  Input: token ids left-aligned,
id 0 (<pad>) after the caption.  The valid length of a caption is
max(1, number of non-pad tokens); attention only sees valid tokens, so the C
engine can simply run on the first `len` tokens.  An empty caption (the
unconditional branch of classifier-free guidance) is the single token <pad>.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F


def attention(q, k, v, heads, key_mask=None):
    """q [B, M, D], k/v [B, N, D]; key_mask [B, N] bool (True = valid)."""
    B, M, D = q.shape
    N = k.shape[1]
    hd = D // heads
    q = q.view(B, M, heads, hd).transpose(1, 2)
    k = k.view(B, N, heads, hd).transpose(1, 2)
    v = v.view(B, N, heads, hd).transpose(1, 2)
    s = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(hd))
    if key_mask is not None:
        s = s.masked_fill(~key_mask[:, None, None, :], float("-inf"))
    p = torch.softmax(s, dim=-1)
    o = torch.matmul(p, v)
    return o.transpose(1, 2).reshape(B, M, D)


class SelfAttention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x, key_mask=None):
        q, k, v = self.qkv(x).chunk(3, dim=-1)
        return self.out(attention(q, k, v, self.heads, key_mask))


class MLP(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x), approximate="tanh"))


class TextLayer(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim, eps=1e-5)
        self.attn = SelfAttention(dim, heads)
        self.ln2 = nn.LayerNorm(dim, eps=1e-5)
        self.mlp = MLP(dim, 4 * dim)

    def forward(self, x, key_mask):
        x = x + self.attn(self.ln1(x), key_mask)
        return x + self.mlp(self.ln2(x))


class TextEncoder(nn.Module):
    def __init__(self, vocab_size, dim, heads, layers, max_tokens):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, dim)
        self.pos_emb = nn.Parameter(torch.randn(max_tokens, dim) * 0.02)
        self.layers = nn.ModuleList([TextLayer(dim, heads) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(dim, eps=1e-5)
        nn.init.normal_(self.tok_emb.weight, std=0.02)

    @staticmethod
    def valid_mask(tokens):
        """[B, L] ids -> [B, L] bool: non-pad tokens, and always position 0."""
        m = tokens != 0
        m[:, 0] = True
        return m

    def forward(self, tokens):
        mask = self.valid_mask(tokens)
        x = self.tok_emb(tokens) + self.pos_emb[: tokens.shape[1]]
        for layer in self.layers:
            x = layer(x, mask)
        return self.ln_f(x), mask
