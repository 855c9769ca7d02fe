/*
 * find_events: run the event analyser on clips read from stdin
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
 * Input (native byte order): int32 nb_clips, frames, size, fps; then per
 * clip float32 frames[frames][3][size][size] in [-1, 1] followed by
 * float32 prob[frames][2].  Output: one line per clip, the times in
 * seconds of its events, each followed by 'r' (refined from the picture)
 * or 'c' (frame centre), e.g. "0.21875r 0.8125c".  Optional arguments:
 * gravity in pixels per second squared (default, or 0: measured per clip)
 * and the `confirmed` probability (default 1: off; threshold is 0.5); a
 * third argument with the word "track" prints, after each clip's events
 * line, the analyser's track (the subject's vertical centre per frame, -1
 * where unseen), with "boxes" the subject's box per frame (x0,y0,x1,y1),
 * with "strength" each event's strength after its time (@0.500); with the
 * word "stream" the clips are consecutive pieces of one stream (where the
 * subject was last seen carries over, as in the soragen filter).  A fourth
 * argument is the `certain` probability (default 0.9, as the filter's
 * event_certain).  Used by
 * tests/analyser_world_test.py to hold the analyser against the world
 * generator's exact contact times.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libavutil/mem.h"

#include "libavfilter/diffusion/events.h"

int main(int argc, char **argv)
{
    float gravity = argc > 1 ? atof(argv[1]) : 0;
    float confirmed = argc > 2 ? atof(argv[2]) : 1.0f;
    int track = argc > 3 && strstr(argv[3], "track");
    int strength = argc > 3 && strstr(argv[3], "strength");
    int boxes = argc > 3 && strstr(argv[3], "boxes");
    float certain = argc > 4 ? atof(argv[4]) : 0.9f;
    DiffSubjectSeen seen = { 0 }, *stream = argc > 3 && strstr(argv[3], "stream") ? &seen : NULL;
    int32_t hdr[4];
    float *frames, *prob;
    size_t nf, np;

    if (fread(hdr, sizeof(hdr), 1, stdin) != 1 || hdr[0] < 0 || hdr[1] < 1 ||
        hdr[1] > 4096 || hdr[2] < 8 || hdr[2] > 1024 || hdr[3] < 1 || hdr[3] > 240) {
        fprintf(stderr, "find_events: bad header\n");
        return 1;
    }
    nf = (size_t)hdr[1] * 3 * hdr[2] * hdr[2];
    np = (size_t)hdr[1] * 2;
    frames = av_malloc_array(nf, sizeof(*frames));
    prob = av_malloc_array(np, sizeof(*prob));
    if (!frames || !prob)
        return 1;
    for (int c = 0; c < hdr[0]; c++) {
        DiffEvent ev[64];
        DiffPixelGroup b[256];
        float y[256];
        int n;

        if (fread(frames, sizeof(*frames), nf, stdin) != nf ||
            fread(prob, sizeof(*prob), np, stdin) != np) {
            fprintf(stderr, "find_events: clip %d is truncated\n", c);
            return 1;
        }
        if (hdr[1] > 256 || ff_diff_subject_boxes(frames, hdr[1], hdr[2], stream, y, b, NULL) < 0) {
            fprintf(stderr, "find_events: cannot track clip %d\n", c);
            return 1;
        }
        n = ff_diff_find_events(y, 0, hdr[1], 0, hdr[2], 0, hdr[3], gravity, prob, 0.5f,
                                confirmed, certain, stream, ev, 64);
        if (n < 0) {
            fprintf(stderr, "find_events: error %d\n", n);
            return 1;
        }
        for (int i = 0; i < n; i++) {
            printf("%s%.6f%c", i ? " " : "", ev[i].time, ev[i].refined ? 'r' : 'c');
            if (strength)
                printf("@%.3f", ev[i].strength);
        }
        printf("\n");
        if (track) {
            for (int i = 0; i < hdr[1]; i++)
                printf("%s%.2f", i ? " " : "", y[i]);
            printf("\n");
        }
        if (boxes) {
            for (int i = 0; i < hdr[1]; i++)
                printf("%s%d,%d,%d,%d", i ? " " : "", b[i].x0, b[i].y0, b[i].x1, b[i].y1);
            printf("\n");
        }
    }
    av_free(frames);
    av_free(prob);
    return 0;
}
