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

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "libavutil/error.h"
#include "libavutil/log.h"
#include "libavutil/macros.h"
#include "libavutil/mem.h"

#include "denoiser.h"
#include "norm.h"

enum { L_S_QKV, L_S_OUT, L_T_QKV, L_T_OUT, L_X_Q, L_X_OUT, L_FC1, L_FC2, L_PER_BLOCK };

int ff_diff_cameo_len(const DiffModel *m)
{
    int n = DIFF_CAMEO_SIZE / m->cfg.cameo_patch;
    return n * n;
}

void ff_diff_cameo_tokens(const DiffModel *m, const float *rgba, float *out)
{
    const int p = m->cfg.cameo_patch, n = DIFF_CAMEO_SIZE / p, D = m->cfg.dim;
    float feat[DIFF_CAMEO_CH * DIFF_CAMEO_SIZE * DIFF_CAMEO_SIZE];

    for (int py = 0; py < n; py++) {
        for (int px = 0; px < n; px++) {
            int tok = py * n + px, k = 0;
            for (int c = 0; c < DIFF_CAMEO_CH; c++)
                for (int iy = 0; iy < p; iy++)
                    for (int ix = 0; ix < p; ix++)
                        feat[k++] = rgba[(c * DIFF_CAMEO_SIZE + py * p + iy) * DIFF_CAMEO_SIZE +
                                         px * p + ix];
            ff_diff_linear_ref(&m->cameo_in, 1, feat, out + tok * D, DIFF_ACT_NONE);
            for (int c = 0; c < D; c++)
                out[tok * D + c] += m->cameo_pos[tok * D + c];
        }
    }
}

static void free_x_att(DiffDenoiser *d, int b)
{
    for (int i = 0; i < d->m->cfg.depth; i++)
        ff_diff_attention_free(&d->x_att[i * d->batch + b]);
}

void ff_diff_denoiser_free(DiffDenoiser **pd)
{
    DiffDenoiser *d = *pd;
    if (!d)
        return;
    ff_diff_linear_free(&d->patch_in);
    ff_diff_linear_free(&d->head);
    ff_diff_linear_free(&d->head_nb);
    ff_diff_refiner_free(&d->refiner);
    for (int i = 0; d->lin && i < d->m->cfg.depth * L_PER_BLOCK; i++)
        ff_diff_linear_free(&d->lin[i]);
    for (int i = 0; i < d->m->cfg.depth; i++) {
        if (d->s_att)
            ff_diff_attention_free(&d->s_att[i]);
        if (d->t_att)
            ff_diff_attention_free(&d->t_att[i]);
    }
    for (int b = 0; d->x_att && b < d->batch; b++) {
        free_x_att(d, b);
        av_freep(&d->kv[b]);
    }
    av_freep(&d->lin);
    av_freep(&d->s_att);
    av_freep(&d->t_att);
    av_freep(&d->x_att);
    av_freep(&d->arena);
    av_freep(pd);
}

#define ELEM(base, off) ((void *)((uint8_t *)(base) + (size_t)(off) * d->esz))

int ff_diff_denoiser_init(DiffDenoiser **pd, const DiffModel *m, DiffDnn *dnn,
                          int batch, int bf16, void *log_ctx)
{
    const DiffModelConfig *c = &m->cfg;
    DiffDenoiser *d;
    size_t off = 0, sz_x, sz_y, sz_qkv, sz_hid, sz_nb = 0, sz_hnb = 0, s1, s2, s3;
    int64_t rows;
    char what[64];
    int ret;

    if (batch < 1 || batch > DIFF_MAX_BATCH)
        return AVERROR(EINVAL);
    d = av_mallocz(sizeof(*d));
    if (!d)
        return AVERROR(ENOMEM);
    *pd = d;
    d->m = m;
    d->dnn = dnn;
    d->log_ctx = log_ctx;
    d->batch = batch;
    d->bf16 = bf16;
    d->dt = bf16 ? dnnl_bf16 : dnnl_f32;
    d->esz = bf16 ? 2 : 4;
    d->T = c->frames;
    d->p = c->patch;
    d->C = c->channels;
    d->size = c->size;
    d->S = (c->size / c->patch) * (c->size / c->patch);
    d->N = d->T * d->S;
    d->D = c->dim;
    d->H = c->heads;
    d->hd = c->dim / c->heads;
    d->ctx_max = c->max_tokens + ff_diff_cameo_len(m);
    rows = (int64_t)batch * d->N;

    {
        int64_t sb[2] = { (int64_t)batch * d->T, d->H };
        int64_t tb[3] = { batch, d->S, d->H };
        int64_t xb[1] = { d->H };
        s1 = ff_diff_attention_scores_size(2, sb, d->S, d->S);
        s2 = ff_diff_attention_scores_size(3, tb, d->T, d->T);
        s3 = ff_diff_attention_scores_size(1, xb, d->N, d->ctx_max);
        d->scores_size = FFMAX3(s1, s2, s3);
    }
    sz_x   = ff_diff_align(rows * d->D * sizeof(float));
    sz_y   = ff_diff_align(rows * d->D * d->esz);
    sz_qkv = ff_diff_align(rows * 3 * d->D * d->esz);
    sz_hid = ff_diff_align(rows * 4 * d->D * d->esz);
    if (c->head_kernel == 3) {
        sz_nb  = ff_diff_align(rows * 8 * d->D * sizeof(float));
        sz_hnb = ff_diff_align(rows * d->C * d->p * d->p * sizeof(float));
    }
    {
        size_t sizes[] = {
            sz_x, sz_x, sz_y, sz_qkv, sz_y, sz_hid,
            ff_diff_align((size_t)d->N * (2 * d->C + 1) * d->p * d->p * sizeof(float)),
            ff_diff_align(rows * d->C * d->p * d->p * sizeof(float)),
            ff_diff_align(d->scores_size), ff_diff_align(d->scores_size / 2),
            ff_diff_align(21 * d->D * sizeof(float)),
            ff_diff_align((DIFF_TEMB_DIM + 2 * d->D) * sizeof(float)),
            sz_nb, sz_hnb,
        };
        for (int i = 0; i < FF_ARRAY_ELEMS(sizes); i++)
            off += sizes[i];
        d->arena = av_mallocz(off);
        if (!d->arena) {
            ret = AVERROR(ENOMEM);
            goto fail;
        }
        off = 0;
        d->x      = (float *)(d->arena + off); off += sizes[0];
        d->tmp    = (float *)(d->arena + off); off += sizes[1];
        d->y      = d->arena + off;            off += sizes[2];
        d->qkv    = d->arena + off;            off += sizes[3];
        d->att    = d->arena + off;            off += sizes[4];
        d->hid    = d->arena + off;            off += sizes[5];
        d->inp    = (float *)(d->arena + off); off += sizes[6];
        d->hout   = (float *)(d->arena + off); off += sizes[7];
        d->scores = d->arena + off;            off += sizes[8];
        d->probs  = d->arena + off;            off += sizes[9];
        d->mods   = (float *)(d->arena + off); off += sizes[10];
        d->temb   = (float *)(d->arena + off); off += sizes[11];
        d->nbin   = sz_nb  ? (float *)(d->arena + off) : NULL; off += sizes[12];
        d->hnb    = sz_hnb ? (float *)(d->arena + off) : NULL; off += sizes[13];
    }
    av_log(log_ctx, AV_LOG_VERBOSE, "denoiser plan: batch %d, %d tokens, %s, arena %zu KiB\n",
           batch, d->N, bf16 ? "bf16" : "f32", off >> 10);

    d->lin   = av_calloc(c->depth * L_PER_BLOCK, sizeof(*d->lin));
    d->s_att = av_calloc(c->depth, sizeof(*d->s_att));
    d->t_att = av_calloc(c->depth, sizeof(*d->t_att));
    d->x_att = av_calloc(c->depth * batch, sizeof(*d->x_att));
    if (!d->lin || !d->s_att || !d->t_att || !d->x_att) {
        ret = AVERROR(ENOMEM);
        goto fail;
    }
    for (int b = 0; b < batch; b++) {
        d->kv[b] = av_mallocz((size_t)c->depth * d->ctx_max * 2 * d->D * d->esz);
        if (!d->kv[b]) {
            ret = AVERROR(ENOMEM);
            goto fail;
        }
    }

    if ((ret = ff_diff_linear_init(dnn, &d->patch_in, &m->patch_in, d->N, d->inp, dnnl_f32,
                                   d->x, dnnl_f32, DIFF_ACT_NONE, "patch_in")) < 0 ||
        (ret = ff_diff_linear_init(dnn, &d->head, &m->head, rows, d->tmp, dnnl_f32,
                                   d->hout, dnnl_f32, DIFF_ACT_NONE, "head")) < 0 ||
        (c->head_kernel == 3 &&
         (ret = ff_diff_linear_init(dnn, &d->head_nb, &m->head_nb, rows, d->nbin, dnnl_f32,
                                    d->hnb, dnnl_f32, DIFF_ACT_NONE, "head_nb")) < 0) ||
        (c->refine && (ret = ff_diff_refiner_init(&d->refiner, m, dnn, batch, d->tmp,
                                                  log_ctx)) < 0))
        goto fail;

    for (int i = 0; i < c->depth; i++) {
        const DiffBlockParams *bp = &m->blocks[i];
        DiffLinearOp *l = d->lin + i * L_PER_BLOCK;
        const int D = d->D, S = d->S, T = d->T, N = d->N, hd = d->hd;
        const float scale = 1.0f / sqrtf(hd);
        void *q = d->qkv, *k = ELEM(d->qkv, D), *v = ELEM(d->qkv, 2 * D);

        snprintf(what, sizeof(what), "block %d", i);
#define LIN(idx, par, src, dst, dst_dt, act)                                            \
        if ((ret = ff_diff_linear_init(dnn, &l[idx], &bp->par, rows, src, d->dt,        \
                                       dst, dst_dt, act, what)) < 0)                     \
            goto fail
        LIN(L_S_QKV, s_qkv, d->y, d->qkv, d->dt, DIFF_ACT_NONE);
        LIN(L_S_OUT, s_out, d->att, d->tmp, dnnl_f32, DIFF_ACT_NONE);
        LIN(L_T_QKV, t_qkv, d->y, d->qkv, d->dt, DIFF_ACT_NONE);
        LIN(L_T_OUT, t_out, d->att, d->tmp, dnnl_f32, DIFF_ACT_NONE);
        LIN(L_X_Q,   x_q,   d->y, d->qkv, d->dt, DIFF_ACT_NONE);
        LIN(L_X_OUT, x_out, d->att, d->tmp, dnnl_f32, DIFF_ACT_NONE);
        LIN(L_FC1,   fc1,   d->y, d->hid, d->dt, DIFF_ACT_GELU_TANH);
        LIN(L_FC2,   fc2,   d->hid, d->tmp, dnnl_f32, DIFF_ACT_NONE);
#undef LIN
        {
            /* spatial: sequences (batch*frame, head), S tokens each */
            int64_t bd[2] = { (int64_t)batch * T, d->H };
            DiffAttnView vq = { q, { S * 3 * D, hd, 3 * D } };
            DiffAttnView vk = { k, { S * 3 * D, hd, 3 * D } };
            DiffAttnView vv = { v, { S * 3 * D, hd, 3 * D } };
            DiffAttnView vo = { d->att, { S * D, hd, D } };
            if ((ret = ff_diff_attention_init(dnn, &d->s_att[i], 2, bd, S, S, hd, scale,
                                              &vq, &vk, &vv, &vo, d->dt, d->scores,
                                              d->probs, what)) < 0)
                goto fail;
        }
        {
            /* temporal: sequences (batch, position, head), T tokens each */
            int64_t bd[3] = { batch, S, d->H };
            DiffAttnView vq = { q, { (int64_t)N * 3 * D, 3 * D, hd, S * 3 * D } };
            DiffAttnView vk = { k, { (int64_t)N * 3 * D, 3 * D, hd, S * 3 * D } };
            DiffAttnView vv = { v, { (int64_t)N * 3 * D, 3 * D, hd, S * 3 * D } };
            DiffAttnView vo = { d->att, { (int64_t)N * D, D, hd, S * D } };
            if ((ret = ff_diff_attention_init(dnn, &d->t_att[i], 3, bd, T, T, hd, scale,
                                              &vq, &vk, &vv, &vo, d->dt, d->scores,
                                              d->probs, what)) < 0)
                goto fail;
        }
    }
    if ((ret = ff_diff_dnn_finalize(dnn)) < 0)
        goto fail;
    return 0;
fail:
    ff_diff_denoiser_free(pd);
    return ret;
}

int ff_diff_denoiser_set_context(DiffDenoiser *d, int b, const float *ctx, int len)
{
    const DiffModel *m = d->m;
    const int D = d->D, hd = d->hd;
    float *kv;
    int ret = 0;

    if (b < 0 || b >= d->batch || len < 1 || len > d->ctx_max) {
        av_log(d->log_ctx, AV_LOG_ERROR, "context of %d tokens (1..%d allowed)\n",
               len, d->ctx_max);
        return AVERROR(EINVAL);
    }
    kv = av_malloc_array(len, 2 * D * sizeof(float));
    if (!kv)
        return AVERROR(ENOMEM);
    if (d->ctx_len[b] != len)
        free_x_att(d, b);
    for (int i = 0; i < m->cfg.depth; i++) {
        uint8_t *dst = (uint8_t *)d->kv[b] + (size_t)i * d->ctx_max * 2 * D * d->esz;

        ff_diff_linear_ref(&m->blocks[i].x_kv, len, ctx, kv, DIFF_ACT_NONE);
        if (d->bf16) {
            for (int j = 0; j < len * 2 * D; j++)
                ((uint16_t *)dst)[j] = ff_diff_f32_to_bf16(kv[j]);
        } else {
            memcpy(dst, kv, (size_t)len * 2 * D * sizeof(float));
        }
        if (d->ctx_len[b] != len) {
            int64_t bd[1] = { d->H };
            DiffAttnView vq = { ELEM(d->qkv, (size_t)b * d->N * D), { hd, D } };
            DiffAttnView vk = { dst, { hd, 2 * D } };
            DiffAttnView vv = { dst + (size_t)D * d->esz, { hd, 2 * D } };
            DiffAttnView vo = { ELEM(d->att, (size_t)b * d->N * D), { hd, D } };
            ret = ff_diff_attention_init(d->dnn, &d->x_att[i * d->batch + b], 1, bd,
                                         d->N, len, hd, 1.0f / sqrtf(hd), &vq, &vk, &vv,
                                         &vo, d->dt, d->scores, d->probs, "cross-attention");
            if (ret < 0)
                break;
        }
    }
    av_free(kv);
    if (ret < 0) {
        free_x_att(d, b);
        d->ctx_len[b] = 0;
        return ret;
    }
    d->ctx_len[b] = len;
    return ff_diff_dnn_finalize(d->dnn);
}

static void timestep_embedding(float t, float *out)
{
    const int half = DIFF_TEMB_DIM / 2;
    for (int i = 0; i < half; i++) {
        float f = expf(-logf(10000.0f) * i / half);
        float a = 1000.0f * t * f;
        out[i]        = cosf(a);
        out[half + i] = sinf(a);
    }
}

static void patchify_input(DiffDenoiser *d, const float *xt, const float *ctx_clip,
                           const float *ctx_mask)
{
    const int p = d->p, W = d->size, n = W / p, C = d->C, F = (2 * C + 1) * p * p;
    const size_t plane = (size_t)W * W;

    for (int t = 0; t < d->T; t++) {
        for (int py = 0; py < n; py++) {
            for (int px = 0; px < n; px++) {
                float *f = d->inp + ((size_t)(t * n + py) * n + px) * F;
                for (int c = 0; c < 2 * C + 1; c++) {
                    const float *src = c < C     ? xt + (t * C + c) * plane :
                                       c < 2 * C ? ctx_clip + (t * C + c - C) * plane :
                                                   ctx_mask + t * plane;
                    for (int iy = 0; iy < p; iy++)
                        for (int ix = 0; ix < p; ix++)
                            *f++ = src[(py * p + iy) * W + px * p + ix];
                }
            }
        }
    }
}

/* nbin[token][8][D]: the token's 8 neighbours in its frame's patch grid,
 * (dy, dx) row by row without the centre, zero beyond the border (the
 * order of models/train/denoiser.py neighbour_tokens()) */
static void gather_neighbours(DiffDenoiser *d, const float *y, float *nbin)
{
    static const int off[8][2] = { { -1, -1 }, { -1, 0 }, { -1, 1 }, { 0, -1 },
                                   {  0,  1 }, {  1, -1 }, { 1, 0 }, { 1, 1 } };
    const int n = d->size / d->p, D = d->D;
    const size_t row = (size_t)D * sizeof(float);

    for (int f = 0; f < d->batch * d->T; f++)
        for (int py = 0; py < n; py++)
            for (int px = 0; px < n; px++) {
                float *dst = nbin + ((size_t)(f * n + py) * n + px) * 8 * D;
                for (int k = 0; k < 8; k++, dst += D) {
                    const int qy = py + off[k][0], qx = px + off[k][1];
                    if (qy < 0 || qy >= n || qx < 0 || qx >= n)
                        memset(dst, 0, row);
                    else
                        memcpy(dst, y + ((size_t)(f * n + qy) * n + qx) * D, row);
                }
            }
}

static void unpatchify_output(DiffDenoiser *d, const float *hout, float *x0)
{
    const int p = d->p, W = d->size, n = W / p, C = d->C;
    const size_t plane = (size_t)W * W;

    for (int t = 0; t < d->T; t++)
        for (int py = 0; py < n; py++)
            for (int px = 0; px < n; px++) {
                const float *f = hout + ((size_t)(t * n + py) * n + px) * C * p * p;
                for (int c = 0; c < C; c++)
                    for (int iy = 0; iy < p; iy++)
                        for (int ix = 0; ix < p; ix++)
                            x0[(t * C + c) * plane + (py * p + iy) * W + px * p + ix] = *f++;
            }
}

int ff_diff_denoiser_forward(DiffDenoiser *d, const float *xt, float t,
                             const float *ctx_clip, const float *ctx_mask,
                             float *x0, float *events)
{
    const DiffModel *m = d->m;
    const int D = d->D, N = d->N, S = d->S;
    const int64_t rows = (int64_t)d->batch * N;
    float *te = d->temb, *h1 = te + DIFF_TEMB_DIM, *st = h1 + D;
    float *mv = d->mods + 9 * D, *fm = d->mods + 18 * D, *mean = d->mods + 20 * D;
    int ret;

    for (int b = 0; b < d->batch; b++) {
        if (!d->ctx_len[b]) {
            av_log(d->log_ctx, AV_LOG_ERROR, "denoiser branch %d has no context\n", b);
            return AVERROR(EINVAL);
        }
    }
    ff_diff_dnn_set_threads(d->dnn);

    /* time conditioning: adaLN-single */
    timestep_embedding(t, te);
    ff_diff_linear_ref(&m->t_fc1, 1, te, h1, DIFF_ACT_NONE);
    for (int i = 0; i < D; i++)
        h1[i] = ff_diff_silu(h1[i]);
    ff_diff_linear_ref(&m->t_fc2, 1, h1, st, DIFF_ACT_NONE);
    for (int i = 0; i < D; i++)
        st[i] = ff_diff_silu(st[i]);
    ff_diff_linear_ref(&m->mod, 1, st, d->mods, DIFF_ACT_NONE);

    /* input tokens, shared by every branch */
    patchify_input(d, xt, ctx_clip, ctx_mask);
    if ((ret = ff_diff_linear_run(d->dnn, &d->patch_in)) < 0)
        return ret;
    for (int tk = 0; tk < N; tk++) {
        const float *ps = m->pos_s + (tk % S) * D, *pt = m->pos_t + (tk / S) * D;
        float *xr = d->x + (size_t)tk * D;
        for (int c = 0; c < D; c++)
            xr[c] += ps[c] + pt[c];
    }
    for (int b = 1; b < d->batch; b++)
        memcpy(d->x + (size_t)b * N * D, d->x, (size_t)N * D * sizeof(float));

    for (int i = 0; i < m->cfg.depth; i++) {
        DiffLinearOp *l = d->lin + i * L_PER_BLOCK;
        const float *tab = m->blocks[i].mod;
        float *b1, *s1, *g1, *b2, *s2, *g2, *b3, *s3, *g3;

        for (int j = 0; j < 9 * D; j++)
            mv[j] = d->mods[j] + tab[j];
        b1 = mv;         s1 = mv + D;     g1 = mv + 2 * D;
        b2 = mv + 3 * D; s2 = mv + 4 * D; g2 = mv + 5 * D;
        b3 = mv + 6 * D; s3 = mv + 7 * D; g3 = mv + 8 * D;
        for (int j = 0; j < D; j++) {
            s1[j] += 1.0f;
            s2[j] += 1.0f;
            s3[j] += 1.0f;
        }

#define RUN(x) if ((ret = (x)) < 0) return ret
        ff_diff_layer_norm(d->x, d->y, d->bf16, rows, D, s1, b1, 1e-6f);
        RUN(ff_diff_linear_run(d->dnn, &l[L_S_QKV]));
        RUN(ff_diff_attention_run(d->dnn, &d->s_att[i]));
        RUN(ff_diff_linear_run(d->dnn, &l[L_S_OUT]));
        ff_diff_add_gated(d->x, d->tmp, g1, rows, D);

        ff_diff_layer_norm(d->x, d->y, d->bf16, rows, D, s2, b2, 1e-6f);
        RUN(ff_diff_linear_run(d->dnn, &l[L_T_QKV]));
        RUN(ff_diff_attention_run(d->dnn, &d->t_att[i]));
        RUN(ff_diff_linear_run(d->dnn, &l[L_T_OUT]));
        ff_diff_add_gated(d->x, d->tmp, g2, rows, D);

        ff_diff_layer_norm(d->x, d->y, d->bf16, rows, D, NULL, NULL, 1e-6f);
        RUN(ff_diff_linear_run(d->dnn, &l[L_X_Q]));
        for (int b = 0; b < d->batch; b++)
            RUN(ff_diff_attention_run(d->dnn, &d->x_att[i * d->batch + b]));
        RUN(ff_diff_linear_run(d->dnn, &l[L_X_OUT]));
        ff_diff_add_gated(d->x, d->tmp, NULL, rows, D);

        ff_diff_layer_norm(d->x, d->y, d->bf16, rows, D, s3, b3, 1e-6f);
        RUN(ff_diff_linear_run(d->dnn, &l[L_FC1]));
        RUN(ff_diff_linear_run(d->dnn, &l[L_FC2]));
        ff_diff_add_gated(d->x, d->tmp, g3, rows, D);
#undef RUN
    }

    /* final modulated norm, pixels and events */
    ff_diff_linear_ref(&m->final_mod, 1, st, fm, DIFF_ACT_NONE);
    for (int j = 0; j < D; j++)
        fm[D + j] += 1.0f;
    ff_diff_layer_norm(d->x, d->tmp, 0, rows, D, fm + D, fm, 1e-6f);
    if ((ret = ff_diff_linear_run(d->dnn, &d->head)) < 0)
        return ret;
    if (m->cfg.head_kernel == 3) {
        const size_t n = (size_t)rows * d->C * d->p * d->p;
        gather_neighbours(d, d->tmp, d->nbin);
        if ((ret = ff_diff_linear_run(d->dnn, &d->head_nb)) < 0)
            return ret;
        for (size_t i = 0; i < n; i++)
            d->hout[i] += d->hnb[i];
    }
    for (int b = 0; b < d->batch; b++) {
        const size_t clip = (size_t)d->T * d->C * d->size * d->size;
        unpatchify_output(d, d->hout + (size_t)b * N * d->C * d->p * d->p, x0 + b * clip);
    }
    if (d->refiner && (ret = ff_diff_refiner_run(d->refiner, st, xt, x0)) < 0)
        return ret;
    for (int b = 0; b < d->batch && events; b++) {
        for (int f = 0; f < d->T; f++) {
            const float *yr = d->tmp + ((size_t)b * N + (size_t)f * S) * D;
            for (int c = 0; c < D; c++) {
                double acc = 0;
                for (int s = 0; s < S; s++)
                    acc += yr[(size_t)s * D + c];
                mean[c] = acc / S;
            }
            ff_diff_linear_ref(&m->events, 1, mean,
                               events + ((size_t)b * d->T + f) * DIFF_N_EVENTS, DIFF_ACT_NONE);
        }
    }
    return 0;
}
