/*
 * Dialogue: quoted text of a prompt, spoken with flite
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

#include "config.h"

#include <string.h>

#include "libavutil/error.h"
#include "libavutil/log.h"
#include "libavutil/macros.h"
#include "libavutil/mem.h"
#include "libavutil/thread.h"

#include "dialogue.h"

#if CONFIG_LIBFLITE
#include <flite/flite.h>

cst_voice *register_cmu_us_slt(const char *voxdir);

/* flite keeps global state: one synthesis at a time */
static AVMutex flite_lock = AV_MUTEX_INITIALIZER;
static cst_voice *voice;
#endif

size_t ff_diff_dialogue_text(const char *prompt, char *out, size_t size)
{
    size_t n = 0;
    int quoted = 0;

    if (!size)
        return 0;
    for (; prompt && *prompt; prompt++) {
        if (*prompt == '"') {
            if (quoted && n && n + 1 < size)
                out[n++] = ' ';
            quoted = !quoted;
            continue;
        }
        if (quoted && n + 1 < size)
            out[n++] = *prompt;
    }
    while (n && out[n - 1] == ' ')
        n--;
    out[n] = 0;
    return n;
}

/* how open the mouth is on a phone (flite's US English phone set) */
static float openness(const char *p)
{
    static const char *wide[]   = { "aa", "ae", "ah", "ao", "aw", "ay" };
    static const char *vowels[] = { "eh", "er", "ey", "ih", "iy", "ow", "oy", "uh", "uw" };
    static const char *closed[] = { "p", "b", "m", "pau" };

    for (int i = 0; i < FF_ARRAY_ELEMS(wide); i++)
        if (!strcmp(p, wide[i]))
            return 1.0f;
    for (int i = 0; i < FF_ARRAY_ELEMS(vowels); i++)
        if (!strcmp(p, vowels[i]))
            return 0.7f;
    for (int i = 0; i < FF_ARRAY_ELEMS(closed); i++)
        if (!strcmp(p, closed[i]))
            return 0.0f;
    return 0.3f;
}

void ff_diff_dialogue_free(DiffDialogue **pd)
{
    if (!*pd)
        return;
    av_freep(&(*pd)->samples);
    av_freep(&(*pd)->phones);
    av_freep(pd);
}

int ff_diff_dialogue_speak(DiffDialogue **pd, const char *text, void *log_ctx)
{
#if CONFIG_LIBFLITE
    DiffDialogue *d;
    cst_utterance *utt;
    cst_wave *w;
    const cst_item *it;
    int n = 0, ret = 0;

    *pd = NULL;
    d = av_mallocz(sizeof(*d));
    if (!d)
        return AVERROR(ENOMEM);
    ff_mutex_lock(&flite_lock);
    if (!voice) {
        flite_init();
        voice = register_cmu_us_slt(NULL);
    }
    utt = voice ? flite_synth_text(text, voice) : NULL;
    if (!utt || !(w = utt_wave(utt)) || w->num_samples <= 0) {
        ff_mutex_unlock(&flite_lock);
        if (utt)
            delete_utterance(utt);
        av_free(d);
        av_log(log_ctx, AV_LOG_ERROR, "flite could not speak '%s'\n", text);
        return AVERROR_EXTERNAL;
    }
    d->sample_rate = w->sample_rate;
    d->nb_samples  = w->num_samples;
    d->samples     = av_malloc_array(w->num_samples, sizeof(float));
    for (it = relation_head(utt_relation(utt, "Segment")); it; it = item_next(it))
        n++;
    d->phones = av_calloc(FFMAX(n, 1), sizeof(*d->phones));
    if (!d->samples || !d->phones) {
        ret = AVERROR(ENOMEM);
    } else {
        double prev = 0;
        for (int i = 0; i < w->num_samples; i++)
            d->samples[i] = w->samples[i] / 32768.0f;
        for (it = relation_head(utt_relation(utt, "Segment")); it; it = item_next(it)) {
            DiffPhone *p = &d->phones[d->nb_phones++];
            p->start = prev;
            p->end   = prev = item_feat_float(it, "end");
            p->open  = openness(item_feat_string(it, "name"));
        }
    }
    delete_utterance(utt);
    ff_mutex_unlock(&flite_lock);
    if (ret < 0) {
        ff_diff_dialogue_free(&d);
        return ret;
    }
    *pd = d;
    return 0;
#else
    *pd = NULL;
    av_log(log_ctx, AV_LOG_ERROR, "Dialogue needs FFmpeg built with --enable-libflite\n");
    return AVERROR(ENOSYS);
#endif
}

float ff_diff_dialogue_mouth(const DiffDialogue *d, double t0, double t1)
{
    double acc = 0;

    if (!d || t1 <= t0)
        return 0.0f;
    for (int i = 0; i < d->nb_phones; i++) {
        const DiffPhone *p = &d->phones[i];
        double a = FFMAX(p->start, t0), b = FFMIN(p->end, t1);
        if (b > a)
            acc += (b - a) * p->open;
    }
    return acc / (t1 - t0);
}
