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

#include <string.h>

#include "libavutil/error.h"
#include "libavutil/log.h"
#include "libavutil/mem.h"

#include "attention.h"

static int view_md(dnnl_memory_desc_t *md, int nb, const int64_t *bdims,
                   int64_t rows, int64_t cols, const DiffAttnView *v,
                   int transpose, dnnl_data_type_t dt)
{
    int64_t dims[DIFF_ATTN_MAX_BATCH_DIMS + 2], strides[DIFF_ATTN_MAX_BATCH_DIMS + 2];

    for (int i = 0; i < nb; i++) {
        dims[i]    = bdims[i];
        strides[i] = v->stride[i];
    }
    dims[nb]     = rows;
    dims[nb + 1] = cols;
    /* transpose: the view holds [cols tokens][rows channels] (keys as K^T) */
    strides[nb]     = transpose ? 1 : v->stride[nb];
    strides[nb + 1] = transpose ? v->stride[nb] : 1;
    return ff_diff_md(md, nb + 2, dims, dt, strides);
}

int ff_diff_attention_init(DiffDnn *d, DiffAttention *a, int nb, const int64_t *bdims,
                           int64_t nq, int64_t nk, int hd, float scale,
                           const DiffAttnView *q, const DiffAttnView *k,
                           const DiffAttnView *v, const DiffAttnView *out,
                           dnnl_data_type_t dt, void *scores, void *probs,
                           const char *what)
{
    dnnl_memory_desc_t q_md, k_md, v_md, o_md, s_md, p_md;
    dnnl_matmul_desc_t mm;
    dnnl_softmax_v2_desc_t sm;
    dnnl_primitive_attr_t attr = NULL;
    int64_t sdims[DIFF_ATTN_MAX_BATCH_DIMS + 2];
    int ret;

    memset(a, 0, sizeof(*a));
    if (nb > DIFF_ATTN_MAX_BATCH_DIMS)
        return AVERROR_BUG;
    for (int i = 0; i < nb; i++)
        sdims[i] = bdims[i];
    sdims[nb]     = nq;
    sdims[nb + 1] = nk;
    a->scores = scores;
    a->probs  = dt == dnnl_f32 ? scores : probs;

    if ((ret = view_md(&q_md, nb, bdims, nq, hd, q, 0, dt)) < 0 ||
        (ret = view_md(&k_md, nb, bdims, hd, nk, k, 1, dt)) < 0 ||
        (ret = view_md(&v_md, nb, bdims, nk, hd, v, 0, dt)) < 0 ||
        (ret = view_md(&o_md, nb, bdims, nq, hd, out, 0, dt)) < 0 ||
        (ret = ff_diff_md(&s_md, nb + 2, sdims, dnnl_f32, NULL)) < 0 ||
        (ret = ff_diff_md(&p_md, nb + 2, sdims, dt, NULL)) < 0)
        return ret;

    /* scores = scale * q k^T */
    if (dnnl_matmul_desc_init(&mm, &q_md, &k_md, NULL, &s_md) != dnnl_success ||
        dnnl_primitive_attr_create(&attr) != dnnl_success ||
        dnnl_primitive_attr_set_output_scales(attr, 1, 0, &scale) != dnnl_success) {
        ret = AVERROR_EXTERNAL;
        goto end;
    }
    if ((ret = ff_diff_op_create(d, &a->qk, &mm, attr, NULL, what)) < 0 ||
        (ret = ff_diff_op_arg(d, &a->qk, DNNL_ARG_SRC, &q_md, q->ptr)) < 0 ||
        (ret = ff_diff_op_arg(d, &a->qk, DNNL_ARG_WEIGHTS, &k_md, k->ptr)) < 0 ||
        (ret = ff_diff_op_arg(d, &a->qk, DNNL_ARG_DST, &s_md, a->scores)) < 0)
        goto end;

    /* probabilities over the key axis */
    if (dnnl_softmax_v2_forward_desc_init(&sm, dnnl_forward_inference, dnnl_softmax_accurate,
                                          &s_md, &p_md, nb + 1) != dnnl_success) {
        ret = AVERROR_EXTERNAL;
        goto end;
    }
    if ((ret = ff_diff_op_create(d, &a->softmax, &sm, NULL, NULL, what)) < 0 ||
        (ret = ff_diff_op_arg(d, &a->softmax, DNNL_ARG_SRC, &s_md, a->scores)) < 0 ||
        (ret = ff_diff_op_arg(d, &a->softmax, DNNL_ARG_DST, &p_md, a->probs)) < 0)
        goto end;

    /* out = p v */
    if (dnnl_matmul_desc_init(&mm, &p_md, &v_md, NULL, &o_md) != dnnl_success) {
        ret = AVERROR_EXTERNAL;
        goto end;
    }
    if ((ret = ff_diff_op_create(d, &a->pv, &mm, NULL, NULL, what)) < 0 ||
        (ret = ff_diff_op_arg(d, &a->pv, DNNL_ARG_SRC, &p_md, a->probs)) < 0 ||
        (ret = ff_diff_op_arg(d, &a->pv, DNNL_ARG_WEIGHTS, &v_md, v->ptr)) < 0 ||
        (ret = ff_diff_op_arg(d, &a->pv, DNNL_ARG_DST, &o_md, out->ptr)) < 0)
        goto end;
end:
    if (attr)
        dnnl_primitive_attr_destroy(attr);
    return ret;
}

size_t ff_diff_attention_scores_size(int nb, const int64_t *bdims, int64_t nq, int64_t nk)
{
    size_t n = nq * nk * sizeof(float);
    for (int i = 0; i < nb; i++)
        n *= bdims[i];
    return n;
}

int ff_diff_attention_run(DiffDnn *d, DiffAttention *a)
{
    int ret;
    if ((ret = ff_diff_op_run(d, &a->qk)) < 0 ||
        (ret = ff_diff_op_run(d, &a->softmax)) < 0)
        return ret;
    return ff_diff_op_run(d, &a->pv);
}

void ff_diff_attention_free(DiffAttention *a)
{
    ff_diff_op_free(&a->qk);
    ff_diff_op_free(&a->softmax);
    ff_diff_op_free(&a->pv);
}
