/*
 * safetensors reader: valid files, every class of malformed file, fuzz corpus
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
#include "libavutil/log.h"
#include "libavutil/mem.h"

#include "libavfilter/diffusion/safetensors.h"

static int failures;

#define EXPECT(cond, ...) do {                      \
        if (!(cond)) {                              \
            printf("FAIL %s:%d: ", __FILE__, __LINE__); \
            printf(__VA_ARGS__);                    \
            printf("\n");                           \
            failures++;                             \
        }                                           \
    } while (0)

/* header JSON + data bytes -> a file image */
static size_t build(uint8_t *out, const char *json, const uint8_t *data, size_t dsize)
{
    size_t n = strlen(json);
    for (int i = 0; i < 8; i++)
        out[i] = (uint64_t)n >> (8 * i);
    memcpy(out + 8, json, n);
    if (dsize)
        memcpy(out + 8 + n, data, dsize);
    return 8 + n + dsize;
}

static void test_valid(void)
{
    /* f16: 1.0, -2.0, 65504, 2^-24 (smallest subnormal), +inf, nan;
     * bf16: 1.0, -3.5; f32: 0.1 */
    const uint8_t data[] = {
        0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b, 0x01, 0x00, 0x00, 0x7c, 0x00, 0x7e,
        0x80, 0x3f, 0x60, 0xc0,
        0xcd, 0xcc, 0xcc, 0x3d,
    };
    const char *json =
        "{\"__metadata__\":{\"format\":\"x\",\"dim\":\"42\",\"esc\":\"a\\u00e9\\n\"},"
        " \"h\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,12]},"
        " \"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[12,16]},"
        " \"f\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[16,20]},"
        " \"z\":{\"dtype\":\"F32\",\"shape\":[0,4],\"data_offsets\":[20,20]}}";
    uint8_t buf[1024];
    size_t n = build(buf, json, data, sizeof(data));
    SafetensorsFile *f;
    const SafetensorsTensor *t;
    float v[6];
    int64_t iv;
    int ret = ff_safetensors_parse(&f, buf, n, NULL);

    EXPECT(ret == 0, "valid file rejected: %d", ret);
    if (ret < 0)
        return;
    EXPECT(f->nb_tensors == 4, "%d tensors", f->nb_tensors);
    ret = ff_safetensors_get(f, "h", 2, (int64_t[]){ 2, 3 }, &t, NULL);
    EXPECT(ret == 0 && t->nb_elems == 6, "h lookup");
    if (!ret) {
        ff_safetensors_to_f32(t, v);
        EXPECT(v[0] == 1.0f && v[1] == -2.0f && v[2] == 65504.0f, "f16 normals %g %g %g", v[0], v[1], v[2]);
        EXPECT(v[3] == ldexpf(1.0f, -24), "f16 subnormal %g", v[3]);
        EXPECT(isinf(v[4]) && v[4] > 0 && isnan(v[5]), "f16 inf/nan %g %g", v[4], v[5]);
    }
    EXPECT(ff_safetensors_get(f, "h", 2, (int64_t[]){ 3, 2 }, &t, NULL) < 0, "wrong shape accepted");
    EXPECT(ff_safetensors_get(f, "nope", 1, (int64_t[]){ 1 }, &t, NULL) < 0, "missing tensor found");
    t = ff_safetensors_find(f, "b");
    ff_safetensors_to_f32(t, v);
    EXPECT(v[0] == 1.0f && v[1] == -3.5f, "bf16 %g %g", v[0], v[1]);
    t = ff_safetensors_find(f, "f");
    ff_safetensors_to_f32(t, v);
    EXPECT(t->ndim == 0 && t->nb_elems == 1 && v[0] == 0.1f, "f32 scalar %g", v[0]);
    EXPECT(ff_safetensors_find(f, "z")->nb_elems == 0, "empty tensor");
    EXPECT(!strcmp(ff_safetensors_meta_str(f, "esc"), "a\xc3\xa9\n"), "escapes");
    EXPECT(ff_safetensors_meta_int(f, "dim", 0, 100, &iv, NULL) == 0 && iv == 42, "meta int");
    EXPECT(ff_safetensors_meta_int(f, "dim", 0, 10, &iv, NULL) < 0, "meta int range");
    EXPECT(ff_safetensors_meta_int(f, "format", 0, 10, &iv, NULL) < 0, "meta int syntax");
    ff_safetensors_free(&f);
    EXPECT(!f, "free clears");
}

static const struct {
    const char *why, *json;
    size_t data;
} bad[] = {
    { "not an object",        "[]", 0 },
    { "empty header",         "", 0 },
    { "trailing garbage",     "{} x", 0 },
    { "unterminated",         "{\"a\":{\"dtype\":\"F32\"", 0 },
    { "unknown dtype",        "{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8 },
    { "bytes vs shape",       "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8 },
    { "past the end",         "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8 },
    { "begin after end",      "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", 8 },
    { "overlap",              "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                              "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8 },
    { "duplicate tensor",     "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                              "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8 },
    { "duplicate key",        "{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4 },
    { "missing offsets",      "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4 },
    { "unknown key",          "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4 },
    { "negative dim",         "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4 },
    { "float dim",            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}}", 4 },
    { "too many dims",        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}", 4 },
    { "overflowing shape",    "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4],\"data_offsets\":[0,4]}}", 4 },
    { "huge number",          "{\"a\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,4]}}", 4 },
    { "three offsets",        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 8 },
    { "non-string metadata",  "{\"__metadata__\":{\"a\":1}}", 0 },
    { "nested metadata",      "{\"__metadata__\":{\"a\":{}}}", 0 },
    { "duplicate metadata",   "{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}}", 0 },
    { "two metadata blocks",  "{\"__metadata__\":{},\"__metadata__\":{}}", 0 },
    { "lone surrogate",       "{\"__metadata__\":{\"a\":\"\\ud800\"}}", 0 },
    { "NUL escape",           "{\"__metadata__\":{\"a\":\"\\u0000\"}}", 0 },
    { "bad escape",           "{\"__metadata__\":{\"a\":\"\\q\"}}", 0 },
    { "control character",    "{\"__metadata__\":{\"a\":\"\x01\"}}", 0 },
    { "tensor not an object", "{\"a\":[1,2]}", 0 },
    { "deep nesting",         "{\"a\":{\"dtype\":{\"b\":{\"c\":{}}}}}", 0 },
};

static void test_malformed(void)
{
    uint8_t buf[1024], zeros[64] = { 0 };
    SafetensorsFile *f;

    for (int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t n = build(buf, bad[i].json, zeros, bad[i].data);
        int ret = ff_safetensors_parse(&f, buf, n, NULL);
        EXPECT(ret == AVERROR_INVALIDDATA && !f, "%s: accepted or wrong error (%d)", bad[i].why, ret);
    }
    /* header length larger than the file, and shorter than 8 bytes */
    build(buf, "{}", NULL, 0);
    buf[0] = 200;
    EXPECT(ff_safetensors_parse(&f, buf, 10, NULL) == AVERROR_INVALIDDATA, "header past end");
    EXPECT(ff_safetensors_parse(&f, buf, 5, NULL) == AVERROR_INVALIDDATA, "truncated length");
    memset(buf, 0xff, 8);
    EXPECT(ff_safetensors_parse(&f, buf, 16, NULL) == AVERROR_INVALIDDATA, "huge header length");
    EXPECT(ff_safetensors_open(&f, "/nonexistent/model.safetensors", NULL) < 0 && !f, "missing file");
}

/* every committed fuzz corpus file must be handled without a crash */
static void test_corpus(const char *dir)
{
    char path[2048];
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (!d) {
        printf("FAIL no corpus at %s\n", dir);
        failures++;
        return;
    }
    while ((e = readdir(d))) {
        SafetensorsFile *f;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (ff_safetensors_open(&f, path, NULL) >= 0) {
            for (int i = 0; i < f->nb_tensors; i++) {
                float *v = av_malloc_array(f->tensors[i].nb_elems + 1, sizeof(float));
                if (v)
                    ff_safetensors_to_f32(&f->tensors[i], v);
                av_free(v);
            }
            ff_safetensors_free(&f);
        }
        n++;
    }
    closedir(d);
    printf("corpus: %d files\n", n);
    EXPECT(n > 0, "empty corpus");
}

int main(int argc, char **argv)
{
    char corpus[1024];

    av_log_set_level(AV_LOG_QUIET);
    test_valid();
    test_malformed();
    snprintf(corpus, sizeof(corpus), "%s/../fuzz/safetensors", argc > 1 ? argv[1] : "tests/fixtures");
    test_corpus(corpus);
    printf("safetensors_test: %s\n", failures ? "FAILED" : "passed");
    return !!failures;
}
