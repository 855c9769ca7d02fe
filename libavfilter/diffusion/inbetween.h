/*
 * In-between frames: the subject moved along its path
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

#ifndef AVFILTER_DIFFUSION_INBETWEEN_H
#define AVFILTER_DIFFUSION_INBETWEEN_H

#include <stdint.h>

#include "events.h"
#include "pixel_groups.h"

/**
 * The subject of one frame as the in-betweens move it.
 */
typedef struct DiffPose {
    int seen;               /* 0: no subject (its in-betweens are cross-faded) */
    float x, y;             /* centre in pixels: x of its mask, y of the analyser's track */
    int area;               /* pixels of its mask */
} DiffPose;

/**
 * The subject's mask and pose in each of nb frames, from the analyser's
 * track, boxes and foreground (ff_diff_subject_boxes()): the foreground
 * pixels inside the subject's box grown by a pixel, then grown by a pixel
 * themselves (a sprite's soft edge is not foreground, and left behind it
 * would show as a ghost).
 *
 * y, boxes: per frame; fg: [nb][size][size]; masks gets [nb][size][size]
 * (1: the subject's), poses[nb] the poses.
 */
void ff_diff_subject_poses(const float *y, const DiffPixelGroup *boxes, const uint8_t *fg,
                           int nb, int size, uint8_t *masks, DiffPose *poses);

/**
 * Contacts of the in-betweens: contact[2 * i] is the fraction of native
 * frame interval [first + i, first + i + 1] at which a contact the pictures
 * timed happens (< 0: none), contact[2 * i + 1] the subject's centre then.
 * This marks nb intervals as having none.
 */
void ff_diff_inbetween_no_contacts(float *contact, int nb);

/**
 * Add the contacts the pictures timed (refined, with a level) among ev (n
 * events of a stream at fps native frames per second, times in seconds) to
 * the nb intervals of contact from first on.  An interval that has a
 * contact keeps it: a stream analysed in chunks times the interval before
 * a chunk's first frame once more, and the first timing stands.
 */
void ff_diff_inbetween_contacts(const DiffEvent *ev, int n, int64_t first, int nb, int fps,
                                float *contact);

/**
 * Where the subject is at fraction f (0 < f < 1) of native frame interval
 * [i, i + 1]: on a straight line from poses[i] to poses[i + 1], bent as a
 * flight of gravity G (pixels per frame^2; <= 0: none) where the samples
 * about the interval curve as one; with a contact (contact[0] in (0, 1),
 * contact[1] the subject's centre then, as ff_diff_inbetween_contacts()
 * gives them), down to it in a flight and on in a bounce's flight or at
 * rest: the picture touches the ground when the sound says.
 * poses: nb poses; x, y get the centre in pixels.
 */
void ff_diff_subject_path(const DiffPose *poses, int nb, int i, const float *contact,
                          double G, float f, float *x, float *y);

/**
 * The frame at fraction f (0 < f < 1) of the way from frame a to frame b,
 * with the subject at (x, y) (ff_diff_subject_path()): the subject of each
 * frame (its mask) is shifted there and the two are weighted 1 - f and f,
 * over the background the two frames show where neither subject is.
 * Where the poses cannot be followed (a subject unseen in one frame, masks
 * of areas more than 2x apart, a move of more than 0.4 of the frame), the
 * frame is the cross-fade a * (1 - f) + b * f.
 *
 * A pixel of one frame's mask that the other frame shows unchanged, outside
 * its own mask, is scenery next to the subject (grass blades at its feet)
 * and stays where it is.
 *
 * a, b, out: [3][size][size]; ma, mb: the frames' masks [size][size];
 * scratch: 2 * size * size bytes.
 *
 * @return 1 where the subject was moved, 0 where the frames were
 *         cross-faded
 */
int ff_diff_inbetween(const float *a, const float *b, const uint8_t *ma, const uint8_t *mb,
                      const DiffPose *pa, const DiffPose *pb, float x, float y, int size,
                      float f, uint8_t *scratch, float *out);

#endif /* AVFILTER_DIFFUSION_INBETWEEN_H */
