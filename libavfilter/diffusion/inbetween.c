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

#include <math.h>
#include <string.h>

#include "libavutil/common.h"

#include "inbetween.h"

#define MAX_AREA_RATIO 2.0f  /* masks of areas further apart are not one subject */
#define MAX_MOVE       0.4f  /* of the frame size: a longer move is not followed */
#define FLIGHT_TOL     0.5   /* second differences within this share of gravity: a flight */
#define REST_PX        0.3f  /* px: a subject this near a contact's level after it rests */
#define STILL_EPS      0.08f /* max channel change, [-1, 1] units: a pixel that stays */

void ff_diff_subject_poses(const float *y, const DiffPixelGroup *boxes, const uint8_t *fg,
                           int nb, int size, uint8_t *masks, DiffPose *poses)
{
    const size_t plane = (size_t)size * size;

    for (int i = 0; i < nb; i++) {
        const DiffPixelGroup *g = &boxes[i];
        const uint8_t *f = fg + i * plane;
        uint8_t *m = masks + i * plane;
        DiffPose *p = &poses[i];
        double sx = 0;

        memset(m, 0, plane);
        memset(p, 0, sizeof(*p));
        if (y[i] < 0 || !g->count)
            continue;
        /* the foreground in the box grown by a pixel, grown by a pixel */
        for (int yy = FFMAX(0, g->y0 - 1); yy <= FFMIN(size - 1, g->y1 + 1); yy++) {
            for (int x = FFMAX(0, g->x0 - 1); x <= FFMIN(size - 1, g->x1 + 1); x++) {
                if (!f[(size_t)yy * size + x])
                    continue;
                for (int v = FFMAX(0, yy - 1); v <= FFMIN(size - 1, yy + 1); v++)
                    for (int u = FFMAX(0, x - 1); u <= FFMIN(size - 1, x + 1); u++)
                        m[(size_t)v * size + u] = 1;
            }
        }
        for (size_t k = 0; k < plane; k++) {
            if (m[k]) {
                p->area++;
                sx += k % size;
            }
        }
        if (!p->area)
            continue;
        p->seen = 1;
        p->x    = sx / p->area + 0.5;
        p->y    = y[i];
    }
}

void ff_diff_inbetween_no_contacts(float *contact, int nb)
{
    for (int i = 0; i < nb; i++) {
        contact[2 * i]     = -1;
        contact[2 * i + 1] = -1;
    }
}

void ff_diff_inbetween_contacts(const DiffEvent *ev, int n, int64_t first, int nb, int fps,
                                float *contact)
{
    for (int k = 0; k < n; k++) {
        const double tc = ev[k].time * fps;
        const int64_t i = (int64_t)floor(tc) - first;
        if (ev[k].kind != DIFF_EVENT_CONTACT || !ev[k].refined || ev[k].level < 0 ||
            i < 0 || i >= nb || tc - floor(tc) <= 0 || contact[2 * i] >= 0)
            continue;
        contact[2 * i]     = tc - floor(tc);
        contact[2 * i + 1] = ev[k].level;
    }
}

/* The subject of frame src (mask m) at point (sx, sy), premultiplied by its
 * mask, bilinear: rgb gets the colour, the return value is the mask's
 * coverage there (0: none of the subject). */
static float subject_at(const float *src, const uint8_t *m, int size, float sx, float sy,
                        float rgb[3])
{
    const size_t plane = (size_t)size * size;
    const int x0 = (int)floorf(sx), y0 = (int)floorf(sy);
    const float fx = sx - x0, fy = sy - y0;
    float alpha = 0;

    rgb[0] = rgb[1] = rgb[2] = 0;
    for (int k = 0; k < 4; k++) {
        const int x = x0 + (k & 1), y = y0 + (k >> 1);
        const float w = (k & 1 ? fx : 1 - fx) * (k >> 1 ? fy : 1 - fy);
        size_t i;

        if (w <= 0 || x < 0 || y < 0 || x >= size || y >= size || !m[(size_t)y * size + x])
            continue;
        i = (size_t)y * size + x;
        alpha += w;
        for (int c = 0; c < 3; c++)
            rgb[c] += w * src[c * plane + i];
    }
    return alpha;
}

/* whether samples i - 1 .. i + 2 curve as a flight of gravity G (px per
 * frame^2) on both sides of interval [i, i + 1] */
static int in_flight(const DiffPose *poses, int nb, int i, double G)
{
    if (G <= 0 || i < 1 || i + 2 >= nb)
        return 0;
    for (int k = i - 1; k <= i + 2; k++)
        if (!poses[k].seen)
            return 0;
    for (int k = i; k <= i + 1; k++) {
        const double d2 = poses[k + 1].y - 2.0 * poses[k].y + poses[k - 1].y;
        if (d2 < (1 - FLIGHT_TOL) * G || d2 > (1 + FLIGHT_TOL) * G)
            return 0;
    }
    return 1;
}

void ff_diff_subject_path(const DiffPose *poses, int nb, int i, const float *contact,
                          double G, float f, float *x, float *y)
{
    const DiffPose *pa = &poses[i], *pb = &poses[i + 1];
    const float u = contact[0];

    *x = pa->x + (pb->x - pa->x) * f;
    if (u > 0 && u < 1) {
        /* down to the contact in a flight, then a bounce's flight or a rest */
        const float l = FFMAX(contact[1], FFMAX(pa->y, pb->y));
        if (f <= u) {
            *y = pa->y + (l - pa->y) * f / u - (G > 0 ? 0.5 * G * f * (u - f) : 0);
        } else {
            const int bounce = pb->y < l - REST_PX;
            *y = l + (pb->y - l) * (f - u) / (1 - u) -
                 (bounce && G > 0 ? 0.5 * G * (f - u) * (1 - f) : 0);
        }
    } else {
        *y = pa->y + (pb->y - pa->y) * f -
             (in_flight(poses, nb, i, G) ? 0.5 * G * f * (1 - f) : 0);
    }
}

static void cross_fade(const float *a, const float *b, int size, float f, float *out)
{
    for (size_t i = 0; i < (size_t)3 * size * size; i++)
        out[i] = a[i] + (b[i] - a[i]) * f;
}

int ff_diff_inbetween(const float *a, const float *b, const uint8_t *mask_a,
                      const uint8_t *mask_b, const DiffPose *pa, const DiffPose *pb, float px,
                      float py, int size, float f, uint8_t *scratch, float *out)
{
    const size_t plane = (size_t)size * size;
    uint8_t *ma = scratch, *mb = scratch + plane;
    float dxa, dya, dxb, dyb;

    if (!pa->seen || !pb->seen ||
        pa->area > MAX_AREA_RATIO * pb->area || pb->area > MAX_AREA_RATIO * pa->area ||
        fabsf(pb->x - pa->x) > MAX_MOVE * size || fabsf(pb->y - pa->y) > MAX_MOVE * size) {
        cross_fade(a, b, size, f, out);
        return 0;
    }
    /* a pixel of one frame's mask that the other frame shows unchanged and
     * outside its own subject is scenery the subject passed by (grass
     * blades by its feet): it stays */
    for (size_t i = 0; i < plane; i++) {
        float d = 0;
        for (int c = 0; c < 3; c++)
            d = FFMAX(d, fabsf(a[c * plane + i] - b[c * plane + i]));
        ma[i] = mask_a[i] && (d >= STILL_EPS || mask_b[i]);
        mb[i] = mask_b[i] && (d >= STILL_EPS || mask_a[i]);
    }
    dxa = px - pa->x;
    dya = py - pa->y;
    dxb = px - pb->x;
    dyb = py - pb->y;
    for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
            const size_t i = (size_t)y * size + x;
            /* the background: each frame's where its subject is not */
            const float wa = (1 - f) * !ma[i], wb = f * !mb[i];
            float ca[3], cb[3], alpha;
            float aa = subject_at(a, ma, size, x - dxa, y - dya, ca);
            float ab = subject_at(b, mb, size, x - dxb, y - dyb, cb);

            alpha = (1 - f) * aa + f * ab;
            for (int c = 0; c < 3; c++) {
                const float va = a[c * plane + i], vb = b[c * plane + i];
                const float bg = wa + wb > 0 ? (wa * va + wb * vb) / (wa + wb) : va + (vb - va) * f;
                out[c * plane + i] = (1 - f) * ca[c] + f * cb[c] + (1 - alpha) * bg;
            }
        }
    }
    return 1;
}
