/*
 * Sound bank: recorded sounds for events, read with libsndfile
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

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sndfile.h>

#include "libavutil/avstring.h"
#include "libavutil/error.h"
#include "libavutil/log.h"
#include "libavutil/macros.h"
#include "libavutil/mem.h"

#include "sound_bank.h"

#define MAX_MANIFEST  (1 << 20)
#define MAX_FIELD     256
#define MAX_SECONDS   10

void ff_diff_sound_bank_free(DiffSoundBank **pb)
{
    DiffSoundBank *b = *pb;
    if (!b)
        return;
    for (int i = 0; i < b->nb_entries; i++) {
        DiffBankEntry *e = &b->entries[i];
        av_freep(&e->name);
        av_freep(&e->file);
        av_freep(&e->licence);
        av_freep(&e->source);
        for (int w = 0; w < e->nb_words; w++)
            av_freep(&e->words[w]);
        av_freep(&e->samples);
    }
    av_freep(&b->entries);
    av_freep(pb);
}

static int parse_float(const char *s, float min, float max, float *out)
{
    char *end;
    double v;
    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= min && v <= max))
        return AVERROR_INVALIDDATA;
    *out = v;
    return 0;
}

/* split a line into at most max whitespace-separated fields, in place */
static int split(char *line, char **f, int max)
{
    int n = 0;
    char *save = NULL, *tok = av_strtok(line, " \t\r", &save);
    while (tok) {
        if (n == max)
            return -1;
        f[n++] = tok;
        tok = av_strtok(NULL, " \t\r", &save);
    }
    return n;
}

int ff_diff_sound_bank_parse(DiffSoundBank **pb, const char *text, size_t len, void *log_ctx)
{
    DiffSoundBank *b;
    char *copy, *line;
    int lineno = 0, ret = 0;

    *pb = NULL;
    if (len > MAX_MANIFEST) {
        av_log(log_ctx, AV_LOG_ERROR, "sound bank manifest of %zu bytes is too large\n", len);
        return AVERROR_INVALIDDATA;
    }
    if (memchr(text, 0, len)) {
        av_log(log_ctx, AV_LOG_ERROR, "sound bank manifest contains a NUL byte\n");
        return AVERROR_INVALIDDATA;
    }
    b = av_mallocz(sizeof(*b));
    copy = av_malloc(len + 1);
    if (!b || !copy) {
        av_free(b);
        av_free(copy);
        return AVERROR(ENOMEM);
    }
    memcpy(copy, text, len);
    copy[len] = 0;

    for (char *p = copy; *p || p == copy; ) {
        char *nl = strchr(p, '\n');
        char *f[6 + DIFF_BANK_MAX_WORDS + 1];
        DiffBankEntry *e;
        int n;

        lineno++;
        if (nl)
            *nl = 0;
        line = p;
        p = nl ? nl + 1 : p + strlen(p);
        if (strchr(line, '#'))
            *strchr(line, '#') = 0;
        n = split(line, f, FF_ARRAY_ELEMS(f));
        if (n == 0) {
            if (!nl)
                break;
            continue;
        }
        if (n < 8) {
            av_log(log_ctx, AV_LOG_ERROR, "sound bank line %d: %s; want name file kind "
                   "attack_ms gain licence source words...\n", lineno,
                   n < 0 ? "too many words" : "too few fields");
            ret = AVERROR_INVALIDDATA;
            break;
        }
        if (b->nb_entries == DIFF_BANK_MAX_ENTRIES) {
            av_log(log_ctx, AV_LOG_ERROR, "sound bank has more than %d sounds\n",
                   DIFF_BANK_MAX_ENTRIES);
            ret = AVERROR_INVALIDDATA;
            break;
        }
        for (int i = 0; i < n; i++) {
            if (strlen(f[i]) >= MAX_FIELD) {
                av_log(log_ctx, AV_LOG_ERROR, "sound bank line %d: field %d is too long\n",
                       lineno, i + 1);
                ret = AVERROR_INVALIDDATA;
                break;
            }
        }
        if (ret < 0)
            break;
        if (strchr(f[1], '/') || !strcmp(f[1], "..") || f[1][0] == '.') {
            av_log(log_ctx, AV_LOG_ERROR, "sound bank line %d: file '%s' must be a plain "
                   "file name next to the manifest\n", lineno, f[1]);
            ret = AVERROR_INVALIDDATA;
            break;
        }
        {
            void *tmp = av_realloc_array(b->entries, b->nb_entries + 1, sizeof(*b->entries));
            if (!tmp) {
                ret = AVERROR(ENOMEM);
                break;
            }
            b->entries = tmp;
        }
        e = &b->entries[b->nb_entries++];
        memset(e, 0, sizeof(*e));
        if (!strcmp(f[2], "contact")) {
            e->kind = DIFF_EVENT_CONTACT;
        } else if (!strcmp(f[2], "footfall")) {
            e->kind = DIFF_EVENT_FOOTFALL;
        } else {
            av_log(log_ctx, AV_LOG_ERROR, "sound bank line %d: kind '%s' is not contact or "
                   "footfall\n", lineno, f[2]);
            ret = AVERROR_INVALIDDATA;
            break;
        }
        if (parse_float(f[3], 0, 1000, &e->attack_ms) < 0 ||
            parse_float(f[4], 0, 4, &e->gain) < 0) {
            av_log(log_ctx, AV_LOG_ERROR, "sound bank line %d: attack_ms (0..1000) or gain "
                   "(0..4) is not a number in range\n", lineno);
            ret = AVERROR_INVALIDDATA;
            break;
        }
        e->name    = av_strdup(f[0]);
        e->file    = av_strdup(f[1]);
        e->licence = av_strdup(f[5]);
        e->source  = av_strdup(f[6]);
        if (!e->name || !e->file || !e->licence || !e->source) {
            ret = AVERROR(ENOMEM);
            break;
        }
        for (int i = 7; i < n; i++) {
            if (!strcmp(f[i], "*")) {
                e->any = 1;
                continue;
            }
            if (!(e->words[e->nb_words++] = av_strdup(f[i]))) {
                ret = AVERROR(ENOMEM);
                break;
            }
        }
        if (ret < 0 || !nl)
            break;
    }
    av_free(copy);
    if (ret >= 0 && !b->nb_entries) {
        av_log(log_ctx, AV_LOG_ERROR, "sound bank manifest has no sounds\n");
        ret = AVERROR_INVALIDDATA;
    }
    if (ret < 0) {
        ff_diff_sound_bank_free(&b);
        return ret;
    }
    *pb = b;
    return 0;
}

static int read_sound(DiffBankEntry *e, const char *path, void *log_ctx)
{
    SF_INFO info = { 0 };
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    float *buf;
    sf_count_t got;

    if (!sf) {
        av_log(log_ctx, AV_LOG_ERROR, "Cannot read sound %s: %s\n", path, sf_strerror(NULL));
        return AVERROR_INVALIDDATA;
    }
    if (info.channels < 1 || info.channels > 8 || info.samplerate < 8000 ||
        info.samplerate > 384000 || info.frames < 1 ||
        info.frames > (sf_count_t)MAX_SECONDS * info.samplerate) {
        av_log(log_ctx, AV_LOG_ERROR, "Sound %s: %d channels, %d Hz, %lld frames: want "
               "1-8 channels, 8-384 kHz, at most %d s\n", path, info.channels,
               info.samplerate, (long long)info.frames, MAX_SECONDS);
        sf_close(sf);
        return AVERROR_INVALIDDATA;
    }
    buf = av_malloc_array(info.frames, info.channels * sizeof(float));
    e->samples = av_malloc_array(info.frames, sizeof(float));
    if (!buf || !e->samples) {
        av_free(buf);
        sf_close(sf);
        return AVERROR(ENOMEM);
    }
    got = sf_readf_float(sf, buf, info.frames);
    sf_close(sf);
    if (got < 1) {
        av_log(log_ctx, AV_LOG_ERROR, "Sound %s has no samples\n", path);
        av_free(buf);
        return AVERROR_INVALIDDATA;
    }
    /* mono: the mean of the channels */
    for (sf_count_t i = 0; i < got; i++) {
        float acc = 0;
        for (int c = 0; c < info.channels; c++)
            acc += buf[i * info.channels + c];
        e->samples[i] = acc / info.channels;
    }
    av_free(buf);
    e->nb_samples  = got;
    e->sample_rate = info.samplerate;
    return 0;
}

int ff_diff_sound_bank_load(DiffSoundBank **pb, const char *path, void *log_ctx)
{
    FILE *fp = fopen(path, "rb");
    char *text = NULL, *dir;
    size_t len = 0;
    int ret;

    *pb = NULL;
    if (!fp) {
        ret = AVERROR(errno);
        av_log(log_ctx, AV_LOG_ERROR, "Cannot open the sound bank %s: %s\n", path, av_err2str(ret));
        return ret;
    }
    text = av_malloc(MAX_MANIFEST + 1);
    if (!text) {
        fclose(fp);
        return AVERROR(ENOMEM);
    }
    len = fread(text, 1, MAX_MANIFEST + 1, fp);
    fclose(fp);
    ret = ff_diff_sound_bank_parse(pb, text, len, log_ctx);
    av_free(text);
    if (ret < 0)
        return ret;
    dir = av_strdup(path);
    if (!dir) {
        ff_diff_sound_bank_free(pb);
        return AVERROR(ENOMEM);
    }
    if (strrchr(dir, '/'))
        strrchr(dir, '/')[1] = 0;
    else
        dir[0] = 0;
    for (int i = 0; i < (*pb)->nb_entries && ret >= 0; i++) {
        char *file = av_asprintf("%s%s", dir, (*pb)->entries[i].file);
        if (!file) {
            ret = AVERROR(ENOMEM);
            break;
        }
        ret = read_sound(&(*pb)->entries[i], file, log_ctx);
        av_free(file);
    }
    av_free(dir);
    if (ret < 0)
        ff_diff_sound_bank_free(pb);
    return ret;
}

const DiffBankEntry *ff_diff_sound_bank_find(const DiffSoundBank *b, enum DiffEventKind kind,
                                             const char * const *words, int nb_words)
{
    const DiffBankEntry *any = NULL;

    if (!b)
        return NULL;
    for (int i = 0; i < nb_words; i++)
        for (int k = 0; k < b->nb_entries; k++) {
            const DiffBankEntry *e = &b->entries[k];
            if (e->kind != kind)
                continue;
            for (int w = 0; w < e->nb_words; w++)
                if (!strcmp(e->words[w], words[i]))
                    return e;
        }
    for (int k = 0; k < b->nb_entries && !any; k++)
        if (b->entries[k].kind == kind && b->entries[k].any)
            any = &b->entries[k];
    return any;
}
