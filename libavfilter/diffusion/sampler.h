/*
 * Flow-matching sampler: Euler and Heun steps with classifier-free guidance
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

#ifndef AVFILTER_DIFFUSION_SAMPLER_H
#define AVFILTER_DIFFUSION_SAMPLER_H

#include <stdint.h>

#include "denoiser.h"

enum DiffSamplerMethod {
    DIFF_SAMPLER_EULER,
    DIFF_SAMPLER_HEUN,
};

#define DIFF_CHURN_TAG 0x636875726eULL /* "churn" */

/**
 * Rectified flow, t = 1 is noise: x_t = (1 - t) x0 + t eps.  The network
 * predicts x0 and v = (x_t - x0) / t.  Time grid t_i = t_start (1 - i / steps).
 * Guidance: x0 = x0_u + g (x0_c - x0_u), branch 0 conditional, branch 1
 * unconditional (only with guidance != 1).  Mirrors models/train/sampler.py.
 *
 * Churn c (Euler only): each step but the last draws fresh noise z and goes
 * to x_t1 = (1 - t1) x0 + t1 (sqrt(1 - c^2) eps + c z), eps = (x - (1 - t0) x0) / t0
 * the noise the step's x0 implies.  c = 0 is exactly the Euler step; c > 0
 * lets each step correct what the steps before it drew.  z is the counter
 * noise of (seed ^ DIFF_CHURN_TAG, (stream << 12) | step).
 *
 * The sampler is a state machine so that a filter can run one network
 * evaluation per activation and stay responsive to commands.
 */
typedef struct DiffSampler {
    DiffDenoiser *dn;
    enum DiffSamplerMethod method;
    int steps;
    float guidance;
    float churn;       /* share of fresh noise per step, 0: deterministic */
    uint64_t seed, stream;
    float t_start;     /* 1: from pure noise; < 1: from a noised init clip */
    int step;          /* next step */
    int stage;         /* Heun: 0 = Euler predictor, 1 = corrector */
    size_t clip;       /* floats in one clip, [T][C][size][size] */
    size_t plane;      /* size * size */
    float *x, *xn, *v0, *x0, *ev, *ctx_clip, *ctx_mask;
    float events[256 * 2]; /* last conditional event logits [T][2] */
} DiffSampler;

int  ff_diff_sampler_init(DiffSampler *s, DiffDenoiser *dn);
void ff_diff_sampler_uninit(DiffSampler *s);

/**
 * Start a clip: noise of (seed, stream); ctx_clip/ctx_mask may be NULL
 * (nothing known) and are copied.  churn in [0, 1), only with Euler.
 * t_start = 1 starts from pure noise; t_start < 1 (SDEdit) starts from x = (1 - t_start) init + t_start noise and
 * runs the steps over [t_start, 0].
 */
int  ff_diff_sampler_start(DiffSampler *s, uint64_t seed, uint64_t stream, int steps,
                           float guidance, enum DiffSamplerMethod method, float churn,
                           const float *ctx_clip, const float *ctx_mask,
                           float t_start, const float *init);

/**
 * The churn a filter's option asks for: a negative value (auto) is
 * DIFF_CHURN_AUTO with Euler and 0 with Heun.  Logs an error and returns a
 * negative AVERROR for an explicit churn above 0 with Heun (its corrector
 * assumes one deterministic path) or one of 1 and more.
 */
#define DIFF_CHURN_AUTO 0.5f
int  ff_diff_sampler_churn(float option, enum DiffSamplerMethod method, float *churn,
                           void *log_ctx);

/** One network evaluation.  Returns 1 when the clip is done, 0 if not, <0 on error. */
int  ff_diff_sampler_step(DiffSampler *s);

/**
 * The finished clip, [T][C][H][W]: pixels in [-1, 1] (clamped), or a latent
 * model's latents (autoencoder.h decodes them).
 */
const float *ff_diff_sampler_result(const DiffSampler *s);

/** Network evaluations a clip takes with these settings. */
int  ff_diff_sampler_evals(int steps, enum DiffSamplerMethod method);

#endif /* AVFILTER_DIFFUSION_SAMPLER_H */
