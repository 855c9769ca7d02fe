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

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "libavutil/macros.h"

#include "events.h"

#define FG_THRESHOLD 0.32f   /* in [-1, 1] units: 0.16 of full scale */

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

float ff_diff_subject_bottom(const float *frame, int size)
{
    const size_t plane = (size_t)size * size;
    float row[3][1024];
    float median[3];
    int bottom = -1, count = 0;

    if (size > 1024)
        return -1;
    for (int y = 0; y < size; y++) {
        int hits = 0;
        for (int c = 0; c < 3; c++) {
            memcpy(row[c], frame + c * plane + (size_t)y * size, size * sizeof(float));
            qsort(row[c], size, sizeof(float), cmp_float);
            median[c] = row[c][size / 2];
        }
        for (int x = 0; x < size; x++) {
            float d = 0;
            for (int c = 0; c < 3; c++)
                d = FFMAX(d, fabsf(frame[c * plane + (size_t)y * size + x] - median[c]));
            hits += d > FG_THRESHOLD;
        }
        if (hits >= 2) {
            bottom = y;
            count++;
        }
    }
    return count >= 3 ? bottom + 1.0f : -1.0f;
}

int ff_diff_find_events(const float *frames, int pre, int nb, int size, int64_t first,
                        int fps, const float *prob, float threshold,
                        DiffEvent *out, int max)
{
    const size_t fsz = (size_t)3 * size * size;
    float y[256], curv[256];
    int n = 0, nc = 0, total = pre + nb;
    double G = 0;

    if (total > 256)
        return 0;
    for (int i = 0; i < total; i++)
        y[i] = ff_diff_subject_bottom(frames + i * fsz, size);
    /* gravity in px per frame^2: median second difference of the bottom row
     * over triples in free flight (no reversal in the middle) */
    for (int i = 1; i + 1 < total; i++) {
        float d2 = y[i + 1] - 2 * y[i] + y[i - 1];
        if (y[i - 1] < 0 || y[i] < 0 || y[i + 1] < 0 || (y[i] >= y[i - 1] && y[i] > y[i + 1]))
            continue;
        if (d2 > 0)
            curv[nc++] = d2;
    }
    if (nc) {
        qsort(curv, nc, sizeof(*curv), cmp_float);
        G = curv[nc / 2];
    }

    for (int f = 0; f < nb && n < max; f++) {
        for (int k = 0; k < 2 && n < max; k++) {
            DiffEvent *e = &out[n];
            float p = prob[f * 2 + k];
            if (p < threshold)
                continue;
            e->kind     = k ? DIFF_EVENT_FOOTFALL : DIFF_EVENT_CONTACT;
            e->strength = p;
            e->time     = (first + f + 0.5) / fps;
            e->refined  = 0;
            /* a reversal (image y grows downwards: a local maximum j of the
             * bottom row) puts the contact in [j - 1, j] or [j, j + 1]: try
             * both.  On each side the flight is a parabola of curvature G
             * (gravity, measured on the clip); the one through the two
             * samples before the contact and the one through the two after
             * it meet at the contact instant. */
            for (int o = 0; o < 3 && !e->refined; o++) {
                static const int offs[3] = { 0, 1, -1 };
                int j = pre + f + offs[o];
                if (j < 1 || j + 1 >= total || y[j - 1] < 0 || y[j] < 0 || y[j + 1] < 0 ||
                    !(y[j] >= y[j - 1] && y[j] > y[j + 1]))
                    continue;
                for (int c = 0; c < 2 && !e->refined; c++) {
                    int a0 = c ? j - 2 : j - 1;  /* falling pair a0, a0 + 1 */
                    int r0 = c ? j : j + 1;      /* rising pair r0, r0 + 1 */
                    double s1, s2, num, den, tc;
                    if (a0 < 0 || r0 + 1 >= total || y[a0] < 0 || y[a0 + 1] < 0 ||
                        y[r0] < 0 || y[r0 + 1] < 0)
                        continue;
                    s1 = y[a0 + 1] - y[a0] - 0.5 * G;   /* slopes at a0 and r0 */
                    s2 = y[r0 + 1] - y[r0] - 0.5 * G;
                    if (y[a0 + 1] - y[a0] <= 0 || y[r0 + 1] - y[r0] >= 0)
                        continue;
                    num = y[r0] - y[a0] + s1 * a0 - s2 * r0 + 0.5 * G * ((double)r0 * r0 - (double)a0 * a0);
                    den = s1 - s2 + G * (r0 - a0);
                    if (den <= 0)
                        continue;
                    tc = num / den;
                    if (tc < a0 + 1 || tc > r0)
                        continue;
                    e->time    = (first - pre + tc) / fps;
                    e->refined = 1;
                }
            }
            n++;
        }
    }
    return n;
}
