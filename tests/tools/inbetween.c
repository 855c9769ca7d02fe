/*
 * inbetween: make the frames between native frames read from stdin
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
 * float32 prob[frames][2], as for find_events.  Arguments: the number of
 * output frames per native frame interval R (2 or more), "motion" or
 * "blend", and the gravity in pixels per second squared (0: measured per
 * clip).  Output: per clip float32 frames[(frames - 1) * R + 1][3][size][size],
 * frame k at native position k / R, made as the soragen filter makes
 * them: the analyser's subject and contacts (ff_diff_subject_boxes(),
 * ff_diff_find_events() with the filter's default thresholds), then
 * ff_diff_inbetween() or the cross-fade.  Used by
 * tests/inbetween_world_test.py to hold the in-betweens against the world
 * generator's own frames at R times the rate.
 * With a fourth argument, a file name, the sounds of the analyser's events
 * go there as the filter renders them (ff_diff_sounds_for_words() of the
 * fifth argument, "ball" if none, ff_diff_render_events(), seed 1): per
 * clip float32 mono samples at AUDIO_RATE for the output frames' span,
 * sample i at i / AUDIO_RATE s from native frame 0
 * (tests/avsync_chain_test.py).
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libavutil/mem.h"

#include "libavfilter/diffusion/audio_render.h"
#include "libavfilter/diffusion/events.h"
#include "libavfilter/diffusion/inbetween.h"

#define AUDIO_RATE 48000

int main(int argc, char **argv)
{
    const int R = argc > 1 ? atoi(argv[1]) : 0;
    const int motion = argc > 2 && !strcmp(argv[2], "motion");
    const float gravity = argc > 3 ? atof(argv[3]) : 0;
    const char *word = argc > 5 ? argv[5] : "ball";
    FILE *audio = NULL;
    float *pcm = NULL;
    DiffSound snd[2];
    double G;
    int32_t hdr[4];
    float *frames = NULL, *prob = NULL, *out = NULL, contact[2 * 256], y[256];
    DiffPixelGroup boxes[256];
    DiffPose poses[256];
    uint8_t *fg = NULL, *masks = NULL, *scratch = NULL;
    size_t nf, np, plane;
    int ret = 1;

    if (R < 2 || R > 64 || argc < 3 || (!motion && strcmp(argv[2], "blend"))) {
        fprintf(stderr, "usage: inbetween R motion|blend [gravity [audio.f32 [word]]] < clips\n");
        return 1;
    }
    if (fread(hdr, sizeof(hdr), 1, stdin) != 1 || hdr[0] < 0 || hdr[1] < 2 ||
        hdr[1] > 256 || hdr[2] < 8 || hdr[2] > 1024 || hdr[3] < 1 || hdr[3] > 240) {
        fprintf(stderr, "inbetween: bad header\n");
        return 1;
    }
    if (argc > 4 && !(audio = fopen(argv[4], "wb"))) {
        perror(argv[4]);
        return 1;
    }
    ff_diff_sounds_for_words(&word, 1, snd);
    plane = (size_t)hdr[2] * hdr[2];
    nf = (size_t)hdr[1] * 3 * plane;
    np = (size_t)hdr[1] * 2;
    frames = av_malloc_array(nf, sizeof(*frames));
    prob   = av_malloc_array(np, sizeof(*prob));
    out    = av_malloc_array(3 * plane, sizeof(*out));
    fg     = av_malloc_array(hdr[1], plane);
    masks  = av_malloc_array(hdr[1], plane);
    scratch = av_malloc_array(2, plane);
    if (!frames || !prob || !out || !fg || !masks || !scratch)
        goto end;
    for (int c = 0; c < hdr[0]; c++) {
        DiffEvent ev[64];
        int n;

        if (fread(frames, sizeof(*frames), nf, stdin) != nf ||
            fread(prob, sizeof(*prob), np, stdin) != np) {
            fprintf(stderr, "inbetween: clip %d is truncated\n", c);
            goto end;
        }
        if (ff_diff_subject_boxes(frames, hdr[1], hdr[2], NULL, y, boxes, fg) < 0 ||
            (n = ff_diff_find_events(y, 0, hdr[1], 0, hdr[2], 0, hdr[3], gravity, prob, 0.5f,
                                     0.05f, 0.9f, NULL, ev, 64)) < 0) {
            fprintf(stderr, "inbetween: cannot analyse clip %d\n", c);
            goto end;
        }
        ff_diff_subject_poses(y, boxes, fg, hdr[1], hdr[2], masks, poses);
        ff_diff_inbetween_no_contacts(contact, hdr[1]);
        ff_diff_inbetween_contacts(ev, n, 0, hdr[1], hdr[3], contact);
        G = gravity > 0 ? gravity / ((double)hdr[3] * hdr[3]) : 0;
        for (int i = 0; i + 1 < hdr[1]; i++) {
            const float *a = frames + i * 3 * plane, *b = a + 3 * plane;
            fwrite(a, sizeof(*a), 3 * plane, stdout);
            for (int k = 1; k < R; k++) {
                const float f = (float)k / R;
                if (motion) {
                    float x, y;
                    ff_diff_subject_path(poses, hdr[1], i, contact + 2 * i, G, f, &x, &y);
                    ff_diff_inbetween(a, b, masks + i * plane, masks + (i + 1) * plane, &poses[i],
                                      &poses[i + 1], x, y, hdr[2], f, scratch, out);
                } else
                    for (size_t p = 0; p < 3 * plane; p++)
                        out[p] = a[p] + (b[p] - a[p]) * f;
                fwrite(out, sizeof(*out), 3 * plane, stdout);
            }
        }
        fwrite(frames + (hdr[1] - 1) * 3 * plane, sizeof(*frames), 3 * plane, stdout);
        if (audio) {
            /* the output frames' span: (frames - 1) R + 1 frames at R times fps */
            const int ns = (int)(((int64_t)(hdr[1] - 1) * R + 1) * AUDIO_RATE / ((int64_t)hdr[3] * R));
            float *tmp = av_realloc_array(pcm, ns, sizeof(*pcm));
            if (!tmp)
                goto end;
            pcm = tmp;
            ff_diff_render_events(ev, n, snd, AUDIO_RATE, 1, 1, 0, ns, NULL, pcm);
            if (fwrite(pcm, sizeof(*pcm), ns, audio) != (size_t)ns) {
                fprintf(stderr, "inbetween: cannot write the audio\n");
                goto end;
            }
        }
    }
    ret = 0;
end:
    av_free(frames);
    av_free(prob);
    av_free(out);
    av_free(fg);
    av_free(masks);
    av_free(scratch);
    av_free(pcm);
    if (audio && fclose(audio))
        ret = 1;
    return ret;
}
