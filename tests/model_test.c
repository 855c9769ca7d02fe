/*
 * Model loader: the fuzz corpus, and metadata that must not size anything
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
 * model_test [FIXTURES_DIR]
 * - every file of the model fuzzer's corpus (FIXTURES_DIR/../fuzz/model,
 *   tests/fuzz_model.c) loads or fails with an error message and a
 *   negative AVERROR; files named micro-* (the smallest valid models of
 *   each kind, models/train/make_fixtures.py --micro) load;
 * - a valid file whose metadata claims another architecture (dim 4096,
 *   depth 64, frames 256) is refused as invalid data naming a tensor,
 *   before anything is sized by that metadata (the store used to be sized
 *   from the metadata first: dim 4096 gave ENOMEM, the claimed store being
 *   over av_malloc's limit, instead of naming the tensor).
 */

#define _XOPEN_SOURCE 700

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libavutil/error.h"
#include "libavutil/file.h"
#include "libavutil/log.h"
#include "libavutil/mem.h"

#include "libavfilter/diffusion/model.h"

#include "check.h"

static void corpus_file(const char *path, const char *name, void *opaque)
{
    int *ok = opaque;
    DiffModel *m;
    int ret;

    reset_log();
    ret = ff_diff_model_load(&m, path, NULL);
    if (!strncmp(name, "micro-", 6))
        EXPECT(ret == 0, "%s rejected: %s", path, last_errors);
    else
        EXPECT(ret == 0 || (nb_errors && !m), "%s failed without a message", path);
    *ok += ret == 0;
    ff_diff_model_free(&m);
}

static void test_corpus(const char *dir)
{
    int ok = 0, n = corpus_walk(dir, corpus_file, &ok);

    EXPECT(n >= 0, "no corpus at %s", dir);
    printf("corpus: %d files, %d load\n", n, ok);
    EXPECT(n >= 3, "corpus too small");
}

/* buf with the header's JSON text `from` replaced by `to` (the header length
 * updated; tensor offsets count from the data, so they stay right) */
static uint8_t *edit_header(const uint8_t *buf, size_t size, const char *from, const char *to,
                            size_t *out_size)
{
    uint64_t hlen = 0, nlen;
    const char *hit;
    uint8_t *out;
    char *header;

    for (int i = 0; i < 8; i++)
        hlen |= (uint64_t)buf[i] << (8 * i);
    header = av_strndup((const char *)buf + 8, hlen);
    if (!header || !(hit = strstr(header, from))) {
        av_free(header);
        return NULL;
    }
    nlen = hlen - strlen(from) + strlen(to);
    *out_size = size - hlen + nlen;
    if (!(out = av_malloc(*out_size))) {
        av_free(header);
        return NULL;
    }
    for (int i = 0; i < 8; i++)
        out[i] = nlen >> (8 * i);
    memcpy(out + 8, header, hit - header);
    memcpy(out + 8 + (hit - header), to, strlen(to));
    strcpy((char *)out + 8 + (hit - header) + strlen(to), hit + strlen(from));
    memcpy(out + 8 + nlen, buf + 8 + hlen, size - 8 - hlen);
    av_free(header);
    return out;
}

static void test_edited(const char *seed)
{
    static const struct {
        const char *from, *to, *why;
    } cases[] = {
        { "\"dim\":\"8\"",   "\"dim\":\"4096\"", "dim 4096" },
        { "\"depth\":\"1\"", "\"depth\":\"64\"", "depth 64" },
        { "\"frames\":\"3\"", "\"frames\":\"256\"", "frames 256" },
    };
    uint8_t *buf;
    size_t size;
    DiffModel *m;
    int ret;

    if (av_file_map(seed, &buf, &size, 0, NULL) < 0) {
        EXPECT(0, "cannot read %s", seed);
        return;
    }
    reset_log();
    ret = ff_diff_model_parse(&m, buf, size, seed, NULL);
    EXPECT(ret == 0 && m, "%s: %s", seed, last_errors);
    ff_diff_model_free(&m);
    for (int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n;
        uint8_t *e = edit_header(buf, size, cases[i].from, cases[i].to, &n);

        EXPECT(e, "%s: no %s in the header", seed, cases[i].from);
        if (!e)
            continue;
        reset_log();
        ret = ff_diff_model_parse(&m, e, n, "edited", NULL);
        EXPECT(ret == AVERROR_INVALIDDATA && !m && strstr(last_errors, "ensor "),
               "%s: %s gave %d (%s), want AVERROR_INVALIDDATA naming a tensor",
               seed, cases[i].why, ret, last_errors);
        printf("%s: %s refused: %s", seed, cases[i].why, last_errors);
        av_free(e);
    }
    av_file_unmap(buf, size);
}

int main(int argc, char **argv)
{
    const char *fixtures = argc > 1 ? argv[1] : "tests/fixtures";
    char dir[1024], seed[1100];

    av_log_set_callback(check_log_cb);
    snprintf(dir, sizeof(dir), "%s/../fuzz/model", fixtures);
    test_corpus(dir);
    snprintf(seed, sizeof(seed), "%s/micro-pixel", dir);
    test_edited(seed);
    snprintf(seed, sizeof(seed), "%s/micro-latent", dir);
    test_edited(seed);
    printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}
