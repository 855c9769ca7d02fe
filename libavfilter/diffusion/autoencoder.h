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

#ifndef AVFILTER_DIFFUSION_AUTOENCODER_H
#define AVFILTER_DIFFUSION_AUTOENCODER_H

#include <stdint.h>

#include "model.h"
#include "onednn.h"

/**
 * The frame autoencoder a latent model carries (metadata ae_c1/ae_c2,
 * tensors ae.*; models/train/autoencoder.py, doc/model-format.md).  It
 * maps frames of frame_size^2 RGB pixels in [-1, 1] to size^2 latents of
 * DIFF_LATENT_CH channels (stride DIFF_AE_STRIDE) and back, one frame at a
 * time:
 *   encoder: conv c1, res, conv/2 c2, res, conv/2 c2, res, GN, silu, conv 4;
 *            z = (that - shift) * scale
 *   decoder: z / scale + shift, conv c2, res, res, up2 + conv c2, res,
 *            up2 + conv c1, res, GN, silu, conv 3
 *   res(x) = x + conv(silu(GN(conv(silu(GN(x)))))), 3x3 convolutions,
 *            group norm of DIFF_AE_GROUPS groups, nearest-neighbour up2.
 * The convolutions are oneDNN primitives planned once for `images` frames,
 * channels last, f32.
 */
typedef struct DiffAutoencoder DiffAutoencoder;

int  ff_diff_autoencoder_init(DiffAutoencoder **pae, const DiffModel *m, DiffDnn *dnn,
                              int images, void *log_ctx);
void ff_diff_autoencoder_free(DiffAutoencoder **pae);

/** px [n][3][F][F] in [-1, 1] (F = frame_size) -> z [n][C][S][S] (S = size); n <= images. */
int  ff_diff_autoencoder_encode(DiffAutoencoder *ae, const float *px, int n, float *z);

/** z [n][C][S][S] -> px [n][3][F][F], clamped to [-1, 1]; n <= images. */
int  ff_diff_autoencoder_decode(DiffAutoencoder *ae, const float *z, int n, float *px);

/**
 * A pixel mask [n][F][F] (1 = known) as the latent mask [n][S][S] a latent
 * model is given (F = S * DIFF_AE_STRIDE): a latent pixel is known (1) only
 * where all the pixels it covers are (>= 0.5), as in training (to_latent()
 * of models/train/train.py).
 */
void ff_diff_latent_known(const float *mask, int n, int S, float *known);

#endif /* AVFILTER_DIFFUSION_AUTOENCODER_H */
