"""Counter-based noise: Philox4x32-10 + Box-Muller.

Mirrors libavfilter/diffusion/rng.c bit for bit (up to the last ulp of the
double-precision log/sin/cos of the platform's libm): the noise of a clip
depends only on (seed, stream, element index), never on thread count or on
how many values were drawn before.

Element i of stream s under seed k:
    block   b = i // 4, lane = i % 4
    counter = (b & 0xffffffff, b >> 32, s & 0xffffffff, s >> 32)
    key     = (k & 0xffffffff, k >> 32)
    x0..x3  = philox4x32_10(counter, key)
    u_j     = (x_j + 0.5) / 2**32            (double, never 0 or 1)
    lanes 0,1 = Box-Muller(u0, u1), lanes 2,3 = Box-Muller(u2, u3)
    Box-Muller(a, b) = (r cos(2 pi b), r sin(2 pi b)), r = sqrt(-2 ln a)
"""
import numpy as np

M0 = np.uint64(0xD2511F53)
M1 = np.uint64(0xCD9E8D57)
W0 = np.uint32(0x9E3779B9)
W1 = np.uint32(0xBB67AE85)
MASK = np.uint64(0xFFFFFFFF)


def philox4x32_10(c0, c1, c2, c3, k0, k1):
    """Vectorised over uint32 arrays c0..c3 with scalar uint32 keys."""
    c0 = c0.astype(np.uint32); c1 = c1.astype(np.uint32)
    c2 = c2.astype(np.uint32); c3 = c3.astype(np.uint32)
    k0 = np.uint32(k0); k1 = np.uint32(k1)
    for r in range(10):
        p0 = M0 * c0.astype(np.uint64)
        p1 = M1 * c2.astype(np.uint64)
        hi0 = (p0 >> np.uint64(32)).astype(np.uint32)
        lo0 = (p0 & MASK).astype(np.uint32)
        hi1 = (p1 >> np.uint64(32)).astype(np.uint32)
        lo1 = (p1 & MASK).astype(np.uint32)
        c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
        if r < 9:
            k0 = np.uint32((int(k0) + int(W0)) & 0xFFFFFFFF)
            k1 = np.uint32((int(k1) + int(W1)) & 0xFFFFFFFF)
    return c0, c1, c2, c3


def normal(seed, stream, n):
    """n standard normal float32 values of (seed, stream), elements 0..n-1."""
    nb = (n + 3) // 4
    b = np.arange(nb, dtype=np.uint64)
    c0 = (b & MASK).astype(np.uint32)
    c1 = (b >> np.uint64(32)).astype(np.uint32)
    c2 = np.full(nb, stream & 0xFFFFFFFF, dtype=np.uint32)
    c3 = np.full(nb, (stream >> 32) & 0xFFFFFFFF, dtype=np.uint32)
    x = philox4x32_10(c0, c1, c2, c3, seed & 0xFFFFFFFF, (seed >> 32) & 0xFFFFFFFF)
    u = [(xi.astype(np.float64) + 0.5) / 4294967296.0 for xi in x]
    out = np.empty((nb, 4), dtype=np.float64)
    r0 = np.sqrt(-2.0 * np.log(u[0]))
    r1 = np.sqrt(-2.0 * np.log(u[2]))
    out[:, 0] = r0 * np.cos(2.0 * np.pi * u[1])
    out[:, 1] = r0 * np.sin(2.0 * np.pi * u[1])
    out[:, 2] = r1 * np.cos(2.0 * np.pi * u[3])
    out[:, 3] = r1 * np.sin(2.0 * np.pi * u[3])
    return out.reshape(-1)[:n].astype(np.float32)


if __name__ == "__main__":
    # Known-answer test vector of Philox4x32-10 (Random123 KAT, all-ones input).
    ff = np.array([0xFFFFFFFF], dtype=np.uint32)
    r = philox4x32_10(ff, ff, ff, ff, 0xFFFFFFFF, 0xFFFFFFFF)
    print(" ".join("%08x" % int(v[0]) for v in r))
    print(normal(42, 0, 8))
