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

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "libavutil/common.h"
#include "libavutil/error.h"
#include "libavutil/mem.h"

#include "pixel_groups.h"
#include "subject.h"

#define FG_THRESHOLD 0.32f  /* max channel distance, [-1, 1] units: 0.16 of full scale */
#define FG_FLOOR     0.15f /* L1 distance under which a pixel counts as background */
#define MIN_PIXELS   6      /* smallest subject, in candidate pixels */
#define LINK         2      /* candidates this close (in x and y) are one group */
#define MAX_SIZE     DIFF_SUBJECT_MAX_SIZE
#define MAX_FRAMES   DIFF_SUBJECT_MAX_FRAMES
#define SEEN_MARGIN  2      /* px around where the subject was last seen */

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

int ff_diff_subject_boxes(const float *frames, int total, int size, DiffSubjectSeen *seen,
                          float *y, DiffPixelGroup *boxes, uint8_t *foreground)
{
    float track[MAX_FRAMES];

    return subject_track(frames, total, size, seen, y ? y : track, boxes, foreground);
}
