/*
 * Tests of the in-between frames: the subject moved, the background kept
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

/*
 * A square "subject" (6x6, red) on a grey background, at one place in
 * frame a and another in frame b:
 * 1. poses: the mask is the subject grown by a pixel; the centre is the
 *    mask's (x) and the given track's (y);
 * 2. an in-between at a whole-pixel move is the subject drawn there
 *    exactly, the background untouched (within 1e-5);
 * 3. at a fractional move the subject's centre of mass is where the path
 *    puts it (within 0.02 px);
 * 4. paths: a contact takes the subject down to its level at its
 *    fraction; a flight of gravity G bends the line by G/2 f (1 - f);
 * 5. what cannot be followed (a subject missing in one frame, areas 3x
 *    apart, a move of half the frame) is the cross-fade, bit for bit;
 * 6. scenery inside a subject's mask that the other frame shows unchanged
 *    (a blade of grass by its feet) stays where it is;
 * 7. contacts from events: a refined contact lands in its interval, an
 *    unrefined one does not.
 */

#include <math.h>
#include <string.h>

#include "libavfilter/diffusion/inbetween.h"

#include "check.h"

#define N 64
#define PLANE (N * N)

static float fa[3 * PLANE], fb[3 * PLANE], out[3 * PLANE], want[3 * PLANE];
static uint8_t fg[2 * PLANE], masks[2 * PLANE], scratch[2 * PLANE];

static const float grey[3] = { 0.0f, 0.0f, 0.0f }, red[3] = { 0.8f, -0.6f, -0.6f };

/* a frame with a side x side square whose top left corner is (x0, y0) */
static void draw(float *f, uint8_t *m, int x0, int y0, int side)
{
    for (int c = 0; c < 3; c++)
        for (int i = 0; i < PLANE; i++)
            f[c * PLANE + i] = grey[c];
    if (m)
        memset(m, 0, PLANE);
    for (int y = y0; y < y0 + side; y++) {
        for (int x = x0; x < x0 + side; x++) {
            for (int c = 0; c < 3; c++)
                f[c * PLANE + y * N + x] = red[c];
            if (m)
                m[y * N + x] = 1;
        }
    }
}

static void poses_of(int ax, int ay, int bx, int by, int aside, int bside, DiffPose *p)
{
    DiffPixelGroup boxes[2] = {
        { ax, ay, ax + aside - 1, ay + aside - 1, aside * aside, aside * aside },
        { bx, by, bx + bside - 1, by + bside - 1, bside * bside, bside * bside },
    };
    float y[2] = { ay + aside / 2.0f, by + bside / 2.0f };

    draw(fa, fg, ax, ay, aside);
    draw(fb, fg + PLANE, bx, by, bside);
    ff_diff_subject_poses(y, boxes, fg, 2, N, masks, p);
}

/* the red channel's excess over grey: centre of mass */
static void red_centre(const float *f, double *cx, double *cy)
{
    double w = 0, sx = 0, sy = 0;
    for (int y = 0; y < N; y++) {
        for (int x = 0; x < N; x++) {
            double v = f[y * N + x] - grey[0];
            w  += v;
            sx += v * (x + 0.5);
            sy += v * (y + 0.5);
        }
    }
    *cx = sx / w;
    *cy = sy / w;
}

static float max_diff(const float *x, const float *y)
{
    float m = 0;
    for (int i = 0; i < 3 * PLANE; i++)
        m = fmaxf(m, fabsf(x[i] - y[i]));
    return m;
}

static void test_moves(void)
{
    DiffPose p[2];
    const float none[2] = { -1, -1 };
    double cx, cy;
    float x, y;
    int area = 0, r;

    poses_of(10, 20, 30, 28, 6, 6, p);
    for (int i = 0; i < PLANE; i++)
        area += masks[i];
    EXPECT(p[0].seen && p[1].seen, "both subjects seen");
    EXPECT(area == 64 && p[0].area == 64, "mask: the 6x6 square grown by a pixel, got %d", area);
    EXPECT(fabsf(p[0].x - 13.0f) < 1e-5 && fabsf(p[0].y - 23.0f) < 1e-5,
           "pose a at (13, 23), got (%g, %g)", p[0].x, p[0].y);
    EXPECT(fabsf(p[1].x - 33.0f) < 1e-5, "pose b at x 33, got %g", p[1].x);

    /* half way: a move of (10, 4) from each side, whole pixels */
    ff_diff_subject_path(p, 2, 0, none, 0, 0.5f, &x, &y);
    EXPECT(fabsf(x - 23.0f) < 1e-5 && fabsf(y - 27.0f) < 1e-5, "half way at (23, 27), got (%g, %g)",
           x, y);
    r = ff_diff_inbetween(fa, fb, masks, masks + PLANE, &p[0], &p[1], x, y, N, 0.5f,
                          scratch, out);
    draw(want, NULL, 20, 24, 6);
    EXPECT(r == 1, "the subject is moved");
    EXPECT(max_diff(out, want) < 1e-5, "half way: the square at (20, 24) and nothing else, "
           "off by %g", max_diff(out, want));

    /* a third of the way: fractional shifts, bilinear */
    ff_diff_subject_path(p, 2, 0, none, 0, 1.0f / 3, &x, &y);
    ff_diff_inbetween(fa, fb, masks, masks + PLANE, &p[0], &p[1], x, y, N, 1.0f / 3,
                          scratch, out);
    red_centre(out, &cx, &cy);
    EXPECT(fabs(cx - x) < 0.02 && fabs(cy - y) < 0.02,
           "a third of the way: centre (%g, %g), path (%g, %g)", cx, cy, x, y);
}

static void test_paths(void)
{
    DiffPose p[4] = {
        { 1, 10, 10, 36 }, { 1, 10, 20, 36 }, { 1, 10, 36, 36 }, { 1, 10, 30, 36 },
    };
    /* bounce at 0.25 of interval [1, 2] at level 40 */
    const float contact[2] = { 0.25f, 40.0f }, none[2] = { -1, -1 };
    const double G = 6.0;
    float x, y;

    ff_diff_subject_path(p, 4, 1, contact, 0, 0.25f, &x, &y);
    EXPECT(fabsf(y - 40.0f) < 1e-5, "at the contact the subject is at its level, got %g", y);
    ff_diff_subject_path(p, 4, 1, contact, G, 0.25f, &x, &y);
    EXPECT(fabsf(y - 40.0f) < 1e-5, "with gravity too, got %g", y);
    ff_diff_subject_path(p, 4, 1, contact, 0, 0.625f, &x, &y);
    EXPECT(fabsf(y - 38.0f) < 1e-5, "half way up from the contact, got %g", y);
    ff_diff_subject_path(p, 4, 1, contact, G, 0.625f, &x, &y);
    EXPECT(fabsf(y - (38.0f - 0.5 * G * 0.375 * 0.375)) < 1e-4,
           "a bounce's flight bends by G/2 (f - u) (1 - f), got %g", y);
    /* a rest after the contact does not bend, and the level is never
     * above the samples */
    p[2].y = 40.1f;
    ff_diff_subject_path(p, 4, 1, contact, G, 0.625f, &x, &y);
    EXPECT(fabsf(y - 40.1f) < 1e-4, "a landing rests at its level, got %g", y);
    /* no contact: a flight (second differences of G) bends, a line does not */
    p[0].y = 10;
    p[1].y = 18;
    p[2].y = 2 * p[1].y - p[0].y + G;
    p[3].y = 2 * p[2].y - p[1].y + G;
    ff_diff_subject_path(p, 4, 1, none, G, 0.5f, &x, &y);
    EXPECT(fabsf(y - ((p[1].y + p[2].y) / 2 - G / 8)) < 1e-4, "a flight bends by G/8 half way, got %g", y);
    for (int k = 0; k < 4; k++)
        p[k].y = 10 + 10 * k;
    ff_diff_subject_path(p, 4, 1, none, G, 0.5f, &x, &y);
    EXPECT(fabsf(y - 25.0f) < 1e-5, "a steady fall stays on the line, got %g", y);
}

static void test_cross_fades(void)
{
    DiffPose p[2];
    const float none[2] = { -1, -1 };
    float x, y;
    int r;

    for (int k = 0; k < 3; k++) {
        if (k == 0) {
            poses_of(10, 20, 30, 28, 6, 6, p);
            p[1].seen = 0;                       /* no subject in b */
        } else if (k == 1) {
            poses_of(10, 20, 30, 28, 4, 10, p);  /* areas 36 and 144 */
        } else {
            poses_of(4, 20, 40, 20, 6, 6, p);    /* a move of 36 px of 64 */
        }
        ff_diff_subject_path(p, 2, 0, none, 0, 0.25f, &x, &y);
        r = ff_diff_inbetween(fa, fb, masks, masks + PLANE, &p[0], &p[1], x, y, N, 0.25f,
                          scratch, out);
        for (int i = 0; i < 3 * PLANE; i++)
            want[i] = fa[i] + (fb[i] - fa[i]) * 0.25f;
        EXPECT(r == 0 && max_diff(out, want) == 0, "case %d: the cross-fade (r %d, off by %g)", k, r,
               max_diff(out, want));
    }
}

static void test_scenery(void)
{
    static const float green[3] = { -0.6f, 0.6f, -0.6f };
    const float none[2] = { -1, -1 };
    DiffPose p[2];
    float x, y;
    int moved = 0, kept = 1;

    poses_of(10, 20, 30, 10, 6, 6, p);
    /* a blade of grass in row 26 under the subject of a, in both frames,
     * in a's foreground */
    for (int x0 = 10; x0 < 16; x0++) {
        for (int c = 0; c < 3; c++) {
            fa[c * PLANE + 26 * N + x0] = green[c];
            fb[c * PLANE + 26 * N + x0] = green[c];
        }
        fg[26 * N + x0] = 1;
    }
    {
        DiffPixelGroup boxes[2] = { { 10, 20, 15, 26, 42, 42 }, { 30, 10, 35, 15, 36, 36 } };
        float ty[2] = { 23.0f, 13.0f };
        ff_diff_subject_poses(ty, boxes, fg, 2, N, masks, p);
    }
    ff_diff_subject_path(p, 2, 0, none, 0, 0.5f, &x, &y);
    ff_diff_inbetween(fa, fb, masks, masks + PLANE, &p[0], &p[1], x, y, N, 0.5f, scratch, out);
    for (int x0 = 10; x0 < 16; x0++)
        kept &= fabsf(out[PLANE + 26 * N + x0] - green[1]) < 1e-5;
    for (int i = 0; i < PLANE; i++)
        moved += i / N != 26 && out[PLANE + i] > 0.1f;
    EXPECT(kept, "the blade stays in row 26");
    EXPECT(!moved, "no blade goes with the subject (%d pixels)", moved);
}

static void test_contacts(void)
{
    const DiffEvent ev[4] = {
        { 10.3 / 8, DIFF_EVENT_CONTACT,  0.9f, 1, 44.0f },
        { 12.5 / 8, DIFF_EVENT_CONTACT,  0.9f, 0, -1.0f },
        { 13.5 / 8, DIFF_EVENT_FOOTFALL, 0.9f, 0, -1.0f },
        {  9.6 / 8, DIFF_EVENT_CONTACT,  0.9f, 1, 40.0f },
    };
    float contact[2 * 6];

    ff_diff_inbetween_no_contacts(contact, 6);
    ff_diff_inbetween_contacts(ev, 3, 9, 6, 8, contact);
    EXPECT(fabsf(contact[2] - 0.3f) < 1e-4 && contact[3] == 44.0f,
           "the refined contact in interval 10 at 0.3, level 44: got %g, %g", contact[2], contact[3]);
    for (int i = 0; i < 6; i++)
        EXPECT(i == 1 || contact[2 * i] < 0, "no contact in interval %d, got %g", 9 + i,
               contact[2 * i]);
    /* a later chunk times interval 10 again, and 9 for the first time:
     * the first timing of 10 stands */
    {
        const DiffEvent again[2] = {
            { 10.5 / 8, DIFF_EVENT_CONTACT, 0.9f, 1, 45.0f },
            ev[3],
        };
        ff_diff_inbetween_contacts(again, 2, 9, 6, 8, contact);
        EXPECT(fabsf(contact[2] - 0.3f) < 1e-4 && contact[3] == 44.0f,
               "interval 10 keeps its contact at 0.3, level 44: got %g, %g", contact[2], contact[3]);
        EXPECT(fabsf(contact[0] - 0.6f) < 1e-4 && contact[1] == 40.0f,
               "interval 9 gets its contact at 0.6, level 40: got %g, %g", contact[0], contact[1]);
    }
}

int main(void)
{
    test_moves();
    test_paths();
    test_cross_fades();
    test_scenery();
    test_contacts();
    printf("inbetween_test: %d checks, %s\n", checks, failures ? "FAILED" : "passed");
    return !!failures;
}
