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

#include "libavutil/macros.h"

#include "pixel_groups.h"

int ff_diff_pixel_groups(int *label, int size, int link, const float *weight,
                         int *stack, DiffPixelGroup *groups)
{
    const int plane = size * size;
    int n = 0;

    for (int i0 = 0; i0 < plane; i0++) {
        DiffPixelGroup *g;
        int sp = 0;

        if (label[i0] != -1)
            continue;
        g = &groups[n++];
        *g = (DiffPixelGroup){ i0 % size, i0 / size, i0 % size, i0 / size, 0, 0 };
        label[i0] = n;
        stack[sp++] = i0;
        while (sp) {
            int i = stack[--sp], x = i % size, y = i / size;
            g->mass += weight ? weight[i] : 1.0f;
            g->count++;
            g->x0 = FFMIN(g->x0, x);
            g->y0 = FFMIN(g->y0, y);
            g->x1 = FFMAX(g->x1, x);
            g->y1 = FFMAX(g->y1, y);
            for (int ny = FFMAX(0, y - link); ny <= FFMIN(size - 1, y + link); ny++)
                for (int nx = FFMAX(0, x - link); nx <= FFMIN(size - 1, x + link); nx++) {
                    if (label[ny * size + nx] != -1)
                        continue;
                    label[ny * size + nx] = n;
                    stack[sp++] = ny * size + nx;
                }
        }
    }
    return n;
}
