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

#ifndef AVFILTER_DIFFUSION_NORM_H
#define AVFILTER_DIFFUSION_NORM_H

#include <stdint.h>

/**
 * Row-wise layer norm of x[rows][dim] (f32), then y = n * mul + add, where
 * mul/add are per-channel vectors (NULL: 1 and 0).  y is written as f32, or
 * as bf16 when bf16 is set (the input of a bf16 matmul).
 * This is both the affine LayerNorm (mul = gamma, add = beta) and the
 * adaLN modulation (mul = 1 + scale, add = shift).
 */
void ff_diff_layer_norm(const float *x, void *y, int bf16, int64_t rows, int dim,
                        const float *mul, const float *add, float eps);

/** Round-to-nearest-even float -> bfloat16. */
uint16_t ff_diff_f32_to_bf16(float f);
float    ff_diff_bf16_to_f32(uint16_t h);

/** x[r][c] += gate[c] * y[r][c] (gate NULL: 1). */
void ff_diff_add_gated(float *x, const float *y, const float *gate, int64_t rows, int dim);

/**
 * Group normalisation (PyTorch's GroupNorm; oneDNN 2.6 has none) of
 * images stored channels last, x[images][pixels][ch], in `groups` groups
 * of ch / groups consecutive channels, statistics in double; then
 * y = n * gamma[c] + beta[c], and silu(y) when silu.  y may be x.
 */
void ff_diff_group_norm(const float *x, float *y, int images, int pixels, int ch, int groups,
                        const float *gamma, const float *beta, float eps, int silu);

#endif /* AVFILTER_DIFFUSION_NORM_H */
