/*
 * Pixel refiner: three 3x3 convolutions that redraw the head's x0 per pixel
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

#ifndef AVFILTER_DIFFUSION_REFINER_H
#define AVFILTER_DIFFUSION_REFINER_H

#include <stdint.h>

#include "linear.h"
#include "model.h"
#include "onednn.h"

/**
 * The denoiser's pixel refiner (models with metadata refine > 0; see
 * models/train/refiner.py and doc/model-format.md).  The head draws x0 as
 * linear maps of 8x8 tokens; the refiner adds a correction computed on
 * pixels, frame by frame:
 *   f  = unpatchify(feat(y))                     DIFF_REFINE_FEAT channels
 *   h1 = silu(conv1([x0_head, x_t, f]) + time(silu(temb)))
 *   h2 = silu(conv2(h1))
 *   x0 = x0_head + conv3(h2)
 * with zero padding at the frame's border.  The convolutions are oneDNN
 * primitives planned once for batch * frames images in f32 (also under
 * precision bf16: they are a small part of a step), channels last.
 */
typedef struct DiffRefiner {
    const DiffModel *m;
    DiffDnn *dnn;
    int batch, frames, size, p, R;

    uint8_t *arena;
    float *feat;        /* [batch * tokens][DIFF_REFINE_FEAT p^2] */
    float *in;          /* [images][size][size][6 + DIFF_REFINE_FEAT] */
    float *h1, *h2;     /* [images][size][size][R] */
    float *out;         /* [images][size][size][3] */
    float *bias1;       /* [R]: conv1's bias plus this step's time term */

    DiffLinearOp feat_op;
    DiffOp conv[3];
    void *wpack[3];
} DiffRefiner;

/**
 * Plan the refiner of a denoiser with `batch` branches; y is the
 * denoiser's final normalised tokens, f32 [batch * frames * tokens][dim],
 * a buffer that never moves.
 */
int  ff_diff_refiner_init(DiffRefiner **pr, const DiffModel *m, DiffDnn *dnn,
                          int batch, float *y, void *log_ctx);

/**
 * Refine x0 in place: x0 [batch][frames][3][size][size] holds the head's
 * pixels; xt [frames][3][size][size] is the step's noisy clip (shared by
 * the branches); st [dim] is silu of the step's time embedding.
 */
int  ff_diff_refiner_run(DiffRefiner *r, const float *st, const float *xt, float *x0);

void ff_diff_refiner_free(DiffRefiner **pr);

#endif /* AVFILTER_DIFFUSION_REFINER_H */
