/*
 * Footsteps: a walk's steps from the model's footfall probabilities
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
 * 1. A rate: the same probability on every frame (a walk the model knows,
 *    not its frames) gives steps evenly spaced at probability x fps per
 *    second, the first half a step in, the same when the frames come in
 *    chunks.
 * 2. Named frames: a probability at the threshold puts a step at the
 *    frame's middle, with that strength; the rate's steps after it keep
 *    its phase.
 * 3. No walk: probabilities under DIFF_FOOTSTEPS_MIN_RATE per second give
 *    nothing and end a walk (the next one starts half a step in).
 * 4. Limits: max is kept; bad arguments are AVERROR(EINVAL).
 */

#include <math.h>
#include <stdio.h>

#include "libavutil/error.h"
#include "libavutil/macros.h"

#include "libavfilter/diffusion/footsteps.h"
#include "libavfilter/diffusion/model.h"

#include "check.h"

#define FPS 8
#define THRESHOLD 0.5f
#define EPS 1e-9

/* prob[nb][2] with footfall probabilities p (contacts 0) */
static void fill(float *prob, const float *p, int nb)
{
    for (int f = 0; f < nb; f++) {
        prob[f * DIFF_N_EVENTS + DIFF_EVENT_CONTACT]  = 0.0f;
        prob[f * DIFF_N_EVENTS + DIFF_EVENT_FOOTFALL] = p[f];
    }
}

static void test_rate(void)
{
    float p[24], prob[24 * DIFF_N_EVENTS];
    DiffEvent ev[32], ev2[32];
    DiffFootsteps walk = { 0 };
    int n, n2 = 0;

    for (int f = 0; f < 24; f++)
        p[f] = 0.375f;           /* 3 steps a second at 8 fps */
    fill(prob, p, 24);
    n = ff_diff_footsteps(&walk, prob, 24, 0, FPS, THRESHOLD, ev, 32);
    /* 24 x 0.375 = 9 steps counted: crossings at 0.5 .. 8.5 */
    EXPECT(n == 9, "rate: %d steps in 3 s at 3 a second, want 9", n);
    for (int i = 0; i < n; i++) {
        const double want = (i + 0.5) / 3.0;
        EXPECT(fabs(ev[i].time - want) < EPS, "rate: step %d at %.9f s, want %.9f", i,
               ev[i].time, want);
        EXPECT(ev[i].kind == DIFF_EVENT_FOOTFALL && ev[i].strength == 1.0f && !ev[i].refined &&
               ev[i].level == -1.0f, "rate: step %d fields", i);
    }

    /* the same frames in chunks of 8, 5 and 11 as the filter hands them over */
    walk.count = 0;
    for (int first = 0, len; first < 24; first += len) {
        int k;
        len = first == 0 ? 8 : first == 8 ? 5 : 11;
        k = ff_diff_footsteps(&walk, prob + first * DIFF_N_EVENTS, len, first, FPS, THRESHOLD,
                              ev2 + n2, 32 - n2);
        EXPECT(k >= 0, "chunks: error %d", k);
        n2 += FFMAX(k, 0);
    }
    EXPECT(n2 == n, "chunks: %d steps, whole: %d", n2, n);
    for (int i = 0; i < FFMIN(n, n2); i++)
        EXPECT(fabs(ev2[i].time - ev[i].time) < EPS, "chunks: step %d at %.9f s, whole %.9f",
               i, ev2[i].time, ev[i].time);
}

static void test_named(void)
{
    float p[12] = { 0, 0, 0.9f, 0, 0, 0.7f, 0, 0, 0, 0, 0, 0 };
    float q[12];
    float prob[12 * DIFF_N_EVENTS];
    DiffEvent ev[16];
    DiffFootsteps walk = { 0 };
    int n;

    /* a model that knows the frames: one step at each named frame's middle */
    fill(prob, p, 12);
    n = ff_diff_footsteps(&walk, prob, 12, 100, FPS, THRESHOLD, ev, 16);
    EXPECT(n == 2, "named: %d steps, want 2", n);
    if (n == 2) {
        EXPECT(fabs(ev[0].time - 102.5 / FPS) < EPS && ev[0].strength == 0.9f,
               "named: first at %.6f s strength %.2f", ev[0].time, ev[0].strength);
        EXPECT(fabs(ev[1].time - 105.5 / FPS) < EPS && ev[1].strength == 0.7f,
               "named: second at %.6f s strength %.2f", ev[1].time, ev[1].strength);
    }

    /* a rate of 0.375 (exact in binary) with frame 3 named at 0.75: the
     * named step at 3.5 frames, then one every 1 / 0.375 frames from a
     * count of 1.5 + 0.75 / 2 at the end of frame 3 */
    for (int f = 0; f < 12; f++)
        q[f] = f == 3 ? 0.75f : 0.375f;
    walk.count = 0;
    fill(prob, q, 12);
    n = ff_diff_footsteps(&walk, prob, 12, 0, FPS, THRESHOLD, ev, 16);
    {
        const double want[] = { 1 + 0.125 / 0.375, 3.5, 5 + 0.25 / 0.375, 8 + 0.125 / 0.375, 11 };
        EXPECT(n == FF_ARRAY_ELEMS(want), "named in a rate: %d steps, want %d", n,
               (int)FF_ARRAY_ELEMS(want));
        for (int i = 0; i < FFMIN(n, FF_ARRAY_ELEMS(want)); i++)
            EXPECT(fabs(ev[i].time - want[i] / FPS) < EPS, "named in a rate: step %d at frame "
                   "%.4f, want %.4f", i, ev[i].time * FPS, want[i]);
        EXPECT(n > 1 && ev[1].strength == 0.75f, "named in a rate: the named step's strength");
    }
}

static void test_no_walk(void)
{
    float p[16], prob[16 * DIFF_N_EVENTS];
    const float under = (float)(0.99 * DIFF_FOOTSTEPS_MIN_RATE / FPS);
    DiffEvent ev[16];
    DiffFootsteps walk = { 0 };
    int n;

    for (int f = 0; f < 16; f++)
        p[f] = under;
    fill(prob, p, 16);
    n = ff_diff_footsteps(&walk, prob, 16, 0, FPS, THRESHOLD, ev, 16);
    EXPECT(n == 0 && walk.count == 0, "under the rate: %d steps, count %g", n, walk.count);

    /* a walk, a stop, a walk: the second starts half a step in again */
    for (int f = 0; f < 16; f++)
        p[f] = f < 4 || f >= 6 ? 0.5f * (f < 4 ? 0.9f : 0.8f) : 0.001f;
    fill(prob, p, 16);
    n = ff_diff_footsteps(&walk, prob, 16, 0, FPS, THRESHOLD, ev, 16);
    /* 0.45 a frame: 0.5 at 1.111 frames, 1.5 at 3.333; stop; 0.4 a frame
     * from frame 6: 0.5 at 7.25, 1.5 at 9.75, 2.5 at 12.25, 3.5 at 14.75 */
    {
        const double want[] = { 0.5 / 0.45, 1.5 / 0.45, 7.25, 9.75, 12.25, 14.75 };
        EXPECT(n == FF_ARRAY_ELEMS(want), "two walks: %d steps, want %d", n,
               (int)FF_ARRAY_ELEMS(want));
        for (int i = 0; i < FFMIN(n, FF_ARRAY_ELEMS(want)); i++)
            EXPECT(fabs(ev[i].time - want[i] / FPS) < 1e-6, "two walks: step %d at frame "
                   "%.4f, want %.4f", i, ev[i].time * FPS, want[i]);
    }
}

static void test_limits(void)
{
    float p[8], prob[8 * DIFF_N_EVENTS];
    DiffEvent ev[3];
    DiffFootsteps walk = { 0 };
    int n;

    for (int f = 0; f < 8; f++)
        p[f] = 1.0f;
    fill(prob, p, 8);
    n = ff_diff_footsteps(&walk, prob, 8, 0, FPS, THRESHOLD, ev, 3);
    EXPECT(n == 3, "max: %d events written into 3", n);
    EXPECT(ff_diff_footsteps(NULL, prob, 8, 0, FPS, THRESHOLD, ev, 3) == AVERROR(EINVAL),
           "no walk state: EINVAL");
    EXPECT(ff_diff_footsteps(&walk, prob, 8, 0, 0, THRESHOLD, ev, 3) == AVERROR(EINVAL),
           "fps 0: EINVAL");
    EXPECT(ff_diff_footsteps(&walk, NULL, 8, 0, FPS, THRESHOLD, ev, 3) == AVERROR(EINVAL),
           "no probabilities: EINVAL");
    EXPECT(ff_diff_footsteps(&walk, NULL, 0, 0, FPS, THRESHOLD, ev, 3) == 0,
           "no frames: no events");
}

int main(void)
{
    test_rate();
    test_named();
    test_no_walk();
    test_limits();
    printf("footsteps_test: %d checks, %s\n", checks, failures ? "FAILED" : "passed");
    return !!failures;
}
