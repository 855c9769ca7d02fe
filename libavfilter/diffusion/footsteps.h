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

#ifndef AVFILTER_DIFFUSION_FOOTSTEPS_H
#define AVFILTER_DIFFUSION_FOOTSTEPS_H

#include <stdint.h>

#include "events.h"

/* footfalls per second under which the model's footfall probability is
 * no walk: half the slowest cadence of the world the model learned from
 * (2.5 steps a second) */
#define DIFF_FOOTSTEPS_MIN_RATE 1.25

/**
 * A stream's walk: footfalls counted since it began, as a running sum of
 * the model's footfall probabilities (zeroed at the stream's start).
 */
typedef struct DiffFootsteps {
    double count;
} DiffFootsteps;

/**
 * Footfall events of nb native frames starting at native frame first
 * (frame f shows time f / fps) from the model's per-frame probabilities
 * prob[nb][2] (contact, footfall: the second is read).
 *
 * A frame whose footfall probability reaches threshold names the frame: a
 * footfall at its middle, strength the probability.  Under it, a model
 * that knows a walk but not on which frames its feet land gives each
 * frame about the share of frames that hold a footfall (a cadence of 3
 * steps a second at 8 fps: 0.375 on every frame).  Such a probability,
 * from DIFF_FOOTSTEPS_MIN_RATE footfalls per second on, is taken as the
 * expected number of footfalls in its frame interval: their running sum,
 * spread evenly over each interval, sounds a footfall each time it passes
 * half a step (n + 0.5), strength 1.  So a walk gets steps at the
 * model's cadence, evenly spaced, the first half a step after the walk
 * begins; a footfall the model names sets the phase of the steps after
 * it.  The pictures are not looked at: at the model's frame rate a walk's
 * bob is under two samples a step.  A frame under the rate ends the walk.
 *
 * @return number of events written to out (at most max), or a negative
 *         AVERROR code
 */
int ff_diff_footsteps(DiffFootsteps *walk, const float *prob, int nb, int64_t first, int fps,
                      float threshold, DiffEvent *out, int max);

#endif /* AVFILTER_DIFFUSION_FOOTSTEPS_H */
