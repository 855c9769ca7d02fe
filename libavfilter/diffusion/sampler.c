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

#include <math.h>
#include <string.h>

#include "libavutil/common.h"
#include "libavutil/error.h"
#include "libavutil/log.h"
#include "libavutil/mem.h"

#include "rng.h"
#include "sampler.h"

int ff_diff_sampler_init(DiffSampler *s, DiffDenoiser *dn)
{
    memset(s, 0, sizeof(*s));
    s->dn   = dn;
    s->clip = (size_t)dn->T * dn->C * dn->size * dn->size;
    s->plane = (size_t)dn->size * dn->size;
    if (dn->T > 256)
        return AVERROR(EINVAL);
    s->x        = av_malloc_array(s->clip, sizeof(float));
    s->xn       = av_malloc_array(s->clip, sizeof(float));
    s->v0       = av_malloc_array(s->clip, sizeof(float));
    s->x0       = av_malloc_array(s->clip * dn->batch, sizeof(float));
    s->ev       = av_malloc_array((size_t)dn->T * DIFF_N_EVENTS * dn->batch, sizeof(float));
    s->ctx_clip = av_calloc(s->clip, sizeof(float));
    s->ctx_mask = av_calloc((size_t)dn->T * s->plane, sizeof(float));
    if (!s->x || !s->xn || !s->v0 || !s->x0 || !s->ev || !s->ctx_clip || !s->ctx_mask) {
        ff_diff_sampler_uninit(s);
        return AVERROR(ENOMEM);
    }
    return 0;
}

void ff_diff_sampler_uninit(DiffSampler *s)
{
    av_freep(&s->x);
    av_freep(&s->xn);
    av_freep(&s->v0);
    av_freep(&s->x0);
    av_freep(&s->ev);
    av_freep(&s->ctx_clip);
    av_freep(&s->ctx_mask);
}

int ff_diff_sampler_evals(int steps, enum DiffSamplerMethod method)
{
    return method == DIFF_SAMPLER_HEUN ? 2 * steps - 1 : steps;
}

int ff_diff_sampler_start(DiffSampler *s, uint64_t seed, uint64_t stream, int steps,
                          float guidance, enum DiffSamplerMethod method, float churn,
                          const float *ctx_clip, const float *ctx_mask,
                          float t_start, const float *init)
{
    if (steps < 1 || !(t_start > 0.0f && t_start <= 1.0f) || (t_start < 1.0f && !init))
        return AVERROR(EINVAL);
    if (!(churn >= 0.0f && churn < 1.0f) || (churn > 0.0f && method != DIFF_SAMPLER_EULER))
        return AVERROR(EINVAL);
    if (guidance != 1.0f && s->dn->batch < 2)
        return AVERROR(EINVAL);
    s->steps    = steps;
    s->guidance = guidance;
    s->method   = method;
    s->churn    = churn;
    s->seed     = seed;
    s->stream   = stream;
    s->step     = 0;
    s->stage    = 0;
    s->t_start  = t_start;
    ff_diff_normal(s->x, s->clip, seed, stream);
    if (init)
        for (size_t i = 0; i < s->clip; i++)
            s->x[i] = (1.0f - t_start) * init[i] + t_start * s->x[i];
    if (ctx_clip && ctx_mask) {
        memcpy(s->ctx_clip, ctx_clip, s->clip * sizeof(float));
        memcpy(s->ctx_mask, ctx_mask, s->dn->T * s->plane * sizeof(float));
    } else {
        memset(s->ctx_clip, 0, s->clip * sizeof(float));
        memset(s->ctx_mask, 0, s->dn->T * s->plane * sizeof(float));
    }
    return 0;
}

int ff_diff_sampler_churn(float option, enum DiffSamplerMethod method, float *churn,
                          void *log_ctx)
{
    if (option < 0.0f) {
        *churn = method == DIFF_SAMPLER_EULER ? DIFF_CHURN_AUTO : 0.0f;
        return 0;
    }
    if (option >= 1.0f) {
        av_log(log_ctx, AV_LOG_ERROR, "churn %g must be below 1 (1 would forget the clip at "
               "every step)\n", option);
        return AVERROR(EINVAL);
    }
    if (option > 0.0f && method != DIFF_SAMPLER_EULER) {
        av_log(log_ctx, AV_LOG_ERROR, "churn %g needs sampler=euler: Heun's corrector "
               "assumes one deterministic path\n", option);
        return AVERROR(EINVAL);
    }
    *churn = option;
    return 0;
}

/* guided x0 of the current branches into s->x0 (first clip) */
static int predict(DiffSampler *s, const float *x, float t)
{
    int ret = ff_diff_denoiser_forward(s->dn, x, t, s->ctx_clip, s->ctx_mask, s->x0, s->ev);
    if (ret < 0)
        return ret;
    if (s->guidance != 1.0f) {
        const float g = s->guidance, *u = s->x0 + s->clip;
        for (size_t i = 0; i < s->clip; i++)
            s->x0[i] = u[i] + g * (s->x0[i] - u[i]);
    }
    memcpy(s->events, s->ev, s->dn->T * DIFF_N_EVENTS * sizeof(float));
    return 0;
}

int ff_diff_sampler_step(DiffSampler *s)
{
    const float t0 = s->t_start * (1.0f - (float)s->step / s->steps);
    const float t1 = s->t_start * (1.0f - (float)(s->step + 1) / s->steps);
    int ret;

    if (s->step >= s->steps)
        return 1;
    if (s->stage == 0) {
        if ((ret = predict(s, s->x, t0)) < 0)
            return ret;
        if (s->churn > 0.0f && t1 > 0.0f) {
            const float c = s->churn, keep = sqrtf(1.0f - c * c);
            float *z = s->v0;
            ff_diff_normal(z, s->clip, s->seed ^ DIFF_CHURN_TAG, (s->stream << 12) | s->step);
            for (size_t i = 0; i < s->clip; i++) {
                float eps = (s->x[i] - (1.0f - t0) * s->x0[i]) / t0;
                s->xn[i] = (1.0f - t1) * s->x0[i] + t1 * (keep * eps + c * z[i]);
            }
        } else {
            for (size_t i = 0; i < s->clip; i++) {
                s->v0[i] = (s->x[i] - s->x0[i]) / t0;
                s->xn[i] = s->x[i] + (t1 - t0) * s->v0[i];
            }
        }
        if (s->method == DIFF_SAMPLER_HEUN && t1 > 0.0f) {
            s->stage = 1;
            return 0;
        }
    } else {
        if ((ret = predict(s, s->xn, t1)) < 0)
            return ret;
        for (size_t i = 0; i < s->clip; i++) {
            float v1 = (s->xn[i] - s->x0[i]) / t1;
            s->xn[i] = s->x[i] + (t1 - t0) * 0.5f * (s->v0[i] + v1);
        }
        s->stage = 0;
    }
    FFSWAP(float *, s->x, s->xn);
    s->step++;
    if (s->step < s->steps)
        return 0;
    /* pixels are clamped to their range; a latent model's clip goes to its
     * decoder as it is */
    if (s->dn->C == 3)
        for (size_t i = 0; i < s->clip; i++)
            s->x[i] = av_clipf(s->x[i], -1.0f, 1.0f);
    return 1;
}

const float *ff_diff_sampler_result(const DiffSampler *s)
{
    return s->x;
}
