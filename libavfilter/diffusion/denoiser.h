/*
 * Denoiser: the space-time transformer, planned once on oneDNN
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

#ifndef AVFILTER_DIFFUSION_DENOISER_H
#define AVFILTER_DIFFUSION_DENOISER_H

#include <stdint.h>

#include "attention.h"
#include "linear.h"
#include "model.h"
#include "onednn.h"
#include "refiner.h"

#define DIFF_MAX_BATCH 2

/**
 * A static plan of the denoiser for `batch` conditionings of one clip
 * (batch 2 = conditional + unconditional branch of classifier-free
 * guidance): every primitive is created once here, every activation lives
 * in one arena, and a forward pass only executes.  The cross-attention of
 * a branch is re-planned when its context length changes (a new prompt).
 */
typedef struct DiffDenoiser {
    const DiffModel *m;
    DiffDnn *dnn;
    void *log_ctx;
    int batch, bf16;
    int T, S, N, D, H, hd, p, size;
    int C;                      /* channels of the clip: 3 pixels, or a latent model's */
    size_t esz;                 /* bytes per activation element of matmul inputs */
    dnnl_data_type_t dt;

    uint8_t *arena;
    float *x, *tmp, *inp, *hout;
    float *nbin, *hnb;          /* head_kernel 3: neighbour tokens [rows][8 dim], their pixels */
    void *y, *qkv, *att, *hid, *scores, *probs;
    size_t scores_size;

    DiffLinearOp patch_in, head, head_nb;
    DiffRefiner *refiner;       /* models with a pixel refiner only */
    DiffLinearOp *lin;          /* 8 per block */
    DiffAttention *s_att, *t_att;
    DiffAttention *x_att;       /* depth x batch */

    int ctx_len[DIFF_MAX_BATCH];
    int ctx_max;
    void *kv[DIFF_MAX_BATCH];   /* [depth][ctx_max][2D], type dt */
    float *mods;                /* [21 * dim]: step, block and final modulation, frame mean */
    float *temb;                /* [DIFF_TEMB_DIM + 2 * dim] */
} DiffDenoiser;

int  ff_diff_denoiser_init(DiffDenoiser **pd, const DiffModel *m, DiffDnn *dnn,
                           int batch, int bf16, void *log_ctx);
void ff_diff_denoiser_free(DiffDenoiser **pd);

/**
 * Cross-attention context of branch b: ctx[len][dim] (caption tokens, then
 * cameo tokens).  Projects keys/values of every block once.
 */
int  ff_diff_denoiser_set_context(DiffDenoiser *d, int b, const float *ctx, int len);

/**
 * Cameo tokens: rgba[32][32][4] premultiplied, each in [-1, 1], laid out
 * [channel][y][x] -> out[(32/p)^2][dim].
 */
void ff_diff_cameo_tokens(const DiffModel *m, const float *rgba, float *out);
int  ff_diff_cameo_len(const DiffModel *m);

/**
 * One forward pass at time t for every branch.
 * xt, ctx_clip: [T][C][H][W] (C = 3: pixels in [-1, 1]; a latent model:
 * its latents at its latent size); ctx_mask: [T][H][W] (1 = known).
 * x0: [batch][T][C][H][W]; events (optional): [batch][T][2] logits.
 */
int  ff_diff_denoiser_forward(DiffDenoiser *d, const float *xt, float t,
                              const float *ctx_clip, const float *ctx_mask,
                              float *x0, float *events);

#endif /* AVFILTER_DIFFUSION_DENOISER_H */
