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

/*
 * Usage: safetensors_test [FIXTURES_DIR] [-v]
 *   FIXTURES_DIR (default tests/fixtures) holds the tiny model; the fuzz
 *   corpus is read from FIXTURES_DIR/../fuzz/safetensors.  -v prints every
 *   error message the reader logs.
 * safetensors_test --write-corpus DIR writes the fuzz seed corpus.
 */

#define _XOPEN_SOURCE 700

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libavutil/error.h"
#include "libavutil/log.h"
#include "libavutil/macros.h"
#include "libavutil/mem.h"

#include "libavfilter/diffusion/safetensors.h"

#include "check.h"

#define MAX_HEADER (100 * 1024 * 1024)

static void put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = v >> (8 * i);
}

/* header JSON (jlen bytes, or strlen) + dsize data bytes -> a new file image */
static uint8_t *build(size_t *size, const char *json, size_t jlen,
                      const uint8_t *data, size_t dsize)
{
    uint8_t *out;

    if (!jlen)
        jlen = strlen(json);
    out = av_malloc(8 + jlen + dsize + 1);
    if (!out)
        abort();
    put_le64(out, jlen);
    memcpy(out + 8, json, jlen);
    if (dsize && data)
        memcpy(out + 8 + jlen, data, dsize);
    else if (dsize)
        memset(out + 8 + jlen, 0, dsize);
    *size = 8 + jlen + dsize;
    return out;
}

/* f16: 1.0, -2.0, 65504, 2^-24, +inf, nan; bf16: 1.0, -3.5, -inf, nan; f32: 0.1, -0.0 */
static const uint8_t valid_data[] = {
    0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b, 0x01, 0x00, 0x00, 0x7c, 0x00, 0x7e,
    0x80, 0x3f, 0x60, 0xc0, 0x80, 0xff, 0xc0, 0x7f,
    0xcd, 0xcc, 0xcc, 0x3d, 0x00, 0x00, 0x00, 0x80,
};
/* header of 301 bytes: the data section starts at an odd offset */
static const char valid_json[] =
    "{\"__metadata__\":{\"format\":\"x\",\"dim\":\"42\",\"neg\":\"-7\",\"eps\":\"1e-05\","
    "\"scale\":\"0.5\",\"Dim\":\"big\",\"esc\":\"a\\u00e9\\n\\ud83d\\ude00\\\"\\/\"},"
    " \"h\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,12]},"
    " \"b\":{\"data_offsets\":[12,20],\"shape\":[4],\"dtype\":\"BF16\"},"
    " \"f\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[20,28]},"
    " \"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[28,28]}}     ";

static void test_valid(void)
{
    size_t n;
    uint8_t *buf = build(&n, valid_json, 0, valid_data, sizeof(valid_data));
    SafetensorsFile *f;
    const SafetensorsTensor *t;
    float v[6];
    int64_t iv;
    double dv;
    int ret;

    /* a zero-element scalar? no: [] is a scalar of one element, so "s" must
     * hold 4 bytes; this file is rejected, the corrected one below is valid */
    reset_log();
    ret = ff_safetensors_parse(&f, buf, n, NULL);
    EXPECT(ret == AVERROR_INVALIDDATA && strstr(last_errors, "'s'"), "scalar with 0 bytes accepted");
    av_free(buf);

    {
        char json[sizeof(valid_json)];
        uint8_t data[sizeof(valid_data) + 4];
        memcpy(json, valid_json, sizeof(json));
        memcpy(strstr(json, "[28,28]"), "[28,32]", 7);
        memcpy(data, valid_data, sizeof(valid_data));
        memcpy(data + sizeof(valid_data), "\x00\x00\x40\x40", 4); /* 3.0f */
        buf = build(&n, json, 0, data, sizeof(data));
    }
    reset_log();
    ret = ff_safetensors_parse(&f, buf, n, NULL);
    av_free(buf);
    EXPECT(ret == 0 && !nb_errors, "valid file rejected: %s", last_errors);
    if (ret < 0)
        return;
    EXPECT(f->nb_tensors == 4, "%d tensors", f->nb_tensors);
    EXPECT(!strcmp(f->tensors[0].name, "h") && !strcmp(f->tensors[3].name, "s"), "header order");

    ret = ff_safetensors_get(f, "h", 2, (const int64_t[]){ 2, 3 }, &t, NULL);
    EXPECT(ret == 0 && t && t->nb_elems == 6 && t->nbytes == 12 && t->dtype == DIFF_DTYPE_F16, "h");
    EXPECT(t && ((uintptr_t)t->data & 1), "data section should start unaligned here");
    if (t) {
        EXPECT(ff_safetensors_to_f32(t, v) == 0, "to_f32");
        EXPECT(v[0] == 1.0f && v[1] == -2.0f && v[2] == 65504.0f, "f16 normals %g %g %g", v[0], v[1], v[2]);
        EXPECT(v[3] == ldexpf(1.0f, -24), "f16 subnormal %g", v[3]);
        EXPECT(isinf(v[4]) && v[4] > 0 && isnan(v[5]), "f16 inf/nan %g %g", v[4], v[5]);
    }

    reset_log();
    EXPECT(ff_safetensors_get(f, "h", 2, (const int64_t[]){ 3, 2 }, &t, NULL) < 0 && !t &&
           strstr(last_errors, "'h'") && strstr(last_errors, "[2, 3]") && strstr(last_errors, "[3, 2]"),
           "shape mismatch: %s", last_errors);
    EXPECT(ff_safetensors_get(f, "h", 1, (const int64_t[]){ 6 }, &t, NULL) < 0, "ndim mismatch");
    reset_log();
    EXPECT(ff_safetensors_get(f, "nope", 1, (const int64_t[]){ 1 }, &t, NULL) < 0 &&
           strstr(last_errors, "'nope'"), "missing tensor");
    EXPECT(!ff_safetensors_find(f, "H") && !ff_safetensors_find(f, ""), "find is exact");

    t = ff_safetensors_find(f, "b");
    EXPECT(t && t->dtype == DIFF_DTYPE_BF16 && t->ndim == 1 && t->shape[0] == 4, "b");
    if (t) {
        ff_safetensors_to_f32(t, v);
        EXPECT(v[0] == 1.0f && v[1] == -3.5f && isinf(v[2]) && v[2] < 0 && isnan(v[3]),
               "bf16 %g %g %g %g", v[0], v[1], v[2], v[3]);
    }
    t = ff_safetensors_find(f, "f");
    if (t) {
        ff_safetensors_to_f32(t, v);
        EXPECT(v[0] == 0.1f && v[1] == 0.0f && signbit(v[1]), "f32 %g %g", v[0], v[1]);
    }
    t = ff_safetensors_find(f, "s");
    if (t) {
        ff_safetensors_to_f32(t, v);
        EXPECT(t->ndim == 0 && t->nb_elems == 1 && v[0] == 3.0f, "f32 scalar %g", v[0]);
    }

    EXPECT(!strcmp(ff_safetensors_meta_str(f, "esc"), "a\xc3\xa9\n\xf0\x9f\x98\x80\"/"), "escapes");
    EXPECT(!strcmp(ff_safetensors_meta_str(f, "Dim"), "big") &&
           !strcmp(ff_safetensors_meta_str(f, "dim"), "42"), "metadata keys are case-sensitive");
    EXPECT(!ff_safetensors_meta_str(f, "missing"), "missing metadata");
    EXPECT(ff_safetensors_meta_int(f, "dim", 0, 100, &iv, NULL) == 0 && iv == 42, "meta int");
    EXPECT(ff_safetensors_meta_int(f, "neg", -10, 0, &iv, NULL) == 0 && iv == -7, "meta int negative");
    EXPECT(ff_safetensors_meta_int(f, "dim", 0, 10, &iv, NULL) < 0, "meta int range");
    EXPECT(ff_safetensors_meta_int(f, "format", 0, 10, &iv, NULL) < 0, "meta int syntax");
    EXPECT(ff_safetensors_meta_int(f, "scale", 0, 10, &iv, NULL) < 0, "meta int of a float");
    EXPECT(ff_safetensors_meta_int(f, "missing", 0, 10, &iv, NULL) < 0, "meta int missing");
    EXPECT(ff_safetensors_meta_float(f, "eps", 0, 1, &dv, NULL) == 0 && dv == 1e-5, "meta float exp");
    EXPECT(ff_safetensors_meta_float(f, "scale", 0, 1, &dv, NULL) == 0 && dv == 0.5, "meta float");
    EXPECT(ff_safetensors_meta_float(f, "dim", 0, 100, &dv, NULL) == 0 && dv == 42, "meta float int");
    EXPECT(ff_safetensors_meta_float(f, "scale", 0.6, 1, &dv, NULL) < 0, "meta float range");
    EXPECT(ff_safetensors_meta_float(f, "format", 0, 1, &dv, NULL) < 0, "meta float syntax");
    reset_log();
    EXPECT(ff_safetensors_meta_float(f, "missing", 0, 1, &dv, NULL) < 0 &&
           strstr(last_errors, "'missing'"), "meta float missing");
    ff_safetensors_free(&f);
    EXPECT(!f, "free clears the pointer");

    buf = build(&n, "{}", 0, NULL, 0);
    EXPECT(ff_safetensors_parse(&f, buf, n, NULL) == 0 && f && !f->nb_tensors && !f->metadata,
           "empty header");
    av_free(buf);
    if (f) {
        EXPECT(!ff_safetensors_find(f, "a") && !ff_safetensors_meta_str(f, "a"), "empty lookups");
        ff_safetensors_free(&f);
    }
    ff_safetensors_free(&f);
}

static void test_meta_syntax(void)
{
    static const char *bad_int[]   = { "", "-", "+1", " 1", "1 ", "0x10", "1e3", "9223372036854775808", "--1" };
    static const char *bad_float[] = { "", ".5", "5.", "1e", "1e+", "nan", "inf", "-inf", "0x1p3", "1e999", " 1", "1,5" };
    char json[256];

    for (int i = 0; i < FF_ARRAY_ELEMS(bad_int) + FF_ARRAY_ELEMS(bad_float); i++) {
        int is_int = i < FF_ARRAY_ELEMS(bad_int);
        const char *s = is_int ? bad_int[i] : bad_float[i - FF_ARRAY_ELEMS(bad_int)];
        SafetensorsFile *f;
        int64_t iv;
        double dv;
        size_t n;
        uint8_t *buf;

        snprintf(json, sizeof(json), "{\"__metadata__\":{\"k\":\"%s\"}}", s);
        buf = build(&n, json, 0, NULL, 0);
        if (ff_safetensors_parse(&f, buf, n, NULL) < 0) {
            EXPECT(0, "metadata '%s' rejected", s);
        } else {
            reset_log();
            if (is_int)
                EXPECT(ff_safetensors_meta_int(f, "k", INT64_MIN, INT64_MAX, &iv, NULL) < 0 &&
                       nb_errors, "meta int '%s' accepted", s);
            else
                EXPECT(ff_safetensors_meta_float(f, "k", -1e300, 1e300, &dv, NULL) < 0 &&
                       nb_errors, "meta float '%s' accepted", s);
            ff_safetensors_free(&f);
        }
        av_free(buf);
    }
}

/* every f16 value, against a conversion written differently */
static void test_f16_all(void)
{
    uint8_t *data = av_malloc(2 * 65536);
    float *v = av_malloc_array(65536, sizeof(*v));
    SafetensorsTensor t = { .dtype = DIFF_DTYPE_F16, .ndim = 1, .shape = { 65536 },
                            .nb_elems = 65536, .nbytes = 2 * 65536 };
    int bad = 0;

    if (!data || !v)
        abort();
    for (int h = 0; h < 65536; h++) {
        data[2 * h]     = h & 0xff;
        data[2 * h + 1] = h >> 8;
    }
    t.data = data;
    EXPECT(ff_safetensors_to_f32(&t, v) == 0, "to_f32");
    for (int h = 0; h < 65536; h++) {
        int e = (h >> 10) & 31, m = h & 1023, neg = h >> 15;
        float want;
        if (e == 31 && m) {
            if (!isnan(v[h]) || !!signbit(v[h]) != neg)
                bad++;
            continue;
        }
        want = e == 31 ? INFINITY : e ? ldexpf(1024 + m, e - 25) : ldexpf(m, -24);
        want = neg ? -want : want;
        if (v[h] != want || !!signbit(v[h]) != neg)
            bad++;
    }
    EXPECT(!bad, "%d of 65536 f16 values converted wrongly", bad);

    /* bf16: the top half of an f32; unaligned source */
    {
        static const float ref[] = { 1.0f, -2.5f, 0.0f, 3.0e38f, -1.0e-40f };
        uint8_t raw[1 + 2 * FF_ARRAY_ELEMS(ref)];
        float out[FF_ARRAY_ELEMS(ref)];
        SafetensorsTensor b = { .dtype = DIFF_DTYPE_BF16, .ndim = 1,
                                .nb_elems = FF_ARRAY_ELEMS(ref), .nbytes = 2 * FF_ARRAY_ELEMS(ref) };
        for (int i = 0; i < FF_ARRAY_ELEMS(ref); i++) {
            uint32_t u;
            memcpy(&u, &ref[i], 4);
            raw[1 + 2 * i]     = u >> 16;
            raw[1 + 2 * i + 1] = u >> 24;
        }
        b.data = raw + 1;
        ff_safetensors_to_f32(&b, out);
        for (int i = 0; i < FF_ARRAY_ELEMS(ref); i++) {
            uint32_t u, w;
            memcpy(&u, &ref[i], 4);
            memcpy(&w, &out[i], 4);
            EXPECT(w == (u & 0xffff0000u), "bf16 %d: %08x vs %08x", i, w, u);
        }
        b.nbytes = 2;   /* inconsistent tensor: refused, not overread */
        EXPECT(ff_safetensors_to_f32(&b, out) < 0, "to_f32 overread");
    }
    av_free(data);
    av_free(v);
}

#define T(name, dt, shape, b, e) "\"" name "\":{\"dtype\":\"" dt "\",\"shape\":" shape \
                                 ",\"data_offsets\":[" #b "," #e "]}"

static const struct Bad {
    const char *why, *json;
    size_t data;        /* zero bytes after the header */
    const char *msg;    /* expected in the logged error, if set */
    size_t jlen;        /* header length when it has NUL bytes */
} bad[] = {
    /* structure */
    { "empty header",         "", 0, "length 0" },
    { "not an object",        "[]", 0, "not a JSON object" },
    { "string header",        "\"{}\"", 0, "not a JSON object" },
    { "null header",          "null", 0 },
    { "trailing garbage",     "{} x", 0, "trailing" },
    { "two objects",          "{}{}", 0, "trailing" },
    { "NUL padding",          "{}\0\0\0\0\0\0", 0, "trailing", 8 },
    { "NUL inside",           "{\"a\0\":1}", 0, "control character", 8 },
    { "unterminated object",  "{\"a\":{\"dtype\":\"F32\"", 0 },
    { "unterminated string",  "{\"a", 0, "unterminated" },
    { "backslash at end",     "{\"a\\", 0, "unterminated" },
    { "missing colon",        "{\"a\" {}}", 0, "expected ':'" },
    { "missing comma",        "{" T("a", "F32", "[1]", 0, 4) " " T("b", "F32", "[1]", 4, 8) "}", 8, "expected ','" },
    { "trailing comma",       "{" T("a", "F32", "[1]", 0, 4) ",}", 4, "expected a string" },
    { "trailing comma array", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1,],\"data_offsets\":[0,4]}}", 4 },
    { "single quotes",        "{'a':1}", 0 },
    { "bare key",             "{a:1}", 0 },
    { "tensor is a number",   "{\"a\":1}", 0, "'a' is not an object" },
    { "tensor is a string",   "{\"a\":\"x\"}", 0, "'a' is not an object" },
    { "tensor is null",       "{\"a\":null}", 0, "'a' is not an object" },
    { "tensor is an array",   "{\"a\":[1,2]}", 0, "'a' is not an object" },
    { "empty tensor",         "{\"a\":{}}", 0 },
    { "deep nesting",         "{\"a\":{\"dtype\":{\"b\":{\"c\":{}}}}}", 0, "expected a string" },
    { "deep arrays",          "{\"a\":{\"shape\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}}", 0 },
    /* strings */
    { "control character",    "{\"__metadata__\":{\"a\":\"\x01\"}}", 0, "control character" },
    { "raw newline",          "{\"__metadata__\":{\"a\":\"x\ny\"}}", 0, "control character" },
    { "bad escape",           "{\"__metadata__\":{\"a\":\"\\q\"}}", 0, "bad escape" },
    { "short \\u",            "{\"__metadata__\":{\"a\":\"\\u12\"}}", 0, "\\u" },
    { "bad hex",              "{\"__metadata__\":{\"a\":\"\\u12g4\"}}", 0, "\\u" },
    { "lone high surrogate",  "{\"__metadata__\":{\"a\":\"\\ud800\"}}", 0, "surrogate" },
    { "lone low surrogate",   "{\"__metadata__\":{\"a\":\"\\udc00\"}}", 0, "surrogate" },
    { "high + non-low",       "{\"__metadata__\":{\"a\":\"\\ud800\\u0041\"}}", 0, "surrogate" },
    { "NUL escape",           "{\"__metadata__\":{\"a\":\"\\u0000\"}}", 0, "\\u0000" },
    { "overlong UTF-8",       "{\"__metadata__\":{\"a\":\"\xc0\x80\"}}", 0, "UTF-8" },
    { "UTF-8 surrogate",      "{\"__metadata__\":{\"a\":\"\xed\xa0\x80\"}}", 0, "UTF-8" },
    { "truncated UTF-8",      "{\"__metadata__\":{\"a\":\"\xe2\x82\"}}", 0, "UTF-8" },
    { "UTF-8 above U+10FFFF", "{\"__metadata__\":{\"a\":\"\xf4\x90\x80\x80\"}}", 0, "UTF-8" },
    { "stray continuation",   "{\"\x80\":1}", 0, "UTF-8" },
    /* tensor entries */
    { "unknown dtype",        "{" T("w1", "F64", "[1]", 0, 8) "}", 8, "'F64'" },
    { "integer dtype",        "{" T("w2", "I64", "[1]", 0, 8) "}", 8, "'w2'" },
    { "lowercase dtype",      "{" T("a", "f32", "[1]", 0, 4) "}", 4, "'f32'" },
    { "empty dtype",          "{" T("a", "", "[1]", 0, 4) "}", 4, "''" },
    { "dtype not a string",   "{\"a\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}", 4 },
    { "duplicate key",        "{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "twice" },
    { "unknown key",          "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4, "unknown key 'x'" },
    { "missing dtype",        "{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "no dtype" },
    { "missing shape",        "{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4, "no shape" },
    { "missing offsets",      "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "no data_offsets" },
    { "shape not an array",   "{\"a\":{\"dtype\":\"F32\",\"shape\":1,\"data_offsets\":[0,4]}}", 4 },
    { "negative dim",         "{" T("a", "F32", "[-1]", 0, 4) "}", 4, "negative" },
    { "float dim",            "{" T("a", "F32", "[1.0]", 0, 4) "}", 4, "non-integer" },
    { "exponent dim",         "{" T("a", "F32", "[1e0]", 0, 4) "}", 4, "non-integer" },
    { "leading zero",         "{" T("a", "F32", "[01]", 0, 4) "}", 4, "leading zero" },
    { "string dim",           "{" T("a", "F32", "[\"1\"]", 0, 4) "}", 4 },
    { "too many dims",        "{" T("a", "F32", "[1,1,1,1,1,1,1,1,1]", 0, 4) "}", 4, "more than 8" },
    { "overflowing shape",    "{" T("a", "F32", "[4294967296,4294967296,4]", 0, 4) "}", 4, "too large" },
    { "overflow by dtype",    "{" T("a", "F32", "[4611686018427387904]", 0, 4) "}", 4, "too large" },
    { "overflow after zero",  "{" T("a", "F32", "[0,9223372036854775807,9223372036854775807]", 0, 4) "}", 4 },
    { "huge number",          "{" T("a", "F32", "[99999999999999999999]", 0, 4) "}", 4, "too large" },
    { "max int64 offsets",    "{" T("a", "F32", "[1]", 9223372036854775803, 9223372036854775807) "}", 4, "past the end" },
    { "one offset",           "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4]}}", 4, "two numbers" },
    { "three offsets",        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 8, "more than 2" },
    { "negative offset",      "{" T("a", "F32", "[1]", -4, 0) "}", 4, "negative" },
    /* layout */
    { "bytes vs shape",       "{" T("a", "F32", "[3]", 0, 8) "}", 8, "needs 12 bytes" },
    { "bytes vs dtype",       "{" T("a", "F16", "[4]", 0, 4) "}", 4, "needs 8 bytes" },
    { "empty scalar",         "{" T("a", "F32", "[]", 0, 0) "}", 0, "needs 4 bytes" },
    { "past the end",         "{" T("a", "F32", "[4]", 0, 16) "}", 8, "past the end" },
    { "begin after end",      "{" T("a", "F32", "[0]", 8, 4) "}", 8, "end before" },
    { "overlap",              "{" T("a", "F32", "[2]", 0, 8) "," T("b", "F32", "[1]", 4, 8) "}", 8, "overlap" },
    { "same bytes",           "{" T("a", "F32", "[2]", 0, 8) "," T("b", "F32", "[2]", 0, 8) "}", 8, "overlap" },
    { "empty inside another", "{" T("a", "F32", "[2]", 0, 8) "," T("z", "F32", "[0]", 4, 4) "}", 8, "overlap" },
    { "hole",                 "{" T("a", "F32", "[1]", 0, 4) "," T("b", "F32", "[1]", 8, 12) "}", 12, "belong to no tensor" },
    { "not from 0",           "{" T("a", "F32", "[1]", 4, 8) "}", 8, "belong to no tensor" },
    { "trailing data",        "{" T("a", "F32", "[1]", 0, 4) "}", 5, "last 1 bytes" },
    { "data, no tensors",     "{}", 4, "belong to no tensor" },
    /* duplicates */
    { "duplicate tensor",     "{" T("a", "F32", "[1]", 0, 4) "," T("a", "F32", "[1]", 4, 8) "}", 8, "'a' appears twice" },
    { "duplicate metadata",   "{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}}", 0, "'a' appears twice" },
    { "two metadata blocks",  "{\"__metadata__\":{},\"__metadata__\":{}}", 0, "twice" },
    /* metadata */
    { "non-string metadata",  "{\"__metadata__\":{\"a\":1}}", 0, "not a string" },
    { "null metadata value",  "{\"__metadata__\":{\"a\":null}}", 0, "not a string" },
    { "nested metadata",      "{\"__metadata__\":{\"a\":{}}}", 0, "not a string" },
    { "metadata array",       "{\"__metadata__\":[\"a\"]}", 0, "not an object" },
    { "metadata null",        "{\"__metadata__\":null}", 0, "not an object" },
};

static int parse_bad(const struct Bad *b, int write_dir, const char *dir)
{
    SafetensorsFile *f = (SafetensorsFile *)1;
    size_t n;
    uint8_t *buf = build(&n, b->json, b->jlen, NULL, b->data);
    int ret;

    if (write_dir) {
        char path[1024];
        FILE *fp;
        snprintf(path, sizeof(path), "%s/%s", dir, b->why);
        for (char *p = path + strlen(dir) + 1; *p; p++)
            if (*p == ' ' || *p == '\\' || *p == '+' || *p == ',')
                *p = '-';
        fp = fopen(path, "wb");
        if (!fp || fwrite(buf, 1, n, fp) != n)
            abort();
        fclose(fp);
        av_free(buf);
        return 0;
    }
    reset_log();
    ret = ff_safetensors_parse(&f, buf, n, NULL);
    av_free(buf);
    EXPECT(ret == AVERROR_INVALIDDATA && !f && nb_errors,
           "%s: accepted or wrong error (%d, %d messages)", b->why, ret, nb_errors);
    if (b->msg)
        EXPECT(strstr(last_errors, b->msg), "%s: message lacks \"%s\": %s", b->why, b->msg, last_errors);
    if (f)
        ff_safetensors_free(&f);
    return ret;
}

static void test_malformed(void)
{
    SafetensorsFile *f = NULL;
    uint8_t hdr[16] = { 0 }, *buf;
    size_t n;

    for (int i = 0; i < FF_ARRAY_ELEMS(bad); i++)
        parse_bad(&bad[i], 0, NULL);

    /* lengths: nothing, a partial length, a header length past the end or
     * over the 100 MiB cap, length 1 */
    reset_log();
    EXPECT(ff_safetensors_parse(&f, hdr, 0, NULL) == AVERROR_INVALIDDATA && !f && nb_errors, "empty file");
    EXPECT(ff_safetensors_parse(&f, hdr, 7, NULL) == AVERROR_INVALIDDATA && !f, "7 bytes");
    hdr[0] = 200;
    memcpy(hdr + 8, "{}", 2);
    reset_log();
    EXPECT(ff_safetensors_parse(&f, hdr, 10, NULL) == AVERROR_INVALIDDATA &&
           strstr(last_errors, "larger than the file"), "header past end: %s", last_errors);
    memset(hdr, 0xff, 8);
    EXPECT(ff_safetensors_parse(&f, hdr, 16, NULL) == AVERROR_INVALIDDATA, "2^64-1 header length");
    memset(hdr, 0, 8);
    hdr[0] = 1;
    EXPECT(ff_safetensors_parse(&f, hdr, 16, NULL) == AVERROR_INVALIDDATA, "header length 1");

    n   = 8 + MAX_HEADER + 1;
    buf = av_malloc(n);
    if (!buf)
        abort();
    put_le64(buf, MAX_HEADER + 1);
    buf[8] = '{';
    memset(buf + 9, ' ', n - 10);
    buf[n - 1] = '}';
    reset_log();
    EXPECT(ff_safetensors_parse(&f, buf, n, NULL) == AVERROR_INVALIDDATA &&
           strstr(last_errors, "100 MiB"), "header over the cap: %s", last_errors);
    put_le64(buf, MAX_HEADER);  /* the '}' is now a data byte */
    EXPECT(ff_safetensors_parse(&f, buf, n, NULL) == AVERROR_INVALIDDATA, "unclosed 100 MiB header");
    buf[n - 2] = '}';
    reset_log();
    EXPECT(ff_safetensors_parse(&f, buf, n - 1, NULL) == 0 && f && !f->nb_tensors,
           "100 MiB of spaces is a valid header: %s", last_errors);
    ff_safetensors_free(&f);
    av_free(buf);

    /* one tensor with every error at once still fails cleanly, and the
     * result pointer is cleared even when it held garbage */
    f = (SafetensorsFile *)&hdr;
    EXPECT(ff_safetensors_parse(&f, hdr, 3, NULL) < 0 && !f, "*pf cleared");
}

/* the tensor count cap, and no quadratic work on a large header */
static void test_many_tensors(void)
{
    const int nb = 1 << 18;
    const char *entry = "\"t%07d\":{\"dtype\":\"F16\",\"shape\":[0],\"data_offsets\":[0,0]},";
    size_t len = 2 + (size_t)(nb + 1) * (strlen(entry) + 8), pos = 1;
    char *json = av_malloc(len);
    SafetensorsFile *f;
    uint8_t *buf;
    size_t n;

    if (!json)
        abort();
    json[0] = '{';
    for (int i = 0; i < nb; i++)
        pos += snprintf(json + pos, len - pos, entry, nb - 1 - i);
    json[pos - 1] = '}';
    json[pos]     = 0;
    buf = build(&n, json, pos, NULL, 0);
    reset_log();
    EXPECT(ff_safetensors_parse(&f, buf, n, NULL) == 0 && f && f->nb_tensors == nb,
           "%d tensors: %s", nb, last_errors);
    if (f) {
        char name[16];
        snprintf(name, sizeof(name), "t%07d", 12345);
        EXPECT(ff_safetensors_find(f, name) == &f->tensors[nb - 1 - 12345], "find among many");
        EXPECT(!ff_safetensors_find(f, "t"), "find a prefix");
        ff_safetensors_free(&f);
    }
    av_free(buf);

    json[pos - 1] = ',';
    pos += snprintf(json + pos, len - pos, entry, nb);
    json[pos - 1] = '}';
    buf = build(&n, json, pos, NULL, 0);
    reset_log();
    EXPECT(ff_safetensors_parse(&f, buf, n, NULL) == AVERROR_INVALIDDATA && !f &&
           strstr(last_errors, "more than 262144 tensors"), "tensor cap: %s", last_errors);
    av_free(buf);
    av_free(json);
}

static int write_file(const char *path, const uint8_t *buf, size_t n)
{
    FILE *fp = fopen(path, "wb");
    int ok = fp && fwrite(buf, 1, n, fp) == n;

    if (fp)
        fclose(fp);
    return ok ? 0 : -1;
}

static void test_open(void)
{
    char path[] = "/tmp/safetensors_test_XXXXXX";
    int fd = mkstemp(path);
    SafetensorsFile *f = NULL;
    const SafetensorsTensor *t;
    uint8_t *buf;
    size_t n;
    float v[2];

    EXPECT(fd >= 0, "mkstemp");
    if (fd < 0)
        return;
    close(fd);

    buf = build(&n, "{" T("w", "BF16", "[2]", 0, 4) ",\"__metadata__\":{\"k\":\"v\"}}  ",
                0, (const uint8_t[]){ 0x80, 0x3f, 0x00, 0xc0 }, 4);
    EXPECT(!write_file(path, buf, n), "write");
    av_free(buf);
    reset_log();
    EXPECT(ff_safetensors_open(&f, path, NULL) == 0 && f && f->mapped, "open: %s", last_errors);
    if (f) {
        EXPECT(ff_safetensors_get(f, "w", 1, (const int64_t[]){ 2 }, &t, NULL) == 0 &&
               ff_safetensors_to_f32(t, v) == 0 && v[0] == 1.0f && v[1] == -2.0f, "mapped values");
        EXPECT(!strcmp(ff_safetensors_meta_str(f, "k"), "v"), "mapped metadata");
        ff_safetensors_free(&f);
    }

    /* a truncated copy on disk */
    buf = build(&n, "{" T("w", "F32", "[2]", 0, 8) "}", 0, NULL, 8);
    EXPECT(!write_file(path, buf, n - 1), "write");
    av_free(buf);
    reset_log();
    EXPECT(ff_safetensors_open(&f, path, NULL) == AVERROR_INVALIDDATA && !f &&
           strstr(last_errors, path), "truncated file: %s", last_errors);

    EXPECT(!write_file(path, NULL, 0), "write");
    EXPECT(ff_safetensors_open(&f, path, NULL) == AVERROR_INVALIDDATA && !f, "empty file");
    unlink(path);

    reset_log();
    EXPECT(ff_safetensors_open(&f, "/nonexistent/model.safetensors", NULL) < 0 && !f && nb_errors,
           "missing file");
    reset_log();
    EXPECT(ff_safetensors_open(&f, "/", NULL) < 0 && !f && nb_errors, "a directory");
}

/* the fixtures written by the training code's exporter must be accepted */
static void test_fixtures(const char *dir)
{
    static const char *names[] = { "tiny-model.safetensors", "tiny-ref.safetensors" };

    for (int i = 0; i < FF_ARRAY_ELEMS(names); i++) {
        char path[2048];
        SafetensorsFile *f;
        FILE *fp;

        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        if (!(fp = fopen(path, "rb"))) {
            printf("skip %s: not found\n", path);
            continue;
        }
        fclose(fp);
        reset_log();
        EXPECT(ff_safetensors_open(&f, path, NULL) == 0, "%s rejected: %s", path, last_errors);
        if (f) {
            int64_t total = 0;
            for (int j = 0; j < f->nb_tensors; j++) {
                const SafetensorsTensor *t = &f->tensors[j];
                float *v = av_malloc_array(t->nb_elems + 1, sizeof(*v));
                int nonfinite = 0;
                EXPECT(v && ff_safetensors_to_f32(t, v) == 0, "convert %s", t->name);
                for (int64_t k = 0; v && k < t->nb_elems; k++)
                    nonfinite += !isfinite(v[k]);
                EXPECT(!nonfinite, "%s: %d non-finite values", t->name, nonfinite);
                EXPECT(ff_safetensors_find(f, t->name) == t, "find %s", t->name);
                total += t->nbytes;
                av_free(v);
            }
            EXPECT(8 + total < f->size, "sizes");
            printf("%s: %d tensors, %d metadata entries\n", names[i], f->nb_tensors,
                   av_dict_count(f->metadata));
            ff_safetensors_free(&f);
        }
    }
}

/* every committed fuzz corpus file must be handled without a crash; files
 * named valid-* must be accepted */
static void corpus_file(const char *path, const char *name, void *opaque)
{
    int *ok = opaque;
    SafetensorsFile *f;
    int ret;

    reset_log();
    ret = ff_safetensors_open(&f, path, NULL);
    if (!strncmp(name, "valid-", 6))
        EXPECT(ret == 0, "%s rejected: %s", path, last_errors);
    else
        EXPECT(ret == 0 || nb_errors, "%s failed without a message", path);
    if (ret >= 0) {
        for (int i = 0; i < f->nb_tensors; i++) {
            float *v = av_malloc_array(f->tensors[i].nb_elems + 1, sizeof(float));
            if (v)
                ff_safetensors_to_f32(&f->tensors[i], v);
            av_free(v);
        }
        ff_safetensors_free(&f);
        (*ok)++;
    }
}

static void test_corpus(const char *dir)
{
    int ok = 0, n = corpus_walk(dir, corpus_file, &ok);

    EXPECT(n >= 0, "no corpus at %s", dir);
    printf("corpus: %d files, %d valid\n", n, ok);
    EXPECT(n > 0, "empty corpus");
}

/* the seed corpus: a few valid files and one of each main class of bad file */
static int write_corpus(const char *dir)
{
    static const char *seeds[] = {
        "trailing garbage", "unterminated object", "lone high surrogate", "deep arrays",
        "unknown dtype", "overflowing shape", "overlap", "hole", "duplicate tensor",
        "non-string metadata", "max int64 offsets",
    };
    size_t n;
    uint8_t *buf;
    char path[1024];

    buf = build(&n, valid_json, 0, valid_data, sizeof(valid_data));
    /* the valid_json scalar needs 4 more bytes */
    av_free(buf);
    {
        char json[sizeof(valid_json)];
        uint8_t data[sizeof(valid_data) + 4] = { 0 };
        memcpy(json, valid_json, sizeof(json));
        memcpy(strstr(json, "[28,28]"), "[28,32]", 7);
        memcpy(data, valid_data, sizeof(valid_data));
        buf = build(&n, json, 0, data, sizeof(data));
        snprintf(path, sizeof(path), "%s/valid-mixed", dir);
        if (write_file(path, buf, n) < 0)
            return 1;
        av_free(buf);
    }
    buf = build(&n, "{}        ", 0, NULL, 0);
    snprintf(path, sizeof(path), "%s/valid-empty", dir);
    if (write_file(path, buf, n) < 0)
        return 1;
    av_free(buf);
    buf = build(&n, " {\n \"z\" : { \"dtype\" : \"F16\", \"shape\" : [ 0, 3 ], \"data_offsets\" : [ 0, 0 ] },"
                " \"\\u00e9\\ud83d\\ude00\" : { \"shape\" : [ 1, 1 ], \"dtype\" : \"F16\","
                " \"data_offsets\" : [ 0, 2 ] } }\t", 0, (const uint8_t[]){ 0x00, 0x3c }, 2);
    snprintf(path, sizeof(path), "%s/valid-whitespace", dir);
    if (write_file(path, buf, n) < 0)
        return 1;
    av_free(buf);
    for (int i = 0; i < FF_ARRAY_ELEMS(seeds); i++)
        for (int j = 0; j < FF_ARRAY_ELEMS(bad); j++)
            if (!strcmp(bad[j].why, seeds[i]))
                parse_bad(&bad[j], 1, dir);
    return 0;
}

int main(int argc, char **argv)
{
    const char *fixtures = "tests/fixtures";
    char corpus[1024];

    if (argc == 3 && !strcmp(argv[1], "--write-corpus"))
        return write_corpus(argv[2]);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v"))
            check_verbose = 1;
        else
            fixtures = argv[i];
    }
    av_log_set_callback(check_log_cb);

    test_valid();
    test_meta_syntax();
    test_f16_all();
    test_malformed();
    test_many_tensors();
    test_open();
    test_fixtures(fixtures);
    snprintf(corpus, sizeof(corpus), "%s/../fuzz/safetensors", fixtures);
    test_corpus(corpus);

    printf("safetensors_test: %d checks, %d failed\n", checks, failures);
    return !!failures;
}
