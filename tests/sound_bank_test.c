/*
 * Sound bank manifest parser and loader
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

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "libavutil/error.h"
#include "libavutil/file.h"
#include "libavutil/log.h"

#include "libavfilter/diffusion/sound_bank.h"

#include "check.h"

static const char *bad[] = {
    "",                                                          /* no sounds */
    "# only a comment\n",
    "a a.flac contact 1 1 CC0 src\n",                            /* no words */
    "a a.flac bounce 1 1 CC0 src hippo\n",                       /* kind */
    "a a.flac contact x 1 CC0 src hippo\n",                      /* attack */
    "a a.flac contact 1 9 CC0 src hippo\n",                      /* gain range */
    "a a.flac contact nan 1 CC0 src hippo\n",
    "a ../a.flac contact 1 1 CC0 src hippo\n",                   /* path */
    "a /etc/passwd contact 1 1 CC0 src hippo\n",
    "a .hidden contact 1 1 CC0 src hippo\n",
};

static void test_parse(void)
{
    const char *ok = "# comment\n\n  heavy heavy.flac contact 0.84 0.9 CC0 sp:kick hippo elephant # trailing\n"
                     "step step.flac footfall 0.1 0.5 CC0 sp:snare *";
    DiffSoundBank *b;
    const char *w1[] = { "a", "elephant", "walks" }, *w2[] = { "ball" };
    char nul[] = "a a.flac contact 1 1 CC0 src hippo\n\0x";
    char longf[600];

    EXPECT(ff_diff_sound_bank_parse(&b, ok, strlen(ok), NULL) == 0 && b, "valid manifest rejected");
    if (b) {
        EXPECT(b->nb_entries == 2, "%d entries", b->nb_entries);
        EXPECT(!strcmp(b->entries[0].name, "heavy") && b->entries[0].nb_words == 2 &&
               fabsf(b->entries[0].attack_ms - 0.84f) < 1e-6 && b->entries[1].any &&
               b->entries[1].kind == DIFF_EVENT_FOOTFALL, "fields");
        EXPECT(ff_diff_sound_bank_find(b, DIFF_EVENT_CONTACT, w1, 3) == &b->entries[0], "find by word");
        EXPECT(!ff_diff_sound_bank_find(b, DIFF_EVENT_CONTACT, w2, 1), "no contact sound for ball");
        EXPECT(ff_diff_sound_bank_find(b, DIFF_EVENT_FOOTFALL, w2, 1) == &b->entries[1], "* matches");
        ff_diff_sound_bank_free(&b);
    }
    for (int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        EXPECT(ff_diff_sound_bank_parse(&b, bad[i], strlen(bad[i]), NULL) == AVERROR_INVALIDDATA && !b,
               "accepted: %s", bad[i]);
    EXPECT(ff_diff_sound_bank_parse(&b, nul, sizeof(nul) - 1, NULL) == AVERROR_INVALIDDATA, "NUL");
    memset(longf, 'a', sizeof(longf) - 1);
    longf[sizeof(longf) - 1] = 0;
    memcpy(longf, "n f.flac contact 1 1 CC0 src ", 29);
    EXPECT(ff_diff_sound_bank_parse(&b, longf, strlen(longf), NULL) == AVERROR_INVALIDDATA, "long field");
}

/* the shipped bank: every sound reads, attacks are inside the files */
static void test_shipped(const char *path)
{
    DiffSoundBank *b;
    int ret = ff_diff_sound_bank_load(&b, path, NULL);

    EXPECT(ret == 0, "loading %s: %d", path, ret);
    if (ret < 0)
        return;
    for (int i = 0; i < b->nb_entries; i++) {
        const DiffBankEntry *e = &b->entries[i];
        EXPECT(e->samples && e->nb_samples > 0 && e->sample_rate == 44100, "%s not read", e->name);
        EXPECT(e->attack_ms * e->sample_rate / 1000 < e->nb_samples, "%s attack past its end", e->name);
        EXPECT(!strcmp(e->licence, "CC0"), "%s licence %s", e->name, e->licence);
    }
    printf("shipped bank: %d sounds\n", b->nb_entries);
    ff_diff_sound_bank_free(&b);
    EXPECT(ff_diff_sound_bank_load(&b, "/nonexistent/bank.txt", NULL) < 0 && !b, "missing bank");
}

static void test_corpus(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;

    EXPECT(d, "no corpus %s", dir);
    if (!d)
        return;
    while ((de = readdir(d))) {
        char path[2048];
        uint8_t *buf;
        size_t size;
        DiffSoundBank *b;
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        if (av_file_map(path, &buf, &size, 0, NULL) < 0)
            continue;
        if (ff_diff_sound_bank_parse(&b, (const char *)buf, size, NULL) >= 0)
            ff_diff_sound_bank_free(&b);
        av_file_unmap(buf, size);
        n++;
    }
    closedir(d);
    printf("corpus: %d files\n", n);
}

int main(int argc, char **argv)
{
    const char *fixtures = argc > 1 ? argv[1] : "tests/fixtures";
    char path[1024];

    av_log_set_level(AV_LOG_QUIET);
    test_parse();
    snprintf(path, sizeof(path), "%s/../../models/sounds/bank.txt", fixtures);
    test_shipped(path);
    snprintf(path, sizeof(path), "%s/../fuzz/sound_bank", fixtures);
    test_corpus(path);
    printf("sound_bank_test: %s\n", failures ? "FAILED" : "passed");
    return !!failures;
}
