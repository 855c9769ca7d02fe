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

#ifndef AVFILTER_DIFFUSION_CONV_H
#define AVFILTER_DIFFUSION_CONV_H

#include "model.h"
#include "onednn.h"

/** Memory descriptor of images[n][size][size][ch] (logical dims n, ch, size, size). */
int ff_diff_image_md(dnnl_memory_desc_t *md, int images, int ch, int size);

/**
 * dst = act(conv3x3(src) + bias) over `images` square images of side
 * `size`, zero padding 1, stride 1 or 2 (dst is size / stride a side),
 * act = silu when `silu`; src and dst are stored channels last and never
 * move.  The weights p->w [out][in][3][3] are prepacked into *wpack
 * (caller frees).
 */
int ff_diff_conv3x3_init(DiffDnn *d, DiffOp *op, void **wpack, const DiffConvParams *p,
                         int images, int size, int stride, float *src, const float *bias,
                         float *dst, int silu, const char *what);

#endif /* AVFILTER_DIFFUSION_CONV_H */
