/*
 * Linear layers: prepacked oneDNN matmuls and small plain-C products
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

#ifndef AVFILTER_DIFFUSION_LINEAR_H
#define AVFILTER_DIFFUSION_LINEAR_H

#include <stdint.h>

#include "onednn.h"

/** Weights of a linear layer as stored in the model: w[out][in], b[out]. */
typedef struct DiffLinearParams {
    int in, out;
    float *w;
    float *b;
} DiffLinearParams;

enum DiffActivation {
    DIFF_ACT_NONE,
    DIFF_ACT_GELU_TANH,
};

/**
 * One call site of a linear layer: dst[rows][out] = act(src[rows][in] W^T + b),
 * a oneDNN matmul whose weights were reordered once into the layout the
 * primitive prefers ("any"); src and dst are fixed buffers of the plan.
 */
typedef struct DiffLinearOp {
    DiffOp op;
    void *wpack;
} DiffLinearOp;

int  ff_diff_linear_init(DiffDnn *d, DiffLinearOp *l, const DiffLinearParams *p,
                         int64_t rows, void *src, dnnl_data_type_t src_dt,
                         void *dst, dnnl_data_type_t dst_dt,
                         enum DiffActivation act, const char *what);
int  ff_diff_linear_run(DiffDnn *d, DiffLinearOp *l);
void ff_diff_linear_free(DiffLinearOp *l);

/**
 * Plain C product for the few small per-prompt or per-step products
 * (time embedding, text encoder, cross-attention keys): not worth a plan.
 * dst[r][o] = act(sum_i src[r][i] w[o][i] + b[o]).
 */
void ff_diff_linear_ref(const DiffLinearParams *p, int rows, const float *src,
                        float *dst, enum DiffActivation act);

float ff_diff_gelu_tanh(float x);
float ff_diff_silu(float x);

#endif /* AVFILTER_DIFFUSION_LINEAR_H */
