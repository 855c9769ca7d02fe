/*
 * Sound events: when things happen in a generated clip
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

#ifndef AVFILTER_DIFFUSION_EVENTS_H
#define AVFILTER_DIFFUSION_EVENTS_H

#include <stdint.h>

enum DiffEventKind {
    DIFF_EVENT_CONTACT,
    DIFF_EVENT_FOOTFALL,
};

typedef struct DiffEvent {
    double time;            /* seconds from the start of the stream */
    enum DiffEventKind kind;
    float strength;         /* 0..1: the model's probability */
    int refined;            /* time refined from the picture (not a frame centre) */
} DiffEvent;

/**
 * Events of nb native frames starting at native frame first (frame f shows
 * time f / fps): the model's per-frame probabilities prob[nb][2] (contact,
 * footfall) say during which frame interval something happens; the
 * pictures say when exactly.  An analyser finds the subject (pixels far
 * from the per-row median colour), follows its lowest point, and looks for
 * the down-to-up reversal in or next to that interval: the line through the
 * two samples before the contact and the one through the two after it meet
 * at the contact instant.  Without a reversal the event sits at the middle
 * of its interval.
 *
 * frames: [nb + pre][3][size][size] in [-1, 1], of which the first pre are
 * the frames before `first` (context, may be 0), used to see a reversal at
 * the chunk's first frame.
 *
 * @return number of events written to out (at most max)
 */
int ff_diff_find_events(const float *frames, int pre, int nb, int size, int64_t first,
                        int fps, const float *prob, float threshold,
                        DiffEvent *out, int max);

/** Lowest subject row of a frame (float, pixels), or -1 when none is seen. */
float ff_diff_subject_bottom(const float *frame, int size);

#endif /* AVFILTER_DIFFUSION_EVENTS_H */
