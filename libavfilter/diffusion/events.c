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

#include "libavutil/common.h"
#include "libavutil/error.h"

#include "events.h"
#include "subject.h"

#define MAX_SIZE     DIFF_SUBJECT_MAX_SIZE
#define MAX_FRAMES   DIFF_SUBJECT_MAX_FRAMES
#define FIT_RMS      0.35   /* px: residual under which samples are one flight */
#define REST_EPS     0.3    /* px: frame-to-frame change of a subject at rest */
#define AIR_EPS      0.02   /* px: least height of a sample in the air */
#define MIN_DROP     0.2    /* of gravity (px/frame^2): least fall into a contact, and
                               rise out of a bounce, between two samples */
#define SEEN_FALL    0.125  /* of the frame height: least fall into a landing a viewer sees */
#define SEEN_REST    0.0234 /* of the frame height: samples this close to the level after a
                               landing are at rest there (1.5 px of 64) */
#define SEEN_SPAN    0.5    /* s: longest fall into a landing a viewer sees */
#define SEEN_AFTER   0.25   /* s: how long after a landing the rest or rebound is looked for */
#define IMPACT_FALL  0.5    /* of the frame height: a fall into a contact that sounds in full */
#define IMPACT_FLOOR 0.25   /* least loudness of a contact's sound, of a full fall's */
#define SEEN_SPEED   0.5    /* of a free fall's landing speed from SEEN_FALL: least step
                               into a landing a viewer sees */
#define SEEN_SLOWER  0.5    /* a fall's step under this share of the one before it ends
                               the flight */
#define SEEN_NEAR    0.5    /* frames: a flight's contact this close to a landing a viewer
                               sees times it */

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Least-squares line a + b i through the n samples start, start + dir, ...
 * (all seen) less G/2 i^2: a flight of curvature G, frame indices i.
 * Returns 0 when the samples do not pin it down. */
static int fit_line(const float *y, int start, int dir, int n, double G, double *a, double *b)
{
    double si = 0, sz = 0, sii = 0, siz = 0, den;

    for (int k = 0; k < n; k++) {
        int i = start + k * dir;
        double z = y[i] - 0.5 * G * i * i;
        si  += i;
        sz  += z;
        sii += (double)i * i;
        siz += i * z;
    }
    den = n * sii - si * si;
    if (den <= 0)
        return 0;
    *b = (n * siz - si * sz) / den;
    *a = (sz - *b * si) / n;
    return 1;
}

/* Least-squares flight through samples start, start + dir, ... (up to 4,
 * at least 2): y(i) = a + b i + G/2 i^2 with frame indices i.  Returns the
 * number of samples of the longest run that is one flight, or 0.
 * ground (< 0: not known): the level the flight lands on; a sample there
 * beside another one there, past the first, is the subject standing before
 * it took off, and ends the run (one sample off the flight can stay under
 * FIT_RMS over four and move the contact by a few ms). */
static int fit_flight(const float *y, int total, int start, int dir, double G, double ground,
                      double *a, double *b)
{
    for (int n = 4; n >= 2; n--) {
        double rss = 0;
        int ok = 1;

        for (int k = 0; k < n && ok; k++) {
            int i = start + k * dir;
            ok = i >= 0 && i < total && y[i] >= 0 &&
                 !(k && ground >= 0 && fabs(y[i] - ground) < REST_EPS &&
                   i + dir >= 0 && i + dir < total && fabs(y[i + dir] - ground) < REST_EPS);
        }
        if (!ok || !fit_line(y, start, dir, n, G, a, b))
            continue;
        for (int k = 0; k < n; k++) {
            int i = start + k * dir;
            double r = y[i] - (*a + *b * i + 0.5 * G * i * i);
            rss += r * r;
        }
        if (n == 2 || sqrt(rss / n) < FIT_RMS)
            return n;
    }
    return 0;
}

/* Whether samples j - 1 .. j + 2 (all seen) show vertical motion about a
 * contact in [j, j + 1]: a fall into it or a rise out of it of at least
 * MIN_DROP of gravity.  Two samples a side fit a flight of any height, so
 * without this a subject wobbling in place "bounces" on every interval. */
static int moves(const float *y, int j, double G)
{
    return y[j] - y[j - 1] >= MIN_DROP * G || y[j + 1] - y[j + 2] >= MIN_DROP * G;
}

/* Whether the subject is seen in samples j - 1 .. j + 2: enough for
 * refine_contact() to time a contact in [j, j + 1] */
static int seen_about(const float *y, int total, int j)
{
    if (j < 1 || j + 2 >= total)
        return 0;
    for (int i = j - 1; i <= j + 2; i++)
        if (y[i] < 0)
            return 0;
    return 1;
}

/* Whether the pictures show the subject still about interval [j, j + 1]:
 * seen in samples j - 1 .. j + 2 without moves(), nor moving in the
 * intervals next to it where their samples are seen too. */
static int still(const float *y, int total, int j, double G)
{
    if (!seen_about(y, total, j))
        return 0;
    return !moves(y, j, G) &&
           (j < 2 || y[j - 2] < 0 || !moves(y, j - 1, G)) &&
           (j + 3 >= total || y[j + 3] < 0 || !moves(y, j + 1, G));
}

/* Contact in [j, j + 1] (frame indices): a flight through sample j (and
 * the ones before it in the same flight) ends; from sample j + 1 on comes
 * another flight (a bounce) or a rest (a landing).  Image y grows
 * downwards, so the ground is the largest y.
 * strict (no model hint on this interval): the flights must be seen in at
 * least 3 samples each (two samples fit any flight), and the contact must
 * fall inside [j, j + 1] itself, not a hair outside it.
 * level gets the subject's centre at the contact. */
static int refine_contact(const float *y, int total, int j, double G, int strict, double *tc,
                          double *level)
{
    const int min_n = strict ? 3 : 1;
    const double slack = strict ? 0 : 0.05;
    /* landing: sample j is in the air above a rest that nothing goes below
     * (two equal samples can also be the top of a bounce, after which the
     * subject falls lower), and the fall reaches the rest's level C in
     * between */
    const int landing = j + 2 < total && fabs(y[j + 2] - y[j + 1]) < REST_EPS &&
                        (j + 3 >= total || y[j + 3] < y[j + 1] + REST_EPS);
    double a1, b1, a2, b2, t, lvl, C = -1;
    int n1;

    if (j < 1 || j + 2 >= total || y[j - 1] < 0 || y[j] < 0 || y[j + 1] < 0 || y[j + 2] < 0)
        return 0;
    if (landing) {
        int n = 0;
        C = 0;
        for (int i = j + 1; i < total && y[i] >= 0 && fabs(y[i] - y[j + 1]) < REST_EPS; i++, n++)
            C += y[i];
        C /= n;
    }
    if ((n1 = fit_flight(y, total, j, -1, G, C, &a1, &b1)) < min_n)
        return 0;
    if (landing) {
        double disc;
        if (y[j] > C - AIR_EPS) {
            /* sample j already touches: the contact is at it (the picture
             * cannot tell how long it has been down) */
            if (y[j] > C + AIR_EPS || y[j - 1] > C - REST_EPS)
                return 0;
            t = j;
        } else if (G > 1e-9) {
            disc = b1 * b1 - 2 * G * (a1 - C);
            if (disc < 0)
                return 0;
            t = (-b1 + sqrt(disc)) / G;
        } else if (b1 > 0) {
            t = (C - a1) / b1;
        } else {
            return 0;
        }
        lvl = C;
    } else {
        /* bounce: two flights of one curvature differ by a line; the
         * vertical speed b + G t turns from down (> 0) to up */
        if (fit_flight(y, total, j + 1, 1, G, -1, &a2, &b2) < min_n || b1 <= b2)
            return 0;
        t = (a2 - a1) / (b1 - b2);
        if (b1 + G * t <= 0 || b2 + G * t >= 0)
            return 0;
        /* nothing leaves a contact faster than it came (restitution at
         * most 1): a subject whose drawn shape changes moves its centre
         * up faster than it fell */
        if (-(b2 + G * t) > b1 + G * t)
            return 0;
        lvl = a1 + b1 * t + 0.5 * G * t * t;
    }
    if (!(t >= j - slack && t <= j + 1 + slack))
        return 0;
    /* a fall seen in samples j - 1 and j only, where j - 1 ends a longer
     * flight and is still well above this contact's level: the longer
     * flight was stopped in [j - 1, j] by an earlier contact, and the
     * two samples are a settling subject's sinking, not a flight (a
     * bounce just before j - 1, as at the end of a bounce series, leaves
     * j - 1 about the contact's level) */
    if (n1 == 2 && fit_flight(y, total, j - 1, -1, G, -1, &a2, &b2) >= 3 &&
        y[j - 1] < a1 + b1 * t + 0.5 * G * t * t - MIN_DROP * G)
        return 0;
    *tc    = av_clipd(t, j, j + 1);
    *level = FFMAX(lvl, FFMAX(y[j], y[j + 1]));
    return 1;
}

/* A landing a viewer sees, with its lowest sample at i: a fall of at least
 * SEEN_FALL of the frame height, beginning at or after sample lo, within
 * SEEN_SPAN before i, with a step of SEEN_SPEED of the speed a free fall
 * of SEEN_FALL lands with (G known), and after i either a rest (every
 * sample of the next SEEN_AFTER within SEEN_REST of their median) or a
 * rebound by half that fall.  A generated subject's falls are not parabolas of one gravity, so
 * refine_contact() misses them; this asks only for what the eye goes by.
 * The instant is where a flight of gravity G through the last two of the
 * fall's samples clearly above the level (and still falling as fast)
 * reaches it, kept between the last of them and the first sample at the
 * level.  Returns 1 and sets *tc (frame units) and *at (the subject's
 * centre there). */
static int seen_landing(const float *y, int total, int i, int lo, int size, int fps, double G,
                        double *tc, double *at)
{
    const double fall = SEEN_FALL * size, rest = SEEN_REST * size;
    const int after = FFMAX(2, (int)lrint(SEEN_AFTER * fps));
    const int span = FFMAX(1, (int)lrint(SEEN_SPAN * fps));
    double level, lowest, t1, a, b;
    float v[16] = { 0 };
    int start = i, j, j0, k1, n = 0, at_rest = 1;

    if (i < 1 || i - 1 < lo || i + after >= total || after >= FF_ARRAY_ELEMS(v))
        return 0;
    for (int k = i - 1; k <= i + after; k++)
        if (y[k] < 0)
            return 0;
    if (y[i] < y[i - 1] || y[i + 1] > y[i] + rest)
        return 0;
    while (start > lo && i - (start - 1) <= span && y[start - 1] >= 0 &&
           y[start - 1] <= y[start] + rest / 3)
        start--;
    if (y[i] - y[start] < fall)
        return 0;
    /* it lands with speed: a subject that sinks a few pixels a frame is
     * moving, not landing (a free fall of SEEN_FALL lands at sqrt(2 G h)) */
    if (G > 1e-9) {
        double fastest = 0;
        for (int k = start + 1; k <= i; k++)
            fastest = FFMAX(fastest, y[k] - y[k - 1]);
        if (fastest < SEEN_SPEED * sqrt(2 * G * fall))
            return 0;
    }
    for (int k = i; k <= i + after; k++)
        v[n++] = y[k];
    qsort(v, n, sizeof(*v), cmp_float);
    level  = v[n / 2];
    lowest = y[i + 1];
    at_rest = fabs(y[i] - level) <= rest;
    for (int k = i + 1; k <= i + after; k++) {
        at_rest &= fabs(y[k] - level) <= rest;
        lowest   = FFMIN(lowest, y[k]);
    }
    if (!at_rest) {
        if (y[i] - lowest < fall / 2)
            return 0;
        level = y[i];
    }
    /* the fall's samples clearly above the level (a frame blended across
     * the contact is neither in the air nor down) */
    for (j = i; j > start && y[j] > level - 2 * rest; j--)
        ;
    /* nothing in flight slows: a sample reached by less than SEEN_SLOWER
     * of the step before it is down already, sinking into the ground (a
     * generated subject that settles) or blended across the contact */
    while (j - 1 > start && y[j] - y[j - 1] < SEEN_SLOWER * (y[j - 1] - y[j - 2]))
        j--;
    for (k1 = j + 1; k1 < i && y[k1] <= level - rest; k1++)
        ;
    t1  = k1;
    *tc = t1;
    /* the flight through the last two of them: a generated fall is no
     * flight of one gravity from its start (it hangs, then drops), but
     * over one interval it is near enough */
    j0 = FFMAX(start, j - 1);
    if (j > start && G > 1e-9 && fit_line(y, j0, 1, j - j0 + 1, G, &a, &b)) {
        double disc = b * b - 2 * G * (a - level);
        if (disc >= 0)
            *tc = av_clipd((-b + sqrt(disc)) / G, j, t1);
    }
    *at = level;
    return 1;
}

/* How hard a contact at tc (frame units) hits, 0..1: the speed of the fall
 * into it (the square root of its height, from the highest sample since
 * the last contact, lo, or SEEN_SPAN before tc) against that of a fall of
 * IMPACT_FALL of the frame height, at least IMPACT_FLOOR.  A subject that
 * settles or hops a pixel after a landing makes a tap, not a second thud. */
static float impact(const float *y, int total, double tc, int lo, int size, int fps)
{
    const int j = av_clip((int)floor(tc), 0, total - 1), k = FFMIN(j + 1, total - 1);
    const int from = FFMAX(lo, j - FFMAX(1, (int)lrint(SEEN_SPAN * fps)));
    double top = 1e30, level = FFMAX(y[j], y[k]);

    for (int i = FFMAX(from, 0); i <= j; i++)
        if (y[i] >= 0)
            top = FFMIN(top, y[i]);
    if (level < 0 || top > level)
        return 1.0f;
    return av_clipf(sqrtf((level - top) / (IMPACT_FALL * size)), IMPACT_FLOOR, 1.0f);
}

int ff_diff_events_after(int fps)
{
    /* seen_landing() looks for a landing at samples j .. j + 2 and for
     * the rest or rebound SEEN_AFTER after it; refine_contact() reads up
     * to sample j + 3 about interval j + 1 */
    return FFMAX(3, 2 + FFMAX(2, (int)lrint(SEEN_AFTER * fps)));
}

/* gravity in px per frame^2: median curvature of the clip's falling
 * stretches (triples with a positive second difference) */
static double measure_gravity(const float *y, int total)
{
    float curv[MAX_FRAMES];
    int nc = 0;

    for (int i = 1; i + 1 < total; i++) {
        float d2 = y[i + 1] - 2 * y[i] + y[i - 1];
        if (y[i - 1] >= 0 && y[i] >= 0 && y[i + 1] >= 0 && d2 > 2 * REST_EPS)
            curv[nc++] = d2;
    }
    if (!nc)
        return 0;
    qsort(curv, nc, sizeof(*curv), cmp_float);
    return curv[nc / 2];
}

int ff_diff_find_events(const float *y, int pre, int nb, int post, int size, int64_t first,
                        int fps, float gravity, const float *prob, float threshold,
                        float confirmed, float certain, DiffSubjectSeen *seen, DiffEvent *out,
                        int max)
{
    int n = 0, total = pre + nb + post, lo;
    double G;

    if (pre < 0 || nb < 0 || post < 0 || total > MAX_FRAMES || size < 8 || size > MAX_SIZE || fps <= 0)
        return AVERROR(EINVAL);
    G = gravity > 0 ? gravity / ((double)fps * fps) : measure_gravity(y, total);
    /* a fall into a contact begins after the last contact */
    lo = seen ? (int)av_clip64(seen->fall_from - (first - pre), 0, total) : 0;
    for (int f = 0; f < nb && n < max; f++) {
        static const int offs[3] = { 0, -1, 1 };
        DiffEvent *e = &out[n];
        const int j = pre + f;
        float p = prob[f * 2];
        double tc, tl = 0, lc = -1, ll = -1;
        int peak, sure, landed = 0, strict = 0, refined = 0;

        if (p < FFMIN(confirmed, threshold))
            continue;
        /* above the threshold, a contact is where the model's
         * probability peaks (a caption of bounces raises it on every
         * frame) */
        peak = p >= threshold &&
               !((f > 0 && prob[(f - 1) * 2] > p) || (f + 1 < nb && prob[(f + 1) * 2] >= p));
        /* two samples of flight a side fit any motion: only a model
         * sure of a contact may have it timed from so little */
        sure = peak && p >= certain;
        /* a landing a viewer sees in or next to the interval */
        for (int i = j; i <= j + 2 && !landed; i++)
            landed = seen_landing(y, total, i, lo, size, fps, G, &tl, &ll);
        if (!peak) {
            /* below the threshold (or beside a peak) a contact sounds
             * only where the pictures show it */
            strict = p < threshold && refine_contact(y, total, j, G, 1, &tc, &lc);
            if (!strict && !landed)
                continue;
        } else if (!landed && still(y, total, j, G)) {
            /* a peak where the pictures show the subject still */
            continue;
        }
        refined = strict;
        /* (a hint under the threshold has tried its own interval) */
        for (int o = !peak && p < threshold; o < 3 && !refined && (peak || landed); o++) {
            double t, l;
            if (!still(y, total, j + offs[o], G) &&
                refine_contact(y, total, j + offs[o], G, !sure, &t, &l) &&
                (!landed || fabs(t - tl) <= SEEN_NEAR)) {
                tc      = t;
                lc      = l;
                refined = 1;
            }
        }
        if (!refined && landed) {
            tc      = tl;
            lc      = ll;
            refined = 1;
        }
        /* a peak the pictures could time but show no contact at: the
         * model's alone */
        if (!refined && seen_about(y, total, j))
            continue;
        e->kind     = DIFF_EVENT_CONTACT;
        e->strength = p * (refined ? impact(y, total, tc, lo, size, fps) : 1.0f);
        e->refined  = refined;
        e->time     = refined ? (first - pre + tc) / fps : (first + f + 0.5) / fps;
        e->level    = refined ? lc : -1;
        if (refined) {
            /* two hinted intervals, one contact */
            int dup = 0;
            for (int i = n - 1; i >= 0 && !dup; i--) {
                if (out[i].kind == e->kind && out[i].refined &&
                    fabs(out[i].time - e->time) < 0.5 / fps) {
                    out[i].strength = FFMAX(out[i].strength, e->strength);
                    dup = 1;
                }
            }
            lo = FFMAX(lo, FFMIN((int)ceil(tc), total));
            if (dup)
                continue;
        }
        n++;
    }
    if (seen)
        seen->fall_from = FFMAX(seen->fall_from, first - pre + lo);
    return n;
}
