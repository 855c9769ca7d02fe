/*
 * 3x3 convolutions over images stored channels last, on oneDNN
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

#include "libavutil/error.h"
#include "libavutil/log.h"

#include "conv.h"

int ff_diff_image_md(dnnl_memory_desc_t *md, int images, int ch, int size)
{
    const int64_t dims[4]    = { images, ch, size, size };
    const int64_t strides[4] = { (int64_t)size * size * ch, 1, (int64_t)size * ch, ch };
    return ff_diff_md(md, 4, dims, dnnl_f32, strides);
}

int ff_diff_conv3x3_init(DiffDnn *d, DiffOp *op, void **wpack, const DiffConvParams *p,
                         int images, int size, int stride, float *src, const float *bias,
                         float *dst, int silu, const char *what)
{
    dnnl_memory_desc_t src_md, dst_md, bias_md, wuser_md, wany_md;
    dnnl_convolution_desc_t desc;
    const int64_t wdims[4] = { p->out, p->in, 3, 3 };
    const int64_t bdims[1] = { p->out };
    dnnl_dims_t wd = { p->out, p->in, 3, 3 };
    dnnl_dims_t strides = { stride, stride }, pad = { 1, 1 };
    int ret;

    if ((stride != 1 && stride != 2) || size % stride)
        return AVERROR(EINVAL);
    if ((ret = ff_diff_image_md(&src_md, images, p->in, size)) < 0 ||
        (ret = ff_diff_image_md(&dst_md, images, p->out, size / stride)) < 0 ||
        (ret = ff_diff_md(&bias_md, 1, bdims, dnnl_f32, NULL)) < 0 ||
        (ret = ff_diff_md(&wuser_md, 4, wdims, dnnl_f32, NULL)) < 0)
        return ret;
    if (dnnl_memory_desc_init_by_tag(&wany_md, 4, wd, dnnl_f32, dnnl_format_tag_any) != dnnl_success ||
        dnnl_convolution_forward_desc_init(&desc, dnnl_forward_inference, dnnl_convolution_direct,
                                           &src_md, &wany_md, &bias_md, &dst_md,
                                           strides, pad, pad) != dnnl_success) {
        av_log(d->log_ctx, AV_LOG_ERROR, "%s: bad convolution shapes\n", what);
        return AVERROR(EINVAL);
    }
    /* oneDNN's swish is x * sigmoid(alpha x): silu with alpha 1 */
    return ff_diff_weighted_op_create(d, op, wpack, &desc,
                                      silu ? dnnl_eltwise_swish : dnnl_alg_kind_undef, 1.0f,
                                      &wuser_md, p->w, &src_md, src, &bias_md, bias,
                                      &dst_md, dst, what);
}
