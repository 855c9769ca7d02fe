/*
 * The subject of a generated clip: where the analyser sees it
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

#ifndef AVFILTER_DIFFUSION_SUBJECT_H
#define AVFILTER_DIFFUSION_SUBJECT_H

#include <stdint.h>

#include "pixel_groups.h"

#define DIFF_SUBJECT_MAX_FRAMES 256     /* longest clip the analyser follows */
#define DIFF_SUBJECT_MAX_SIZE   1024    /* largest frame side */

/**
 * Where the analyser last saw the subject (a box in pixels, inclusive), for
 * the next clip of a stream: a subject that rests through a whole clip
 * looks like scenery (static, unlike its rows) and would be lost.
 */
typedef struct DiffSubjectSeen {
    int seen;               /* 0: nothing seen yet (the box is unset) */
    int x0, y0, x1, y1;
    int64_t fall_from;      /* native frame a fall into a landing may begin at: the first
                               after the last contact */
} DiffSubjectSeen;

/**
 * The analyser's track of a clip (see ff_diff_find_events()): y[i] is the
 * subject's vertical centre in frame i, in pixels from the top (sub-pixel),
 * or -1 where no subject is seen.  frames: [total][3][size][size] in
 * [-1, 1], total <= 256.  seen: NULL, or where the subject was last seen
 * (in: from the stream's clip before, out: for the next; zeroed at the
 * stream's start); its fall_from is ff_diff_find_events()' to keep.
 *
 * @return 0 or a negative AVERROR code
 */
int ff_diff_subject_track(const float *frames, int total, int size, DiffSubjectSeen *seen,
                          float *y);

/**
 * The subject the analyser follows, as a box per frame: boxes[i] is the
 * group of pixels it takes for the subject in frame i (count 0 where it
 * sees none).  foreground, if not NULL, gets [total][size][size]: 1 where
 * a pixel stands apart from what the frame shows without subjects (its
 * row's median colour, or the clip's fixed scenery: ground texture,
 * clouds, stars), the candidates of every subject, 0 elsewhere.
 * frames, seen: as for ff_diff_subject_track(); y, if not NULL, gets the
 * track ff_diff_subject_track() gives.
 *
 * @return 0 or a negative AVERROR code
 */
int ff_diff_subject_boxes(const float *frames, int total, int size, DiffSubjectSeen *seen,
                          float *y, DiffPixelGroup *boxes, uint8_t *foreground);

#endif /* AVFILTER_DIFFUSION_SUBJECT_H */
