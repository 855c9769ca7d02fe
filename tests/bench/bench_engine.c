/*
 * Engine benchmark: seconds per denoising step and frames per second
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

/*
 * bench_engine MODEL THREADS PRECISION(f32|bf16) REPS
 * One "step" = one guided denoiser evaluation (conditional + unconditional
 * branch in one batch of 2) on the model's native clip, inputs from
 * the fixed seed 1 so PyTorch (models/train/bench.py) times the same work.
 * The chunk figure is 20 Euler steps and, for a latent model, the
 * decoder that turns the result into frames.
 * Prints "engine <precision> threads=<n>: <ms> ms/step (min of REPS), ..."
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libavutil/log.h"
#include "libavutil/mem.h"
#include "libavutil/time.h"

#include "libavfilter/diffusion/autoencoder.h"
#include "libavfilter/diffusion/denoiser.h"
#include "libavfilter/diffusion/model.h"
#include "libavfilter/diffusion/rng.h"
#include "libavfilter/diffusion/sampler.h"
#include "libavfilter/diffusion/text_encoder.h"
#include "libavfilter/diffusion/tokenizer.h"

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "models/soragen.safetensors";
    int threads = argc > 2 ? atoi(argv[2]) : 2;
    int bf16 = argc > 3 && !strcmp(argv[3], "bf16");
    int reps = argc > 4 ? atoi(argv[4]) : 10;
    DiffModel *m = NULL;
    DiffDnn dnn;
    DiffDenoiser *dn = NULL;
    DiffAutoencoder *ae = NULL;
    DiffSampler s;
    float *text, *xt, *ctx, *mask, *x0, *frames = NULL;
    int tokens[64], nt, trunc, pad = 0;
    char unk[64];
    size_t clip;
    double best = 1e9, t0, chunk;
    int64_t a, b;

    av_log_set_level(AV_LOG_ERROR);
    if (ff_diff_model_load(&m, path, NULL) < 0)
        return 1;
    clip = (size_t)m->cfg.frames * m->cfg.channels * m->cfg.size * m->cfg.size;
    nt = ff_diff_tokenize(m, "a hippo bounces on the sand", tokens, m->cfg.max_tokens,
                          unk, sizeof(unk), &trunc);
    text = av_malloc_array(m->cfg.max_tokens, m->cfg.dim * sizeof(float));
    xt   = av_malloc_array(clip, sizeof(float));
    ctx  = av_calloc(clip, sizeof(float));
    mask = av_calloc(clip / m->cfg.channels, sizeof(float));
    x0   = av_malloc_array(2 * clip, sizeof(float));
    if (!nt || !text || !xt || !ctx || !mask || !x0)
        return 1;
    ff_diff_normal(xt, clip, 1, 0);

    if (ff_diff_dnn_init(&dnn, threads, NULL) < 0 ||
        ff_diff_denoiser_init(&dn, m, &dnn, 2, bf16, NULL) < 0 ||
        ff_diff_text_encode(m, tokens, nt, text, NULL) < 0 ||
        ff_diff_denoiser_set_context(dn, 0, text, nt) < 0 ||
        ff_diff_text_encode(m, &pad, 1, text, NULL) < 0 ||
        ff_diff_denoiser_set_context(dn, 1, text, 1) < 0)
        return 1;
    if (m->cfg.ae_c1) {
        frames = av_malloc_array((size_t)m->cfg.frames * 3 * m->cfg.frame_size,
                                 m->cfg.frame_size * sizeof(float));
        if (!frames || ff_diff_autoencoder_init(&ae, m, &dnn, m->cfg.frames, NULL) < 0)
            return 1;
    }

    ff_diff_denoiser_forward(dn, xt, 0.5f, ctx, mask, x0, NULL); /* warm-up */
    for (int i = 0; i < reps; i++) {
        a = av_gettime_relative();
        if (ff_diff_denoiser_forward(dn, xt, 0.5f, ctx, mask, x0, NULL) < 0)
            return 1;
        b = av_gettime_relative();
        best = FFMIN(best, (b - a) / 1e3);
    }
    /* a whole chunk of 20 Euler steps, as the filter runs it */
    if (ff_diff_sampler_init(&s, dn) < 0 ||
        ff_diff_sampler_start(&s, 1, 0, 20, 3.0f, DIFF_SAMPLER_EULER, 0.0f, NULL, NULL, 1.0f, NULL) < 0)
        return 1;
    t0 = av_gettime_relative();
    while (!ff_diff_sampler_step(&s))
        ;
    if (ae && ff_diff_autoencoder_decode(ae, ff_diff_sampler_result(&s), m->cfg.frames, frames) < 0)
        return 1;
    chunk = (av_gettime_relative() - t0) / 1e6;
    printf("engine %s threads=%d: %.1f ms/step (min of %d), chunk of %d frames at 20 steps "
           "%.2f s = %.2f frames/s\n", bf16 ? "bf16" : "f32", threads, best, reps,
           m->cfg.frames, chunk, m->cfg.frames / chunk);
    ff_diff_sampler_uninit(&s);
    ff_diff_autoencoder_free(&ae);
    ff_diff_denoiser_free(&dn);
    ff_diff_dnn_uninit(&dnn);
    ff_diff_model_free(&m);
    av_free(text); av_free(xt); av_free(ctx); av_free(mask); av_free(x0); av_free(frames);
    return 0;
}
