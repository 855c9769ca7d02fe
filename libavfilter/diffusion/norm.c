/*
 * Normalisation kernels: layer norm with modulation, bf16 conversion
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
#include <string.h>

#include "norm.h"

uint16_t ff_diff_f32_to_bf16(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7fffffff) > 0x7f800000)
        return (u >> 16) | 0x40; /* quiet NaN */
    u += 0x7fff + ((u >> 16) & 1);
    return u >> 16;
}

float ff_diff_bf16_to_f32(uint16_t h)
{
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

void ff_diff_layer_norm(const float *x, void *y, int bf16, int64_t rows, int dim,
                        const float *mul, const float *add, float eps)
{
    for (int64_t r = 0; r < rows; r++) {
        const float *xr = x + r * dim;
        float mean = 0.0f, var = 0.0f, rstd;

        for (int c = 0; c < dim; c++)
            mean += xr[c];
        mean /= dim;
        for (int c = 0; c < dim; c++) {
            float t = xr[c] - mean;
            var += t * t;
        }
        rstd = 1.0f / sqrtf(var / dim + eps);
        if (bf16) {
            uint16_t *yr = (uint16_t *)y + r * dim;
            for (int c = 0; c < dim; c++) {
                float v = (xr[c] - mean) * rstd;
                v = v * (mul ? mul[c] : 1.0f) + (add ? add[c] : 0.0f);
                yr[c] = ff_diff_f32_to_bf16(v);
            }
        } else {
            float *yr = (float *)y + r * dim;
            for (int c = 0; c < dim; c++) {
                float v = (xr[c] - mean) * rstd;
                yr[c] = v * (mul ? mul[c] : 1.0f) + (add ? add[c] : 0.0f);
            }
        }
    }
}

void ff_diff_add_gated(float *x, const float *y, const float *gate, int64_t rows, int dim)
{
    for (int64_t r = 0; r < rows; r++) {
        float *xr = x + r * dim;
        const float *yr = y + r * dim;
        if (gate)
            for (int c = 0; c < dim; c++)
                xr[c] += gate[c] * yr[c];
        else
            for (int c = 0; c < dim; c++)
                xr[c] += yr[c];
    }
}

void ff_diff_group_norm(const float *x, float *y, int images, int pixels, int ch, int groups,
                        const float *gamma, const float *beta, float eps, int silu)
{
    const int cg = ch / groups;

    for (int img = 0; img < images; img++) {
        const float *xi = x + (size_t)img * pixels * ch;
        float *yi = y + (size_t)img * pixels * ch;
        for (int g = 0; g < groups; g++) {
            const int c0 = g * cg;
            const double n = (double)pixels * cg;
            double sum = 0.0, sq = 0.0;
            float mean, rstd;

            for (int p = 0; p < pixels; p++)
                for (int c = c0; c < c0 + cg; c++)
                    sum += xi[(size_t)p * ch + c];
            mean = sum / n;
            for (int p = 0; p < pixels; p++)
                for (int c = c0; c < c0 + cg; c++) {
                    const double t = xi[(size_t)p * ch + c] - mean;
                    sq += t * t;
                }
            rstd = 1.0 / sqrt(sq / n + eps);
            for (int p = 0; p < pixels; p++)
                for (int c = c0; c < c0 + cg; c++) {
                    const size_t o = (size_t)p * ch + c;
                    float v = (xi[o] - mean) * rstd * gamma[c] + beta[c];
                    yi[o] = silu ? v / (1.0f + expf(-v)) : v;
                }
        }
    }
}
