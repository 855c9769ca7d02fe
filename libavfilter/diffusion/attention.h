/*
 * Multi-head attention on oneDNN: Q*K^T, softmax, P*V over strided views
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

#ifndef AVFILTER_DIFFUSION_ATTENTION_H
#define AVFILTER_DIFFUSION_ATTENTION_H

#include <stdint.h>

#include "onednn.h"

#define DIFF_ATTN_MAX_BATCH_DIMS 4

/**
 * A view of queries, keys, values or outputs inside a larger buffer:
 * element (batch indices..., token, channel) is at
 * ptr + sum(batch_idx[i] * stride[i]) + token * stride[nb] + channel.
 * Heads are one of the batch dimensions (stride = head size), so the
 * spatial and temporal attention of a space-time clip and the
 * cross-attention all read the projection outputs in place: no transposes.
 */
typedef struct DiffAttnView {
    void *ptr;
    int64_t stride[DIFF_ATTN_MAX_BATCH_DIMS + 1];
} DiffAttnView;

typedef struct DiffAttention {
    DiffOp qk, softmax, pv;
    void *scores;
    void *probs;
} DiffAttention;

/**
 * out = softmax(scale * q k^T) v for every batch index.
 * bdims: nb batch dimensions (heads included); dt: the data type of q, k, v
 * and out (f32 or bf16).  Scores are f32; probabilities have type dt and
 * share the scores buffer when dt is f32.
 */
int  ff_diff_attention_init(DiffDnn *d, DiffAttention *a, int nb, const int64_t *bdims,
                            int64_t nq, int64_t nk, int hd, float scale,
                            const DiffAttnView *q, const DiffAttnView *k,
                            const DiffAttnView *v, const DiffAttnView *out,
                            dnnl_data_type_t dt, void *scores, void *probs,
                            const char *what);
/** Bytes of the score (f32) and probability (dt) buffers the caller provides. */
size_t ff_diff_attention_scores_size(int nb, const int64_t *bdims, int64_t nq, int64_t nk);
int  ff_diff_attention_run(DiffDnn *d, DiffAttention *a);
void ff_diff_attention_free(DiffAttention *a);

#endif /* AVFILTER_DIFFUSION_ATTENTION_H */
