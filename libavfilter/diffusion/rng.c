/*
 * Counter-based noise: Philox4x32-10 and Box-Muller
 * Copyright (c) 2026 the soragen authors
 *
 * This file is part of FFmpeg.
 *
 * FFmpeg is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * FFmpeg is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Lesser General Public License for more details.
 *
 * You should have received a copy of the GNU Lesser General Public
 * License along with FFmpeg; if not, write to the Free Software
 * Foundation, Inc., 51 Franklin Street, Fifth Floor, Boston, MA 02110-1301 USA
 */

#include <math.h>

#include "libavutil/mathematics.h"

#include "rng.h"

void ff_diff_philox4x32_10(uint32_t c[4], const uint32_t key[2])
{
    uint32_t k0 = key[0], k1 = key[1];

    for (int r = 0; r < 10; r++) {
        uint64_t p0 = (uint64_t)0xD2511F53u * c[0];
        uint64_t p1 = (uint64_t)0xCD9E8D57u * c[2];
        uint32_t n0 = (uint32_t)(p1 >> 32) ^ c[1] ^ k0;
        uint32_t n1 = (uint32_t)p1;
        uint32_t n2 = (uint32_t)(p0 >> 32) ^ c[3] ^ k1;
        uint32_t n3 = (uint32_t)p0;
        c[0] = n0; c[1] = n1; c[2] = n2; c[3] = n3;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
}

void ff_diff_normal(float *dst, int64_t n, uint64_t seed, uint64_t stream)
{
    const uint32_t key[2] = { (uint32_t)seed, (uint32_t)(seed >> 32) };

    for (int64_t b = 0; b * 4 < n; b++) {
        uint32_t c[4] = { (uint32_t)b, (uint32_t)((uint64_t)b >> 32),
                          (uint32_t)stream, (uint32_t)(stream >> 32) };
        double u[4], out[4];

        ff_diff_philox4x32_10(c, key);
        for (int j = 0; j < 4; j++)
            u[j] = ((double)c[j] + 0.5) / 4294967296.0;
        for (int j = 0; j < 2; j++) {
            double r  = sqrt(-2.0 * log(u[2 * j]));
            double th = 2.0 * M_PI * u[2 * j + 1];
            out[2 * j]     = r * cos(th);
            out[2 * j + 1] = r * sin(th);
        }
        for (int j = 0; j < 4 && b * 4 + j < n; j++)
            dst[b * 4 + j] = (float)out[j];
    }
}
