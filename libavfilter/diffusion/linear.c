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

#include <math.h>
#include <string.h>

#include "libavutil/error.h"
#include "libavutil/log.h"
#include "libavutil/mem.h"

#include "linear.h"

float ff_diff_gelu_tanh(float x)
{
    const float k = 0.7978845608028654f; /* sqrt(2 / pi) */
    return 0.5f * x * (1.0f + tanhf(k * (x + 0.044715f * x * x * x)));
}

float ff_diff_silu(float x)
{
    return x / (1.0f + expf(-x));
}

int ff_diff_linear_init(DiffDnn *d, DiffLinearOp *l, const DiffLinearParams *p,
                        int64_t rows, void *src, dnnl_data_type_t src_dt,
                        void *dst, dnnl_data_type_t dst_dt,
                        enum DiffActivation act, const char *what)
{
    dnnl_memory_desc_t src_md, wany_md, wuser_md, bias_md, dst_md;
    dnnl_matmul_desc_t desc;
    dnnl_dims_t wdims = { p->in, p->out };
    int64_t sdims[2] = { rows, p->in }, ddims[2] = { rows, p->out };
    int64_t bdims[2] = { 1, p->out };
    int64_t wstrides[2] = { 1, p->in }; /* W^T viewed from w[out][in] */
    dnnl_data_type_t wdt = src_dt == dnnl_bf16 ? dnnl_bf16 : dnnl_f32;
    int ret;

    memset(l, 0, sizeof(*l));
    if ((ret = ff_diff_md(&src_md, 2, sdims, src_dt, NULL)) < 0 ||
        (ret = ff_diff_md(&dst_md, 2, ddims, dst_dt, NULL)) < 0 ||
        (ret = ff_diff_md(&bias_md, 2, bdims, dnnl_f32, NULL)) < 0 ||
        (ret = ff_diff_md(&wuser_md, 2, (int64_t[2]){ p->in, p->out }, dnnl_f32, wstrides)) < 0)
        return ret;
    if (dnnl_memory_desc_init_by_tag(&wany_md, 2, wdims, wdt, dnnl_format_tag_any) != dnnl_success ||
        dnnl_matmul_desc_init(&desc, &src_md, &wany_md, &bias_md, &dst_md) != dnnl_success) {
        av_log(d->log_ctx, AV_LOG_ERROR, "%s: bad matmul shapes\n", what);
        return AVERROR(EINVAL);
    }
    return ff_diff_weighted_op_create(d, &l->op, &l->wpack, &desc,
                                      act == DIFF_ACT_GELU_TANH ? dnnl_eltwise_gelu_tanh :
                                                                  dnnl_alg_kind_undef, 0.0f,
                                      &wuser_md, p->w, &src_md, src, &bias_md, p->b,
                                      &dst_md, dst, what);
}

int ff_diff_linear_run(DiffDnn *d, DiffLinearOp *l)
{
    return ff_diff_op_run(d, &l->op);
}

void ff_diff_linear_free(DiffLinearOp *l)
{
    ff_diff_op_free(&l->op);
    av_freep(&l->wpack);
}

void ff_diff_linear_ref(const DiffLinearParams *p, int rows, const float *src,
                        float *dst, enum DiffActivation act)
{
    for (int r = 0; r < rows; r++) {
        const float *x = src + (size_t)r * p->in;
        float *y = dst + (size_t)r * p->out;
        for (int o = 0; o < p->out; o++) {
            const float *w = p->w + (size_t)o * p->in;
            double acc = p->b ? p->b[o] : 0.0;
            for (int i = 0; i < p->in; i++)
                acc += (double)x[i] * w[i];
            y[o] = act == DIFF_ACT_GELU_TANH ? ff_diff_gelu_tanh(acc) : acc;
        }
    }
}
