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
 * pictures say when exactly.
 *
 * The analyser follows the subject's vertical centre in every frame
 * (sub-pixel, seen against the scene's fixed scenery: ground texture,
 * clouds, stars) and, for a contact, looks in and next to the hinted
 * interval for the end of a fall: a free flight of at least two
 * samples before it, and after it either another flight (a bounce) or a
 * rest (a landing).  Flights are parabolas of one curvature, gravity,
 * given or measured on the clip; two flights meet where their difference,
 * a line, is zero; a flight meets a rest where it reaches the rest's level.
 * That instant is the event's time.  Where the pictures cannot tell (too
 * few samples a side, no subject), the event sits at the middle of its
 * interval.  Two hints that resolve to the same contact give one event.
 *
 * A frame interval whose contact probability reaches threshold gives an
 * event; one whose probability lies in [confirmed, threshold) gives a
 * contact only where the pictures show one inside that very interval.  A
 * model can know that a clip has contacts (a bouncing ball) better than on
 * which frame it drew them; the pictures know the frame.
 *
 * frames: [pre + nb + post][3][size][size] in [-1, 1]: pre frames before
 * `first` (may be 0), used to see a fall that began before them, the nb
 * frames whose events are wanted, and post frames after them (may be 0),
 * used to see the bounce or rest after a contact in their last frames.
 * gravity: in pixels per second squared at this frame size, or <= 0 to
 * measure it on the clip (median curvature of its falling stretches).
 *
 * @return number of events written to out (at most max), or a negative
 *         AVERROR code
 */
int ff_diff_find_events(const float *frames, int pre, int nb, int post, int size, int64_t first,
                        int fps, float gravity, const float *prob, float threshold,
                        float confirmed, DiffEvent *out, int max);

#endif /* AVFILTER_DIFFUSION_EVENTS_H */
