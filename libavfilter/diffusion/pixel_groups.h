/*
 * Pixel groups: connected candidate pixels of a frame, with boxes and masses
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

#ifndef AVFILTER_DIFFUSION_PIXEL_GROUPS_H
#define AVFILTER_DIFFUSION_PIXEL_GROUPS_H

typedef struct DiffPixelGroup {
    int x0, y0, x1, y1;     /* box, inclusive */
    int count;              /* pixels */
    double mass;            /* sum of their weights */
} DiffPixelGroup;

/**
 * Group the candidate pixels of a size x size frame: on input label[i] is
 * -1 for a candidate and 0 otherwise; candidates at most link pixels apart
 * in x and in y (link 1: 8-connected) share a group.  On return each
 * candidate's label is its group's number, from 1 in raster order of the
 * groups' first pixels; groups[n - 1] describes group n.
 *
 * weight: per-pixel weights summed into each group's mass (read at the
 * candidates only), or NULL for a mass equal to the count.
 * stack: size * size ints of scratch; groups: room for size * size groups.
 *
 * @return the number of groups
 */
int ff_diff_pixel_groups(int *label, int size, int link, const float *weight,
                         int *stack, DiffPixelGroup *groups);

#endif /* AVFILTER_DIFFUSION_PIXEL_GROUPS_H */
