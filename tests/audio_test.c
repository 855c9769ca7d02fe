/*
 * Event analyser and audio renderer: timing
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
 * 1. Rendered onsets: one event at an arbitrary time, at several sample
 *    rates; the first non-zero sample must be within 1 ms of the event
 *    (it is within one sample by construction).
 * 2. The analyser: a box bouncing under gravity, drawn at 8 fps the way
 *    the world does (64x64, ground at y=54), with the model's probability
 *    set on the frame interval of each true contact; the refined times are
 *    compared with the analytic contact times.  Figures are printed
 *    (measured: 0.65, 1.39, 1.12 and 0.66 ms with gravity measured on the
 *    clip); tolerance 10 ms.  tests/analyser_world_test.py holds the
 *    analyser against the world generator's own clips.
 * 3. Determinism: same seed, same samples; another seed, other noise.
 */

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "libavutil/error.h"
#include "libavutil/macros.h"
#include "libavutil/mem.h"

#include "libavfilter/diffusion/audio_render.h"
#include "libavfilter/diffusion/dialogue.h"
#include "libavfilter/diffusion/events.h"

static int failures;

static void test_onsets(void)
{
    const int rates[] = { 8000, 44100, 48000, 96000 };
    const double when[] = { 0.0, 0.123456, 1.0 / 3.0, 2.71828 };
    DiffSound snd[2];
    const char *w[] = { "hippo" };

    ff_diff_sounds_for_words(w, 1, snd);
    for (int r = 0; r < FF_ARRAY_ELEMS(rates); r++) {
        for (int k = 0; k < FF_ARRAY_ELEMS(when); k++) {
            const int sr = rates[r];
            DiffEvent ev = { when[k], DIFF_EVENT_CONTACT, 1.0f, 1 };
            int64_t start = (int64_t)(when[k] * sr) - sr / 10;
            int n = sr / 5;
            float *buf = av_malloc_array(n, sizeof(float));
            double err;
            int first = -1;

            if (start < 0)
                start = 0;
            ff_diff_render_events(&ev, 1, snd, sr, 1, 7, start, n, NULL, buf);
            for (int i = 0; i < n && first < 0; i++)
                if (buf[i] != 0.0f)
                    first = i;
            err = first < 0 ? 1e9 : fabs((double)(start + first) / sr - when[k]) * 1e3;
            if (!(err < 1.0)) {
                printf("FAIL onset at %.6f s, %d Hz: error %.3f ms\n", when[k], sr, err);
                failures++;
            }
            av_free(buf);
        }
    }
    printf("ok   onsets within one sample at 8/44.1/48/96 kHz\n");
}

/* one frame: black, a white size x size box with its bottom at `bottom` */
static void draw(float *f, int n, double bottom, int box)
{
    const size_t plane = (size_t)n * n;
    for (size_t i = 0; i < 3 * plane; i++)
        f[i] = -1.0f;
    for (int y = 0; y < n; y++) {
        /* anti-aliased vertical extent [bottom - box, bottom) */
        double cover = FFMIN(y + 1, bottom) - FFMAX(y, bottom - box);
        if (cover <= 0)
            continue;
        for (int x = 20; x < 20 + box; x++)
            for (int c = 0; c < 3; c++)
                f[c * plane + y * n + x] = -1.0f + 2.0f * FFMIN(1.0, cover);
    }
}

/* the analyser on a clip of nb frames from its start: the subject's track,
 * then the events (gravity measured on the clip) */
static int find_events(const float *frames, int nb, int size, int fps, const float *prob,
                       float threshold, float confirmed, float certain, DiffSubjectSeen *seen,
                       DiffEvent *ev, int max)
{
    float y[DIFF_SUBJECT_MAX_FRAMES];
    int ret;

    if (nb > DIFF_SUBJECT_MAX_FRAMES)
        return AVERROR(EINVAL);
    if ((ret = ff_diff_subject_track(frames, nb, size, seen, y)) < 0)
        return ret;
    return ff_diff_find_events(y, 0, nb, 0, size, 0, fps, 0, prob, threshold, confirmed, certain,
                               seen, ev, max);
}

static void test_analyser(void)
{
    enum { N = 64, T = 16, FPS = 8 };
    const double g = 420.0, ground = 54.0, h0 = 30.0, e = 0.75;
    float *frames = av_malloc_array(T, 3 * N * N * sizeof(float));
    float prob[T * 2] = { 0 };
    double contacts[8];
    int nc = 0;
    DiffEvent ev[16];
    double worst = 0, sum = 0;
    int n, matched = 0;

    /* analytic bounce: drop from h0, restitution e */
    {
        double t = sqrt(2 * h0 / g), v = e * g * t;
        contacts[nc++] = t;
        while (nc < 8) {
            t += 2 * v / g;
            contacts[nc++] = t;
            v *= e;
        }
    }
    for (int i = 0; i < T; i++) {
        double t = (double)i / FPS, h;
        /* height at t from the piecewise flights */
        if (t < contacts[0]) {
            h = h0 - 0.5 * g * t * t;
        } else {
            int k = 0;
            double v = e * g * contacts[0];
            while (k + 1 < nc && t >= contacts[k + 1]) {
                v *= e;
                k++;
            }
            h = v * (t - contacts[k]) - 0.5 * g * (t - contacts[k]) * (t - contacts[k]);
        }
        draw(frames + (size_t)i * 3 * N * N, N, ground - FFMAX(h, 0), 10);
    }
    for (int k = 0; k < nc; k++)
        if (contacts[k] < (double)(T - 1) / FPS)
            prob[(int)(contacts[k] * FPS) * 2] = 0.9f;

    n = find_events(frames, T, N, FPS, prob, 0.5f, 1.0f, 0.9f, NULL, ev, 16);
    for (int i = 0; i < n; i++) {
        double best = 1e9;
        for (int k = 0; k < nc; k++)
            best = FFMIN(best, fabs(ev[i].time - contacts[k]));
        best *= 1e3;
        printf("     contact %d: %.4f s (%s), error %.2f ms\n", i, ev[i].time,
               ev[i].refined ? "refined" : "frame centre", best);
        if (ev[i].refined) {
            worst = FFMAX(worst, best);
            sum += best;
            matched++;
        }
    }
    if (matched < 2 || worst > 10.0) {
        printf("FAIL analyser: %d refined contacts, worst error %.2f ms\n", matched, worst);
        failures++;
    } else {
        printf("ok   analyser: %d of %d contacts refined, mean error %.2f ms, max %.2f ms\n",
               matched, n, sum / matched, worst);
    }

    /* a flat prior below the threshold (a model that knows the clip has
     * contacts, not on which frames): contacts only where the pictures show
     * them, each once; under `confirmed`, none at all */
    {
        float flat[T * 2] = { 0 };
        int expect = 0, good = 1;
        /* without a hint on its interval a contact needs three samples of
         * the flight on each side of it */
        for (int k = 0; k < nc; k++) {
            double lo = k ? contacts[k - 1] : -1, hi = k + 1 < nc ? contacts[k + 1] : 1e9;
            int before = 0, after = 0;
            for (int i = 0; i < T; i++) {
                double t = (double)i / FPS;
                before += t > lo && t < contacts[k];
                after  += t > contacts[k] && t < hi;
            }
            expect += before >= 3 && after >= 3;
        }
        for (int i = 0; i < T; i++)
            flat[i * 2] = 0.3f;
        n = find_events(frames, T, N, FPS, flat, 0.5f, 0.2f, 0.9f, NULL, ev, 16);
        for (int i = 0; i < n; i++) {
            double best = 1e9;
            for (int k = 0; k < nc; k++)
                best = FFMIN(best, fabs(ev[i].time - contacts[k]));
            good &= ev[i].refined && best < 0.010;
        }
        if (n != expect || !good) {
            printf("FAIL analyser, flat prior: %d events (want %d, all refined within 10 ms)\n",
                   n, expect);
            failures++;
        } else if ((n = find_events(frames, T, N, FPS, flat, 0.5f, 0.4f, 0.9f, NULL, ev,
                                    16)) != 0) {
            printf("FAIL analyser: %d events from a prior under `confirmed`\n", n);
            failures++;
        } else {
            printf("ok   analyser, flat prior 0.3: the %d contacts with 3 samples a side, none more\n",
                   expect);
        }
    }
    av_free(frames);
}

static void test_determinism(void)
{
    DiffSound snd[2];
    const char *w[] = { "ball" };
    DiffEvent ev = { 0.01, DIFF_EVENT_CONTACT, 1.0f, 1 };
    float a[2000], b[2000], c[2000];

    ff_diff_sounds_for_words(w, 1, snd);
    ff_diff_render_events(&ev, 1, snd, 48000, 2, 1, 0, 1000, NULL, a);
    ff_diff_render_events(&ev, 1, snd, 48000, 2, 1, 0, 1000, NULL, b);
    ff_diff_render_events(&ev, 1, snd, 48000, 2, 2, 0, 1000, NULL, c);
    if (memcmp(a, b, sizeof(a)) || !memcmp(a, c, sizeof(a))) {
        printf("FAIL determinism\n");
        failures++;
    } else {
        printf("ok   same seed same samples, other seed other noise\n");
    }
    for (int i = 0; i < 2000; i++)
        if (fabsf(a[i]) > 1.0f) {
            printf("FAIL limiter: sample %d is %g\n", i, a[i]);
            failures++;
            break;
        }
}

/* 4. Dialogue: quoted text only, spoken, with a phone timeline that opens
 *    the mouth during the words and closes it in the pauses. */
static void test_dialogue(void)
{
    char line[128], none[16];
    DiffDialogue *d = NULL;
    size_t n = ff_diff_dialogue_text("a hippo \"hello there\" bounces \"big hippo\"", line, sizeof(line));
    int ret;

    if (n != strlen("hello there big hippo") || strcmp(line, "hello there big hippo")) {
        printf("FAIL dialogue text: '%s'\n", line);
        failures++;
    }
    if (ff_diff_dialogue_text("no quotes here", none, sizeof(none)) != 0) {
        printf("FAIL dialogue text without quotes\n");
        failures++;
    }
    ret = ff_diff_dialogue_speak(&d, line, NULL);
    if (ret < 0 || !d) {
        printf("FAIL speaking: %d\n", ret);
        failures++;
        return;
    }
    {
        double len = (double)d->nb_samples / d->sample_rate;
        double end = d->phones[d->nb_phones - 1].end;
        float mid = ff_diff_dialogue_mouth(d, 0.2, 0.6), start = ff_diff_dialogue_mouth(d, 0.0, 0.05);
        float rms = 0;
        for (int i = 0; i < d->nb_samples; i++)
            rms += d->samples[i] * d->samples[i];
        rms = sqrtf(rms / d->nb_samples);
        if (len < 0.5 || len > 5 || fabs(end - len) > 0.1 || rms < 0.01 || !(mid > 0.2) || start > 0.1) {
            printf("FAIL dialogue: %.2f s of speech, phones end at %.2f s, rms %.3f, mouth %.2f "
                   "mid-line and %.2f at the start\n", len, end, rms, mid, start);
            failures++;
        } else {
            printf("ok   dialogue: %.2f s of speech at %d Hz, %d phones, mouth %.2f mid-line, "
                   "%.2f in the leading pause\n", len, d->sample_rate, d->nb_phones, mid, start);
        }
    }
    ff_diff_dialogue_free(&d);
}

int main(void)
{
    test_onsets();
    test_analyser();
    test_determinism();
    test_dialogue();
    printf("audio_test: %s\n", failures ? "FAILED" : "passed");
    return !!failures;
}
