/*
 * soragen model file: hyperparameters, vocabulary and weights
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

#ifndef AVFILTER_DIFFUSION_MODEL_H
#define AVFILTER_DIFFUSION_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "linear.h"

#define DIFF_MODEL_FORMAT "soragen-1"
#define DIFF_DEFAULT_MODEL "soragen.safetensors"
#define DIFF_IN_CH     7   /* noisy clip, context clip, context mask */
#define DIFF_CAMEO_CH  4   /* premultiplied RGBA */
#define DIFF_CAMEO_SIZE 32
#define DIFF_N_EVENTS  2   /* contact, footfall */
#define DIFF_TEMB_DIM  256
#define DIFF_REFINE_FEAT 8 /* token features per pixel handed to the pixel refiner */
#define DIFF_REFINE_MAX  256
#define DIFF_LATENT_CH   4 /* latent models: channels of the autoencoder's latents */
#define DIFF_AE_STRIDE   4 /* pixels a latent pixel covers, a side */
#define DIFF_AE_GROUPS   8 /* group norm groups of the autoencoder */

typedef struct DiffModelConfig {
    int dim, heads, depth;
    int text_layers, text_heads, max_tokens;
    int frames, size, patch, fps;
    int head_kernel; /* 1: a patch's pixels from its token; 3: and its 8 neighbours' */
    int refine;      /* channels of the pixel refiner (refiner.h); 0: none */
    int channels;    /* of the denoiser's clip: 3 (pixels) or DIFF_LATENT_CH (latents) */
    int cameo_patch; /* patch size of the cameo image's tokens */
    int ae_c1, ae_c2; /* the frame autoencoder's widths (autoencoder.h); 0: pixel model */
    int frame_size;  /* pixels a frame side: size, or size * DIFF_AE_STRIDE */
    float gravity;  /* of the training world, px/s^2 at frame_size; 0 = not given */
} DiffModelConfig;

/** A 3x3 convolution as stored in the model: w[out][in][3][3], b[out]. */
typedef struct DiffConvParams {
    int in, out;
    float *w;
    float *b;
} DiffConvParams;

/** Group normalisation's affine parameters, [ch] each. */
typedef struct DiffGroupNormParams {
    float *w, *b;
} DiffGroupNormParams;

/** x + c2(silu(n2(c1(silu(n1(x)))))) */
typedef struct DiffResBlockParams {
    DiffGroupNormParams n1, n2;
    DiffConvParams c1, c2;
} DiffResBlockParams;

/** The frame autoencoder of a latent model (ae.*, autoencoder.h). */
typedef struct DiffAutoencoderParams {
    DiffConvParams enc_in, enc_down1, enc_down2, enc_out;
    DiffResBlockParams enc_res[3];
    DiffGroupNormParams enc_norm;
    DiffConvParams dec_in, dec_up1, dec_up2, dec_out;
    DiffResBlockParams dec_res[4];
    DiffGroupNormParams dec_norm;
    float *shift, *scale;       /* [DIFF_LATENT_CH]: z = (enc(x) - shift) * scale */
} DiffAutoencoderParams;

/** The pixel refiner (den.refiner.*, refiner.h), models with refine > 0. */
typedef struct DiffRefinerParams {
    DiffLinearParams feat;      /* [DIFF_REFINE_FEAT p^2][dim] */
    DiffLinearParams time;      /* [refine][dim] */
    DiffConvParams conv[3];     /* 6 + DIFF_REFINE_FEAT -> refine -> refine -> 3 */
} DiffRefinerParams;

typedef struct DiffTextLayerParams {
    float *ln1_w, *ln1_b, *ln2_w, *ln2_b;
    DiffLinearParams qkv, out, fc1, fc2;
} DiffTextLayerParams;

typedef struct DiffBlockParams {
    float *mod;                   /* [9 * dim] per-block modulation table */
    DiffLinearParams s_qkv, s_out, t_qkv, t_out, x_q, x_kv, x_out, fc1, fc2;
} DiffBlockParams;

typedef struct DiffModel {
    DiffModelConfig cfg;
    char *path;
    char **vocab;
    int vocab_size;

    /* text encoder */
    float *tok_emb, *text_pos, *ln_f_w, *ln_f_b;
    DiffTextLayerParams *text_layers;

    /* denoiser */
    DiffLinearParams patch_in, cameo_in, t_fc1, t_fc2, mod, final_mod, head, events;
    DiffLinearParams head_nb;   /* [3 p^2][8 dim], head_kernel 3 only */
    DiffRefinerParams refiner; /* refine > 0 only */
    DiffAutoencoderParams ae;  /* latent models only */
    float *pos_s, *pos_t, *cameo_pos;
    DiffBlockParams *blocks;

    float *store;        /* every parameter, f32, one allocation */
    size_t store_size;   /* in floats */
} DiffModel;

/**
 * Load and validate a soragen model file (safetensors).  Every tensor the
 * architecture needs must be present with the exact shape; extra tensors
 * are an error too.
 */
int  ff_diff_model_load(DiffModel **pm, const char *path, void *log_ctx);

/**
 * The same for a file image in memory (copied); name is used in messages
 * and as the model's path.
 */
int  ff_diff_model_parse(DiffModel **pm, const uint8_t *buf, size_t size, const char *name,
                         void *log_ctx);
void ff_diff_model_free(DiffModel **pm);

/** Directory of the shipped model files: $SORAGEN_MODEL_DIR, else FFmpeg's datadir. */
const char *ff_diff_model_dir(void);

/**
 * Load path, or the default model (DIFF_DEFAULT_MODEL in ff_diff_model_dir())
 * when path is NULL; a failure names the file and how to choose another.
 */
int  ff_diff_model_open(DiffModel **pm, const char *path, void *log_ctx);

/** Number of parameters (for logs and the model card). */
size_t ff_diff_model_params(const DiffModel *m);

#endif /* AVFILTER_DIFFUSION_MODEL_H */
