/*
 * Footsteps: when a walk's feet touch the ground
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

#include "libavutil/common.h"
#include "libavutil/error.h"

#include "footsteps.h"
#include "model.h"

static void footfall(DiffEvent *e, double time, float strength)
{
    e->time     = time;
    e->kind     = DIFF_EVENT_FOOTFALL;
    e->strength = strength;
    e->refined  = 0;
    e->level    = -1;
}

int ff_diff_footsteps(DiffFootsteps *walk, const float *prob, int nb, int64_t first, int fps,
                      float threshold, DiffEvent *out, int max)
{
    const double min_p = DIFF_FOOTSTEPS_MIN_RATE / FFMAX(fps, 1);
    int n = 0;

    if (!walk || nb < 0 || fps <= 0 || max < 0 || (nb && !prob))
        return AVERROR(EINVAL);
    for (int f = 0; f < nb; f++) {
        const double p = prob[f * DIFF_N_EVENTS + DIFF_EVENT_FOOTFALL];
        const double c0 = walk->count;

        if (p >= threshold) {
            /* the model names the frame: the step due next (the first
             * n + 0.5 past the count) is at its middle */
            const double step = floor(c0 + 0.5);
            if (n < max)
                footfall(&out[n++], (first + f + 0.5) / fps, p);
            walk->count = step + 0.5 + 0.5 * FFMIN(p, 1.0);
        } else if (p >= min_p) {
            /* a rate: the steps whose n + 0.5 the count passes in this
             * interval, where it passes them */
            walk->count = c0 + p;
            for (double step = floor(c0 + 0.5) + 0.5; step <= walk->count && n < max; step++)
                footfall(&out[n++], (first + f + (step - c0) / p) / fps, 1.0f);
        } else {
            walk->count = 0;
        }
    }
    return n;
}
