/*
 * Frame autoencoder of latent models: pixels to latents and back
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

#include "libavutil/common.h"
#include "libavutil/error.h"
#include "libavutil/log.h"
#include "libavutil/mem.h"

#include "autoencoder.h"
#include "conv.h"
#include "norm.h"

#define GN_EPS 1e-5f   /* PyTorch's GroupNorm default */

enum {
    ENC_IN, ENC_RES1 = ENC_IN + 1, ENC_DOWN1 = ENC_RES1 + 2, ENC_RES2, ENC_DOWN2 = ENC_RES2 + 2,
    ENC_RES3, ENC_OUT = ENC_RES3 + 2,
    DEC_IN, DEC_RES1, DEC_RES2 = DEC_RES1 + 2, DEC_UP1 = DEC_RES2 + 2, DEC_RES3,
    DEC_UP2 = DEC_RES3 + 2, DEC_RES4, DEC_OUT = DEC_RES4 + 2,
    NB_OPS
};

/* one resolution's buffers, channels last: h the running features, t and
 * u the normalised input and output of a convolution */
typedef struct Level {
    int size, ch;
    float *h, *t, *u;
} Level;

struct DiffAutoencoder {
    const DiffModel *m;
    DiffDnn *dnn;
    int images, F, S, c1, c2;
    uint8_t *arena;
    float *px;          /* [images][F][F][3] */
    float *z;           /* [images][S][S][DIFF_LATENT_CH] */
    float *up;          /* nearest-neighbour up2 input of a convolution, c2 channels */
    Level lv[3];        /* F (c1 channels), F / 2 and F / 4 (c2) */
    DiffOp op[NB_OPS];
    void *wpack[NB_OPS];
};

void ff_diff_autoencoder_free(DiffAutoencoder **pae)
{
    DiffAutoencoder *ae = *pae;
    if (!ae)
        return;
    for (int i = 0; i < NB_OPS; i++) {
        ff_diff_op_free(&ae->op[i]);
        av_freep(&ae->wpack[i]);
    }
    av_freep(&ae->arena);
    av_freep(pae);
}

static int conv(DiffAutoencoder *ae, int idx, const DiffConvParams *p, int size, int stride,
                float *src, float *dst, const char *what)
{
    return ff_diff_conv3x3_init(ae->dnn, &ae->op[idx], &ae->wpack[idx], p, ae->images, size,
                                stride, src, p->b, dst, 0, what);
}

static int res_init(DiffAutoencoder *ae, int idx, const DiffResBlockParams *p, Level *l,
                    const char *what)
{
    int ret;
    if ((ret = conv(ae, idx, &p->c1, l->size, 1, l->t, l->u, what)) < 0)
        return ret;
    return conv(ae, idx + 1, &p->c2, l->size, 1, l->t, l->u, what);
}

int ff_diff_autoencoder_init(DiffAutoencoder **pae, const DiffModel *m, DiffDnn *dnn,
                             int images, void *log_ctx)
{
    const DiffModelConfig *c = &m->cfg;
    const DiffAutoencoderParams *a = &m->ae;
    DiffAutoencoder *ae;
    size_t sizes[12], off = 0;
    int n = 0, ret;

    if (!c->ae_c1 || images < 1)
        return AVERROR(EINVAL);
    ae = av_mallocz(sizeof(*ae));
    if (!ae)
        return AVERROR(ENOMEM);
    *pae = ae;
    ae->m      = m;
    ae->dnn    = dnn;
    ae->images = images;
    ae->F      = c->frame_size;
    ae->S      = c->size;
    ae->c1     = c->ae_c1;
    ae->c2     = c->ae_c2;
    ae->lv[0]  = (Level){ ae->F, ae->c1 };
    ae->lv[1]  = (Level){ ae->F / 2, ae->c2 };
    ae->lv[2]  = (Level){ ae->F / 4, ae->c2 };

#define PIX(side, ch) ff_diff_align((size_t)images * (side) * (side) * (ch) * sizeof(float))
    sizes[n++] = PIX(ae->F, 3);
    sizes[n++] = PIX(ae->S, DIFF_LATENT_CH);
    sizes[n++] = PIX(ae->F, ae->c2);
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++)
            sizes[n++] = PIX(ae->lv[i].size, ae->lv[i].ch);
#undef PIX
    for (int i = 0; i < n; i++)
        off += sizes[i];
    ae->arena = av_mallocz(off);
    if (!ae->arena) {
        ret = AVERROR(ENOMEM);
        goto fail;
    }
    off = 0;
    n = 0;
    ae->px = (float *)(ae->arena + off); off += sizes[n++];
    ae->z  = (float *)(ae->arena + off); off += sizes[n++];
    ae->up = (float *)(ae->arena + off); off += sizes[n++];
    for (int i = 0; i < 3; i++) {
        ae->lv[i].h = (float *)(ae->arena + off); off += sizes[n++];
        ae->lv[i].t = (float *)(ae->arena + off); off += sizes[n++];
        ae->lv[i].u = (float *)(ae->arena + off); off += sizes[n++];
    }
    av_log(log_ctx, AV_LOG_VERBOSE, "autoencoder plan: %d frames of %dx%d <-> %dx%dx%d, "
           "widths %d/%d, arena %zu KiB\n", images, ae->F, ae->F, ae->S, ae->S,
           DIFF_LATENT_CH, ae->c1, ae->c2, off >> 10);

    {
        Level *l0 = &ae->lv[0], *l1 = &ae->lv[1], *l2 = &ae->lv[2];
        if ((ret = conv(ae, ENC_IN, &a->enc_in, ae->F, 1, ae->px, l0->h, "ae enc conv_in")) < 0 ||
            (ret = res_init(ae, ENC_RES1, &a->enc_res[0], l0, "ae enc res1")) < 0 ||
            (ret = conv(ae, ENC_DOWN1, &a->enc_down1, l0->size, 2, l0->h, l1->h, "ae enc down1")) < 0 ||
            (ret = res_init(ae, ENC_RES2, &a->enc_res[1], l1, "ae enc res2")) < 0 ||
            (ret = conv(ae, ENC_DOWN2, &a->enc_down2, l1->size, 2, l1->h, l2->h, "ae enc down2")) < 0 ||
            (ret = res_init(ae, ENC_RES3, &a->enc_res[2], l2, "ae enc res3")) < 0 ||
            (ret = conv(ae, ENC_OUT, &a->enc_out, l2->size, 1, l2->t, ae->z, "ae enc conv_out")) < 0 ||
            (ret = conv(ae, DEC_IN, &a->dec_in, ae->S, 1, ae->z, l2->h, "ae dec conv_in")) < 0 ||
            (ret = res_init(ae, DEC_RES1, &a->dec_res[0], l2, "ae dec res1")) < 0 ||
            (ret = res_init(ae, DEC_RES2, &a->dec_res[1], l2, "ae dec res2")) < 0 ||
            (ret = conv(ae, DEC_UP1, &a->dec_up1, l1->size, 1, ae->up, l1->h, "ae dec up1")) < 0 ||
            (ret = res_init(ae, DEC_RES3, &a->dec_res[2], l1, "ae dec res3")) < 0 ||
            (ret = conv(ae, DEC_UP2, &a->dec_up2, l0->size, 1, ae->up, l0->h, "ae dec up2")) < 0 ||
            (ret = res_init(ae, DEC_RES4, &a->dec_res[3], l0, "ae dec res4")) < 0 ||
            (ret = conv(ae, DEC_OUT, &a->dec_out, l0->size, 1, l0->t, ae->px, "ae dec conv_out")) < 0)
            goto fail;
    }
    if ((ret = ff_diff_dnn_finalize(dnn)) < 0)
        goto fail;
    return 0;
fail:
    ff_diff_autoencoder_free(pae);
    return ret;
}

static void group_norm(DiffAutoencoder *ae, const Level *l, const float *src, float *dst,
                       const DiffGroupNormParams *p)
{
    ff_diff_group_norm(src, dst, ae->images, l->size * l->size, l->ch, DIFF_AE_GROUPS,
                       p->w, p->b, GN_EPS, 1);
}

/* h += c2(silu(n2(c1(silu(n1(h)))))) */
static int res_run(DiffAutoencoder *ae, int idx, const DiffResBlockParams *p, Level *l)
{
    const size_t n = (size_t)ae->images * l->size * l->size * l->ch;
    int ret;

    group_norm(ae, l, l->h, l->t, &p->n1);
    if ((ret = ff_diff_op_run(ae->dnn, &ae->op[idx])) < 0)
        return ret;
    group_norm(ae, l, l->u, l->t, &p->n2);
    if ((ret = ff_diff_op_run(ae->dnn, &ae->op[idx + 1])) < 0)
        return ret;
    for (size_t i = 0; i < n; i++)
        l->h[i] += l->u[i];
    return 0;
}

/* ae->up = nearest-neighbour up2 of src [images][side][side][ch] */
static void upsample2(DiffAutoencoder *ae, const float *src, int side, int ch)
{
    const size_t row = (size_t)ch * sizeof(float);
    for (int img = 0; img < ae->images; img++) {
        const float *s = src + (size_t)img * side * side * ch;
        float *d = ae->up + (size_t)img * 4 * side * side * ch;
        for (int y = 0; y < 2 * side; y++)
            for (int x = 0; x < 2 * side; x++)
                memcpy(d + ((size_t)y * 2 * side + x) * ch,
                       s + ((size_t)(y / 2) * side + x / 2) * ch, row);
    }
}

int ff_diff_autoencoder_encode(DiffAutoencoder *ae, const float *px, int n, float *z)
{
    const DiffAutoencoderParams *a = &ae->m->ae;
    const size_t fp = (size_t)ae->F * ae->F, zp = (size_t)ae->S * ae->S;
    Level *l0 = &ae->lv[0], *l1 = &ae->lv[1], *l2 = &ae->lv[2];
    int ret;

    if (n < 1 || n > ae->images)
        return AVERROR(EINVAL);
    memset(ae->px, 0, ae->images * fp * 3 * sizeof(float));
    for (int img = 0; img < n; img++)
        for (size_t i = 0; i < fp; i++)
            for (int c = 0; c < 3; c++)
                ae->px[(img * fp + i) * 3 + c] = px[(img * 3 + c) * fp + i];
    if ((ret = ff_diff_op_run(ae->dnn, &ae->op[ENC_IN])) < 0 ||
        (ret = res_run(ae, ENC_RES1, &a->enc_res[0], l0)) < 0 ||
        (ret = ff_diff_op_run(ae->dnn, &ae->op[ENC_DOWN1])) < 0 ||
        (ret = res_run(ae, ENC_RES2, &a->enc_res[1], l1)) < 0 ||
        (ret = ff_diff_op_run(ae->dnn, &ae->op[ENC_DOWN2])) < 0 ||
        (ret = res_run(ae, ENC_RES3, &a->enc_res[2], l2)) < 0)
        return ret;
    group_norm(ae, l2, l2->h, l2->t, &a->enc_norm);
    if ((ret = ff_diff_op_run(ae->dnn, &ae->op[ENC_OUT])) < 0)
        return ret;
    for (int img = 0; img < n; img++)
        for (int c = 0; c < DIFF_LATENT_CH; c++)
            for (size_t i = 0; i < zp; i++)
                z[(img * DIFF_LATENT_CH + c) * zp + i] =
                    (ae->z[(img * zp + i) * DIFF_LATENT_CH + c] - a->shift[c]) * a->scale[c];
    return 0;
}

int ff_diff_autoencoder_decode(DiffAutoencoder *ae, const float *z, int n, float *px)
{
    const DiffAutoencoderParams *a = &ae->m->ae;
    const size_t fp = (size_t)ae->F * ae->F, zp = (size_t)ae->S * ae->S;
    Level *l0 = &ae->lv[0], *l1 = &ae->lv[1], *l2 = &ae->lv[2];
    int ret;

    if (n < 1 || n > ae->images)
        return AVERROR(EINVAL);
    memset(ae->z, 0, ae->images * zp * DIFF_LATENT_CH * sizeof(float));
    for (int img = 0; img < n; img++)
        for (int c = 0; c < DIFF_LATENT_CH; c++)
            for (size_t i = 0; i < zp; i++)
                ae->z[(img * zp + i) * DIFF_LATENT_CH + c] =
                    z[(img * DIFF_LATENT_CH + c) * zp + i] / a->scale[c] + a->shift[c];
    if ((ret = ff_diff_op_run(ae->dnn, &ae->op[DEC_IN])) < 0 ||
        (ret = res_run(ae, DEC_RES1, &a->dec_res[0], l2)) < 0 ||
        (ret = res_run(ae, DEC_RES2, &a->dec_res[1], l2)) < 0)
        return ret;
    upsample2(ae, l2->h, l2->size, l2->ch);
    if ((ret = ff_diff_op_run(ae->dnn, &ae->op[DEC_UP1])) < 0 ||
        (ret = res_run(ae, DEC_RES3, &a->dec_res[2], l1)) < 0)
        return ret;
    upsample2(ae, l1->h, l1->size, l1->ch);
    if ((ret = ff_diff_op_run(ae->dnn, &ae->op[DEC_UP2])) < 0 ||
        (ret = res_run(ae, DEC_RES4, &a->dec_res[3], l0)) < 0)
        return ret;
    group_norm(ae, l0, l0->h, l0->t, &a->dec_norm);
    if ((ret = ff_diff_op_run(ae->dnn, &ae->op[DEC_OUT])) < 0)
        return ret;
    for (int img = 0; img < n; img++)
        for (int c = 0; c < 3; c++)
            for (size_t i = 0; i < fp; i++)
                px[(img * 3 + c) * fp + i] = av_clipf(ae->px[(img * fp + i) * 3 + c], -1.0f, 1.0f);
    return 0;
}

void ff_diff_latent_known(const float *mask, int n, int S, float *known)
{
    const int st = DIFF_AE_STRIDE, F = S * st;

    for (int img = 0; img < n; img++)
        for (int y = 0; y < S; y++)
            for (int x = 0; x < S; x++) {
                const float *m = mask + ((size_t)img * F + y * st) * F + x * st;
                int all = 1;
                for (int yy = 0; yy < st && all; yy++)
                    for (int xx = 0; xx < st; xx++)
                        if (m[yy * F + xx] < 0.5f) {
                            all = 0;
                            break;
                        }
                known[((size_t)img * S + y) * S + x] = all;
            }
}
