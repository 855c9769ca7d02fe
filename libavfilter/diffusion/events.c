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

#include "libavutil/common.h"
#include "libavutil/error.h"
#include "libavutil/mem.h"

#include "events.h"
#include "pixel_groups.h"

#define FG_THRESHOLD 0.32f  /* max channel distance, [-1, 1] units: 0.16 of full scale */
#define FG_FLOOR     0.15f /* L1 distance under which a pixel counts as background */
#define MIN_PIXELS   6      /* smallest subject, in candidate pixels */
#define LINK         2      /* candidates this close (in x and y) are one group */
#define MAX_SIZE     1024
#define MAX_FRAMES   256
#define FIT_RMS      0.35   /* px: residual under which samples are one flight */
#define REST_EPS     0.3    /* px: frame-to-frame change of a subject at rest */
#define AIR_EPS      0.02   /* px: least height of a sample in the air */
#define SEEN_MARGIN  2      /* px around where the subject was last seen */
#define MIN_DROP     0.2    /* of gravity (px/frame^2): least fall into a contact, and
                               rise out of a bounce, between two samples */
#define SEEN_FALL    0.125  /* of the frame height: least fall into a landing a viewer sees */
#define SEEN_REST    0.0234 /* of the frame height: samples this close to the level after a
                               landing are at rest there (1.5 px of 64) */
#define SEEN_SPAN    0.5    /* s: longest fall into a landing a viewer sees */
#define SEEN_AFTER   0.25   /* s: how long after a landing the rest or rebound is looked for */
#define IMPACT_FALL  0.5    /* of the frame height: a fall into a contact that sounds in full */
#define IMPACT_FLOOR 0.25   /* least loudness of a contact's sound, of a full fall's */
#define SEEN_NEAR    0.5    /* frames: a flight's contact this close to a landing a viewer
                               sees times it */

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* what pixel i shows without the subject: its scenery colour, or else the
 * median colour of its row */
static const float *background(const float *scenery, size_t i, const float *row_median)
{
    return scenery && !isnan(scenery[3 * i]) ? scenery + 3 * i : row_median;
}

static float distance_l1(const float *frame, size_t plane, size_t i, const float *med)
{
    return fabsf(frame[i] - med[0]) + fabsf(frame[plane + i] - med[1]) +
           fabsf(frame[2 * plane + i] - med[2]);
}

static void row_medians(const float *frame, int size, float (*med)[3])
{
    const size_t plane = (size_t)size * size;
    float row[MAX_SIZE];

    for (int y = 0; y < size; y++) {
        for (int c = 0; c < 3; c++) {
            memcpy(row, frame + c * plane + (size_t)y * size, size * sizeof(float));
            qsort(row, size, sizeof(float), cmp_float);
            med[y][c] = row[size / 2];
        }
    }
}

/* Vertical centre of the subject in a frame, in pixels (sub-pixel), or -1
 * when no subject is seen.  Pixels farther than FG_THRESHOLD from what they
 * show without the subject (background()) are candidates; the group of
 * candidates of the largest total distance is the subject; inside its box
 * grown by a pixel every pixel weighs its L1 distance (less FG_FLOOR,
 * capped), which is linear in how much of the pixel the subject covers, so
 * the centre moves with the subject to a fraction of a pixel.
 * med: the frame's row medians; scratch: work 2 * size * size ints,
 * weight size * size floats, groups size * size groups.  box, if not NULL,
 * gets the subject's group (unchanged when none is seen); fg, if not NULL,
 * gets 1 at every candidate pixel, 0 elsewhere. */
static float subject_centre(const float *frame, int size, const float (*med)[3],
                            const float *scenery, int *work, float *weight,
                            DiffPixelGroup *groups, DiffPixelGroup *box, uint8_t *fg)
{
    const size_t plane = (size_t)size * size;
    int *label = work, *stack = work + plane;
    int best = 0, ngroups;
    double best_w = 0, sw = 0, swy = 0;
    const DiffPixelGroup *g;

    /* candidates: -1; a row with a single one holds noise, not a subject */
    for (int y = 0; y < size; y++) {
        int hits = 0;
        for (int x = 0; x < size; x++) {
            size_t i = (size_t)y * size + x;
            const float *bg = background(scenery, i, med[y]);
            float d = 0;
            for (int c = 0; c < 3; c++)
                d = FFMAX(d, fabsf(frame[c * plane + i] - bg[c]));
            label[i] = d > FG_THRESHOLD ? -1 : 0;
            if (d > FG_THRESHOLD)
                weight[i] = FFMAX(0.0f, distance_l1(frame, plane, i, bg) - FG_FLOOR);
            hits += d > FG_THRESHOLD;
        }
        if (hits < 2)
            for (int x = 0; x < size; x++)
                label[(size_t)y * size + x] = 0;
    }
    for (size_t i = 0; fg && i < plane; i++)
        fg[i] = label[i] != 0;
    /* the group of candidates (linked across gaps of up to LINK - 1 pixels:
     * a subject's parts of little contrast break it up) of the largest
     * total distance */
    ngroups = ff_diff_pixel_groups(label, size, LINK, weight, stack, groups);
    for (int k = 0; k < ngroups; k++) {
        if (groups[k].count >= MIN_PIXELS && groups[k].mass > best_w) {
            best_w = groups[k].mass;
            best   = k + 1;
        }
    }
    if (!best)
        return -1;
    g = &groups[best - 1];
    if (box)
        *box = *g;
    /* weighted centre over the group's box grown by one pixel */
    for (int y = FFMAX(0, g->y0 - 1); y <= FFMIN(size - 1, g->y1 + 1); y++) {
        for (int x = FFMAX(0, g->x0 - 1); x <= FFMIN(size - 1, g->x1 + 1); x++) {
            size_t i = (size_t)y * size + x;
            float w = FFMIN(distance_l1(frame, plane, i, background(scenery, i, med[y])) - FG_FLOOR,
                            2.0f);
            if (w > 0) {
                sw  += w;
                swy += w * (y + 0.5);
            }
        }
    }
    return sw > 0 ? swy / sw : -1;
}

/* The scenery of a clip of nb frames: pixels that differ from their row's
 * median colour in every frame and keep one colour in three frames of four
 * or more (ground texture, clouds, stars, a moon): a subject only ever
 * passes in front of them.  A subject at rest is not scenery as long as
 * some frame shows the background where it rests.  scenery[size * size][3]
 * gets a scenery pixel's colour (its median over the clip), NAN elsewhere;
 * med: the frames' row medians [nb][size][3]. */
static void find_scenery(const float *frames, const float (*med)[3], int nb, int size,
                         float *scenery)
{
    const size_t plane = (size_t)size * size, fsz = 3 * plane;
    float v[MAX_FRAMES];

    for (size_t i = 0; i < plane; i++) {
        int always = 1, same = 0;

        for (int f = 0; f < nb && always; f++) {
            const float *m = med[(size_t)f * size + i / size];
            float d = 0;
            for (int c = 0; c < 3; c++)
                d = FFMAX(d, fabsf(frames[f * fsz + c * plane + i] - m[c]));
            always = d > FG_THRESHOLD;
        }
        scenery[3 * i] = scenery[3 * i + 1] = scenery[3 * i + 2] = NAN;
        if (!always)
            continue;
        for (int c = 0; c < 3; c++) {
            for (int f = 0; f < nb; f++)
                v[f] = frames[f * fsz + c * plane + i];
            qsort(v, nb, sizeof(*v), cmp_float);
            scenery[3 * i + c] = v[nb / 2];
        }
        for (int f = 0; f < nb; f++) {
            float d = 0;
            for (int c = 0; c < 3; c++)
                d = FFMAX(d, fabsf(frames[f * fsz + c * plane + i] - scenery[3 * i + c]));
            same += d <= 0.5f * FG_THRESHOLD;
        }
        if (4 * same < 3 * nb)
            scenery[3 * i] = scenery[3 * i + 1] = scenery[3 * i + 2] = NAN;
    }
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
 * number of samples of the longest run that is one flight, or 0. */
static int fit_flight(const float *y, int total, int start, int dir, double G,
                      double *a, double *b)
{
    for (int n = 4; n >= 2; n--) {
        double rss = 0;
        int ok = 1;

        for (int k = 0; k < n && ok; k++) {
            int i = start + k * dir;
            ok = i >= 0 && i < total && y[i] >= 0;
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
    double a1, b1, a2, b2, t, lvl;
    int n1;

    if (j < 1 || j + 2 >= total || y[j - 1] < 0 || y[j] < 0 || y[j + 1] < 0 || y[j + 2] < 0)
        return 0;
    if ((n1 = fit_flight(y, total, j, -1, G, &a1, &b1)) < min_n)
        return 0;
    if (fabs(y[j + 2] - y[j + 1]) < REST_EPS &&
        (j + 3 >= total || y[j + 3] < y[j + 1] + REST_EPS)) {
        /* landing: sample j is in the air above a rest that nothing goes
         * below (two equal samples can also be the top of a bounce, after
         * which the subject falls lower), and the fall reaches the rest's
         * level in between */
        double C = 0, disc;
        int n = 0;
        for (int i = j + 1; i < total && y[i] >= 0 && fabs(y[i] - y[j + 1]) < REST_EPS; i++, n++)
            C += y[i];
        C /= n;
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
        if (fit_flight(y, total, j + 1, 1, G, &a2, &b2) < min_n || b1 <= b2)
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
    if (n1 == 2 && fit_flight(y, total, j - 1, -1, G, &a2, &b2) >= 3 &&
        y[j - 1] < a1 + b1 * t + 0.5 * G * t * t - MIN_DROP * G)
        return 0;
    *tc    = av_clipd(t, j, j + 1);
    *level = FFMAX(lvl, FFMAX(y[j], y[j + 1]));
    return 1;
}

/* A landing a viewer sees, with its lowest sample at i: a fall of at least
 * SEEN_FALL of the frame height, beginning at or after sample lo, within
 * SEEN_SPAN before i, and after i either a rest (every sample of the next
 * SEEN_AFTER within SEEN_REST of their median) or a rebound by half that
 * fall.  A generated subject's falls are not parabolas of one gravity, so
 * refine_contact() misses them; this asks only for what the eye goes by.
 * The instant is where a flight of gravity G fitted to the fall's samples
 * clearly above the level reaches it, kept between the last of them and
 * the first sample at the level.  Returns 1 and sets *tc (frame units) and
 * *at (the subject's centre there). */
static int seen_landing(const float *y, int total, int i, int lo, int size, int fps, double G,
                        double *tc, double *at)
{
    const double fall = SEEN_FALL * size, rest = SEEN_REST * size;
    const int after = FFMAX(2, (int)lrint(SEEN_AFTER * fps));
    const int span = FFMAX(1, (int)lrint(SEEN_SPAN * fps));
    double level, lowest, t1, a, b;
    float v[16] = { 0 };
    int start = i, j, k1, n = 0, at_rest = 1;

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
    for (k1 = j + 1; k1 < i && y[k1] <= level - rest; k1++)
        ;
    t1  = k1;
    *tc = t1;
    if (j > start && G > 1e-9 && fit_line(y, start, 1, j - start + 1, G, &a, &b)) {
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

static int subject_track(const float *frames, int total, int size, DiffSubjectSeen *seen,
                         float *y, DiffPixelGroup *boxes, uint8_t *fg)
{
    const size_t plane = (size_t)size * size, fsz = 3 * plane;
    float (*med)[3], *scenery, *weight;
    int *work;
    DiffPixelGroup *groups;
    int ret = 0;

    if (total < 0 || total > MAX_FRAMES || size < 8 || size > MAX_SIZE)
        return AVERROR(EINVAL);
    work    = av_malloc_array(plane, 2 * sizeof(*work));
    weight  = av_malloc_array(plane, sizeof(*weight));
    groups  = av_malloc_array(plane, sizeof(*groups));
    med     = av_malloc_array((size_t)FFMAX(total, 1) * size, sizeof(*med));
    scenery = av_malloc_array(plane, 3 * sizeof(*scenery));
    if (!work || !weight || !groups || !med || !scenery) {
        ret = AVERROR(ENOMEM);
        goto end;
    }
    for (int i = 0; i < total; i++)
        row_medians(frames + i * fsz, size, med + (size_t)i * size);
    /* with fewer than 3 frames every pixel would look like scenery */
    if (total >= 3) {
        find_scenery(frames, (const float (*)[3])med, total, size, scenery);
        /* a subject that rests through the whole clip looks like scenery
         * (static, unlike its rows): where it was last seen is not */
        if (seen && seen->seen) {
            const int x0 = FFMAX(0, seen->x0 - SEEN_MARGIN), x1 = FFMIN(size - 1, seen->x1 + SEEN_MARGIN);
            const int y0 = FFMAX(0, seen->y0 - SEEN_MARGIN), y1 = FFMIN(size - 1, seen->y1 + SEEN_MARGIN);
            for (int yy = y0; yy <= y1; yy++)
                for (int x = x0; x <= x1; x++)
                    scenery[3 * ((size_t)yy * size + x)] = NAN;
        }
    }
    for (int i = 0; i < total; i++) {
        DiffPixelGroup b;
        memset(&b, 0, sizeof(b));
        y[i] = subject_centre(frames + i * fsz, size, (const float (*)[3])med + (size_t)i * size,
                              total >= 3 ? scenery : NULL, work, weight, groups, &b,
                              fg ? fg + i * plane : NULL);
        if (boxes)
            boxes[i] = b;
        if (seen && y[i] >= 0) {
            seen->seen = 1;
            seen->x0 = b.x0;
            seen->y0 = b.y0;
            seen->x1 = b.x1;
            seen->y1 = b.y1;
        }
    }
end:
    av_free(work);
    av_free(weight);
    av_free(groups);
    av_free(med);
    av_free(scenery);
    return ret;
}

int ff_diff_subject_track(const float *frames, int total, int size, DiffSubjectSeen *seen,
                          float *y)
{
    return subject_track(frames, total, size, seen, y, NULL, NULL);
}

int ff_diff_subject_boxes(const float *frames, int total, int size, const DiffSubjectSeen *seen,
                          float *y, DiffPixelGroup *boxes, uint8_t *foreground)
{
    DiffSubjectSeen before;
    float track[MAX_FRAMES];

    if (seen)
        before = *seen;
    return subject_track(frames, total, size, seen ? &before : NULL, y ? y : track, boxes,
                         foreground);
}

int ff_diff_find_events(const float *frames, int pre, int nb, int post, int size, int64_t first,
                        int fps, float gravity, const float *prob, float threshold,
                        float confirmed, float certain, DiffSubjectSeen *seen, DiffEvent *out,
                        int max)
{
    float y[MAX_FRAMES];
    int n = 0, total = pre + nb + post, ret, lo;
    double G;

    if (pre < 0 || nb < 0 || post < 0 || total > MAX_FRAMES || size < 8 || size > MAX_SIZE || fps <= 0)
        return AVERROR(EINVAL);
    if ((ret = ff_diff_subject_track(frames, total, size, seen, y)) < 0)
        return ret;
    G = gravity > 0 ? gravity / ((double)fps * fps) : measure_gravity(y, total);
    /* a fall into a contact begins after the last contact */
    lo = seen ? (int)av_clip64(seen->fall_from - (first - pre), 0, total) : 0;
    for (int f = 0; f < nb && n < max; f++) {
        for (int k = 0; k < 2 && n < max; k++) {
            static const int offs[3] = { 0, -1, 1 };
            DiffEvent *e = &out[n];
            const int j = pre + f;
            float p = prob[f * 2 + k];
            double tc, tl = 0, lc = -1, ll = -1;
            int peak, sure, landed = 0, strict = 0, refined = 0;

            if (k) {
                /* footfalls: where the model says, at the frame's middle */
                if (p < threshold)
                    continue;
                e->kind     = DIFF_EVENT_FOOTFALL;
                e->strength = p;
                e->refined  = 0;
                e->level    = -1;
                e->time     = (first + f + 0.5) / fps;
                n++;
                continue;
            }
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
    }
    if (seen)
        seen->fall_from = FFMAX(seen->fall_from, first - pre + lo);
    return n;
}
