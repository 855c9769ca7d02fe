/*
 * Pixel refiner of the denoiser on oneDNN convolutions
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

#include <string.h>

#include "libavutil/error.h"
#include "libavutil/log.h"
#include "libavutil/mem.h"

#include "conv.h"
#include "refiner.h"

void ff_diff_refiner_free(DiffRefiner **pr)
{
    DiffRefiner *r = *pr;
    if (!r)
        return;
    ff_diff_linear_free(&r->feat_op);
    for (int i = 0; i < 3; i++) {
        ff_diff_op_free(&r->conv[i]);
        av_freep(&r->wpack[i]);
    }
    av_freep(&r->arena);
    av_freep(pr);
}

int ff_diff_refiner_init(DiffRefiner **pr, const DiffModel *m, DiffDnn *dnn,
                         int batch, float *y, void *log_ctx)
{
    const DiffModelConfig *c = &m->cfg;
    const int CI = 6 + DIFF_REFINE_FEAT;
    DiffRefiner *r;
    size_t px, sizes[6], off = 0;
    int64_t tokens;
    int ret;

    if (c->refine < 1)
        return AVERROR(EINVAL);
    r = av_mallocz(sizeof(*r));
    if (!r)
        return AVERROR(ENOMEM);
    *pr = r;
    r->m      = m;
    r->dnn    = dnn;
    r->batch  = batch;
    r->frames = c->frames;
    r->size   = c->size;
    r->p      = c->patch;
    r->R      = c->refine;
    tokens    = (int64_t)batch * c->frames * (c->size / c->patch) * (c->size / c->patch);
    px        = (size_t)batch * c->frames * c->size * c->size;

    sizes[0] = ff_diff_align(tokens * DIFF_REFINE_FEAT * r->p * r->p * sizeof(float));
    sizes[1] = ff_diff_align(px * CI * sizeof(float));
    sizes[2] = ff_diff_align(px * r->R * sizeof(float));
    sizes[3] = sizes[2];
    sizes[4] = ff_diff_align(px * 3 * sizeof(float));
    sizes[5] = ff_diff_align(r->R * sizeof(float));
    for (int i = 0; i < FF_ARRAY_ELEMS(sizes); i++)
        off += sizes[i];
    r->arena = av_mallocz(off);
    if (!r->arena) {
        ret = AVERROR(ENOMEM);
        goto fail;
    }
    off = 0;
    r->feat  = (float *)(r->arena + off); off += sizes[0];
    r->in    = (float *)(r->arena + off); off += sizes[1];
    r->h1    = (float *)(r->arena + off); off += sizes[2];
    r->h2    = (float *)(r->arena + off); off += sizes[3];
    r->out   = (float *)(r->arena + off); off += sizes[4];
    r->bias1 = (float *)(r->arena + off); off += sizes[5];
    av_log(log_ctx, AV_LOG_VERBOSE, "pixel refiner plan: %d channels, arena %zu KiB\n",
           r->R, off >> 10);

    {
        const int images = batch * c->frames;
        const DiffConvParams *cp = m->refiner.conv;
        if ((ret = ff_diff_linear_init(dnn, &r->feat_op, &m->refiner.feat, tokens, y, dnnl_f32,
                                       r->feat, dnnl_f32, DIFF_ACT_NONE, "refiner feat")) < 0 ||
            (ret = ff_diff_conv3x3_init(dnn, &r->conv[0], &r->wpack[0], &cp[0], images,
                                        r->size, 1, r->in, r->bias1, r->h1, 1,
                                        "refiner conv1")) < 0 ||
            (ret = ff_diff_conv3x3_init(dnn, &r->conv[1], &r->wpack[1], &cp[1], images,
                                        r->size, 1, r->h1, cp[1].b, r->h2, 1,
                                        "refiner conv2")) < 0 ||
            (ret = ff_diff_conv3x3_init(dnn, &r->conv[2], &r->wpack[2], &cp[2], images,
                                        r->size, 1, r->h2, cp[2].b, r->out, 0,
                                        "refiner conv3")) < 0)
            goto fail;
    }
    return 0;
fail:
    ff_diff_refiner_free(pr);
    return ret;
}

/* in[image][y][x][0..13] = x0_head (3), x_t (3), the token features (8) */
static void gather_input(DiffRefiner *r, const float *xt, const float *x0)
{
    const int W = r->size, p = r->p, n = W / p, CI = 6 + DIFF_REFINE_FEAT;
    const int FP = DIFF_REFINE_FEAT * p * p;
    const size_t plane = (size_t)W * W;

    for (int b = 0; b < r->batch; b++) {
        for (int t = 0; t < r->frames; t++) {
            const int img = b * r->frames + t;
            const float *x0f = x0 + (size_t)img * 3 * plane;
            const float *xtf = xt + (size_t)t * 3 * plane;
            const float *ff  = r->feat + (size_t)img * n * n * FP;
            float *dst = r->in + (size_t)img * plane * CI;

            for (int y = 0; y < W; y++) {
                for (int x = 0; x < W; x++, dst += CI) {
                    /* a token's features are ordered (channel, row, column) */
                    const float *tok = ff + ((size_t)(y / p) * n + x / p) * FP +
                                       (y % p) * p + x % p;
                    const size_t o = (size_t)y * W + x;
                    for (int c = 0; c < 3; c++) {
                        dst[c]     = x0f[c * plane + o];
                        dst[3 + c] = xtf[c * plane + o];
                    }
                    for (int c = 0; c < DIFF_REFINE_FEAT; c++)
                        dst[6 + c] = tok[c * p * p];
                }
            }
        }
    }
}

int ff_diff_refiner_run(DiffRefiner *r, const float *st, const float *xt, float *x0)
{
    const DiffModel *m = r->m;
    const size_t plane = (size_t)r->size * r->size;
    const int images = r->batch * r->frames;
    int ret;

    ff_diff_linear_ref(&m->refiner.time, 1, st, r->bias1, DIFF_ACT_NONE);
    for (int i = 0; i < r->R; i++)
        r->bias1[i] += m->refiner.conv[0].b[i];
    if ((ret = ff_diff_linear_run(r->dnn, &r->feat_op)) < 0)
        return ret;
    gather_input(r, xt, x0);
    for (int i = 0; i < 3; i++)
        if ((ret = ff_diff_op_run(r->dnn, &r->conv[i])) < 0)
            return ret;
    for (int img = 0; img < images; img++) {
        const float *o = r->out + (size_t)img * plane * 3;
        float *dst = x0 + (size_t)img * 3 * plane;
        for (size_t i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++)
                dst[c * plane + i] += o[i * 3 + c];
    }
    return 0;
}
