/*
 * safetensors reader with full validation
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
 * Format: u64 little-endian header length N, N bytes of JSON, data.
 * JSON: { "name": { "dtype": "F16", "shape": [2, 3], "data_offsets": [b, e] },
 *         ..., "__metadata__": { "key": "value", ... } }
 * Offsets are relative to the data section.  Only the subset of JSON this
 * layout needs is accepted; anything else is an error.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libavutil/avstring.h"
#include "libavutil/error.h"
#include "libavutil/log.h"
#include "libavutil/mem.h"

#include "safetensors.h"

#define MAX_HEADER   (100 << 20)
#define MAX_FILE     ((int64_t)4 << 30)
#define MAX_STRING   4096
#define MAX_META     (1 << 20)
#define MAX_TENSORS  100000

typedef struct Parser {
    const char *p, *end;
    void *log_ctx;
} Parser;

static int fail(Parser *ps, const char *what)
{
    av_log(ps->log_ctx, AV_LOG_ERROR, "safetensors header: %s at byte %td\n", what,
           ps->end - ps->p >= 0 ? (ptrdiff_t)(ps->end - ps->p) : 0);
    return AVERROR_INVALIDDATA;
}

static void skip_ws(Parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
                               *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static int expect(Parser *ps, char c)
{
    skip_ws(ps);
    if (ps->p >= ps->end || *ps->p != c) {
        char msg[32];
        snprintf(msg, sizeof(msg), "expected '%c'", c);
        return fail(ps, msg);
    }
    ps->p++;
    return 0;
}

/* next non-space char, or 0 at the end; not consumed */
static char peek(Parser *ps)
{
    skip_ws(ps);
    return ps->p < ps->end ? *ps->p : 0;
}

static int hex4(Parser *ps, unsigned *v)
{
    *v = 0;
    if (ps->end - ps->p < 4)
        return fail(ps, "truncated \\u escape");
    for (int i = 0; i < 4; i++) {
        char c = *ps->p++;
        *v <<= 4;
        if (c >= '0' && c <= '9')      *v |= c - '0';
        else if (c >= 'a' && c <= 'f') *v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') *v |= c - 'A' + 10;
        else return fail(ps, "bad \\u escape");
    }
    return 0;
}

static int parse_string(Parser *ps, char **out, size_t max)
{
    char *s;
    size_t n = 0;
    int ret;

    *out = NULL;
    if ((ret = expect(ps, '"')) < 0)
        return ret;
    s = av_malloc(max + 5);
    if (!s)
        return AVERROR(ENOMEM);
    for (;;) {
        unsigned c;
        if (ps->p >= ps->end) {
            ret = fail(ps, "unterminated string");
            goto err;
        }
        c = (unsigned char)*ps->p++;
        if (c == '"')
            break;
        if (c < 0x20) {
            ret = fail(ps, "control character in string");
            goto err;
        }
        if (c == '\\') {
            if (ps->p >= ps->end) {
                ret = fail(ps, "unterminated escape");
                goto err;
            }
            c = (unsigned char)*ps->p++;
            switch (c) {
            case '"': case '\\': case '/': break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'u':
                if ((ret = hex4(ps, &c)) < 0)
                    goto err;
                if (c >= 0xD800 && c < 0xDC00) {
                    unsigned lo;
                    if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u') {
                        ret = fail(ps, "lone surrogate");
                        goto err;
                    }
                    ps->p += 2;
                    if ((ret = hex4(ps, &lo)) < 0)
                        goto err;
                    if (lo < 0xDC00 || lo > 0xDFFF) {
                        ret = fail(ps, "bad surrogate pair");
                        goto err;
                    }
                    c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                } else if (c >= 0xDC00 && c <= 0xDFFF) {
                    ret = fail(ps, "lone surrogate");
                    goto err;
                }
                if (!c) {
                    ret = fail(ps, "NUL in string");
                    goto err;
                }
                if (n + 4 > max) {
                    ret = fail(ps, "string too long");
                    goto err;
                }
                if (c < 0x80) {
                    s[n++] = c;
                } else if (c < 0x800) {
                    s[n++] = 0xC0 | (c >> 6);
                    s[n++] = 0x80 | (c & 0x3F);
                } else if (c < 0x10000) {
                    s[n++] = 0xE0 | (c >> 12);
                    s[n++] = 0x80 | ((c >> 6) & 0x3F);
                    s[n++] = 0x80 | (c & 0x3F);
                } else {
                    s[n++] = 0xF0 | (c >> 18);
                    s[n++] = 0x80 | ((c >> 12) & 0x3F);
                    s[n++] = 0x80 | ((c >> 6) & 0x3F);
                    s[n++] = 0x80 | (c & 0x3F);
                }
                continue;
            default:
                ret = fail(ps, "bad escape");
                goto err;
            }
        }
        if (n + 1 > max) {
            ret = fail(ps, "string too long");
            goto err;
        }
        s[n++] = c;
    }
    s[n] = 0;
    *out = s;
    return 0;
err:
    av_free(s);
    return ret;
}

static int parse_uint(Parser *ps, int64_t *out)
{
    int64_t v = 0;
    int digits = 0;

    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '-')
        return fail(ps, "negative number");
    if (ps->p < ps->end && *ps->p == '0' && ps->end - ps->p > 1 &&
        ps->p[1] >= '0' && ps->p[1] <= '9')
        return fail(ps, "leading zero");
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
        if (v > (INT64_MAX - 9) / 10)
            return fail(ps, "number too large");
        v = v * 10 + (*ps->p++ - '0');
        digits++;
    }
    if (!digits)
        return fail(ps, "expected a number");
    if (ps->p < ps->end && (*ps->p == '.' || *ps->p == 'e' || *ps->p == 'E'))
        return fail(ps, "expected an integer");
    *out = v;
    return 0;
}

/* [u, u, ...] into v (at most max), count in *n */
static int parse_uint_array(Parser *ps, int64_t *v, int max, int *n)
{
    int ret;

    *n = 0;
    if ((ret = expect(ps, '[')) < 0)
        return ret;
    if (peek(ps) == ']') {
        ps->p++;
        return 0;
    }
    for (;;) {
        if (*n >= max)
            return fail(ps, "array too long");
        if ((ret = parse_uint(ps, &v[(*n)++])) < 0)
            return ret;
        if (peek(ps) == ',') {
            ps->p++;
            continue;
        }
        return expect(ps, ']');
    }
}

static int dtype_of(const char *s, enum DiffDType *dt, int *size)
{
    if (!strcmp(s, "F32"))  { *dt = DIFF_DTYPE_F32;  *size = 4; return 0; }
    if (!strcmp(s, "F16"))  { *dt = DIFF_DTYPE_F16;  *size = 2; return 0; }
    if (!strcmp(s, "BF16")) { *dt = DIFF_DTYPE_BF16; *size = 2; return 0; }
    return AVERROR_INVALIDDATA;
}

static int parse_tensor(Parser *ps, SafetensorsTensor *t, size_t data_size)
{
    int have_dtype = 0, have_shape = 0, have_offsets = 0, esize = 0, ret;
    int64_t off[2];

    if ((ret = expect(ps, '{')) < 0)
        return ret;
    if (peek(ps) == '}')
        return fail(ps, "empty tensor entry");
    for (;;) {
        char *key;
        if ((ret = parse_string(ps, &key, 64)) < 0)
            return ret;
        if ((ret = expect(ps, ':')) < 0) {
            av_free(key);
            return ret;
        }
        if (!strcmp(key, "dtype") && !have_dtype) {
            char *v;
            have_dtype = 1;
            if ((ret = parse_string(ps, &v, 16)) >= 0) {
                if (dtype_of(v, &t->dtype, &esize) < 0) {
                    av_log(ps->log_ctx, AV_LOG_ERROR,
                           "safetensors: tensor '%s' has unsupported dtype '%s' (F32, F16, BF16 only)\n",
                           t->name, v);
                    ret = AVERROR_INVALIDDATA;
                }
                av_free(v);
            }
        } else if (!strcmp(key, "shape") && !have_shape) {
            have_shape = 1;
            ret = parse_uint_array(ps, t->shape, DIFF_MAX_DIMS, &t->ndim);
        } else if (!strcmp(key, "data_offsets") && !have_offsets) {
            int n;
            have_offsets = 1;
            ret = parse_uint_array(ps, off, 2, &n);
            if (ret >= 0 && n != 2)
                ret = fail(ps, "data_offsets needs two numbers");
        } else {
            av_log(ps->log_ctx, AV_LOG_ERROR, "safetensors: tensor '%s': unexpected or repeated key '%s'\n",
                   t->name, key);
            ret = AVERROR_INVALIDDATA;
        }
        av_free(key);
        if (ret < 0)
            return ret;
        if (peek(ps) == ',') {
            ps->p++;
            continue;
        }
        if ((ret = expect(ps, '}')) < 0)
            return ret;
        break;
    }
    if (!have_dtype || !have_shape || !have_offsets) {
        av_log(ps->log_ctx, AV_LOG_ERROR, "safetensors: tensor '%s' lacks dtype, shape or data_offsets\n",
               t->name);
        return AVERROR_INVALIDDATA;
    }
    t->nb_elems = 1;
    for (int i = 0; i < t->ndim; i++) {
        if (t->shape[i] && t->nb_elems > INT64_MAX / 8 / t->shape[i]) {
            av_log(ps->log_ctx, AV_LOG_ERROR, "safetensors: tensor '%s' is too large\n", t->name);
            return AVERROR_INVALIDDATA;
        }
        t->nb_elems *= t->shape[i];
    }
    if (off[0] > off[1] || off[1] > data_size ||
        (uint64_t)(off[1] - off[0]) != (uint64_t)t->nb_elems * esize) {
        av_log(ps->log_ctx, AV_LOG_ERROR,
               "safetensors: tensor '%s': data_offsets [%"PRId64", %"PRId64"] do not hold "
               "%"PRId64" elements of %d bytes within %zu data bytes\n",
               t->name, off[0], off[1], t->nb_elems, esize, data_size);
        return AVERROR_INVALIDDATA;
    }
    t->nbytes = off[1] - off[0];
    t->data   = (const uint8_t *)(uintptr_t)off[0]; /* relocated by the caller */
    return 0;
}

static int parse_metadata(Parser *ps, AVDictionary **md)
{
    int ret;

    if ((ret = expect(ps, '{')) < 0)
        return ret;
    if (peek(ps) == '}') {
        ps->p++;
        return 0;
    }
    for (;;) {
        char *k, *v;
        if ((ret = parse_string(ps, &k, MAX_STRING)) < 0)
            return ret;
        if ((ret = expect(ps, ':')) < 0 || (peek(ps) != '"' && (ret = fail(ps, "metadata values must be strings")) < 0)) {
            av_free(k);
            return ret;
        }
        if ((ret = parse_string(ps, &v, MAX_META)) < 0) {
            av_free(k);
            return ret;
        }
        if (av_dict_get(*md, k, NULL, 0)) {
            av_log(ps->log_ctx, AV_LOG_ERROR, "safetensors: duplicate metadata key '%s'\n", k);
            av_free(k);
            av_free(v);
            return AVERROR_INVALIDDATA;
        }
        if ((ret = av_dict_set(md, k, v, AV_DICT_DONT_STRDUP_KEY | AV_DICT_DONT_STRDUP_VAL)) < 0)
            return ret;
        if (peek(ps) == ',') {
            ps->p++;
            continue;
        }
        return expect(ps, '}');
    }
}

static int cmp_offset(const void *a, const void *b)
{
    const SafetensorsTensor *x = *(const SafetensorsTensor * const *)a;
    const SafetensorsTensor *y = *(const SafetensorsTensor * const *)b;
    return x->data < y->data ? -1 : x->data > y->data;
}

static int parse_header(SafetensorsFile *f, void *log_ctx)
{
    Parser ps = { 0 };
    uint64_t n = 0;
    size_t data_size;
    SafetensorsTensor **order = NULL;
    int have_meta = 0, cap = 0, ret;

    if (f->size < 8) {
        av_log(log_ctx, AV_LOG_ERROR, "safetensors: file of %zu bytes has no header\n", f->size);
        return AVERROR_INVALIDDATA;
    }
    for (int i = 7; i >= 0; i--)
        n = n << 8 | f->buf[i];
    if (n < 2 || n > MAX_HEADER || n > f->size - 8) {
        av_log(log_ctx, AV_LOG_ERROR, "safetensors: header length %"PRIu64" does not fit "
               "a file of %zu bytes\n", n, f->size);
        return AVERROR_INVALIDDATA;
    }
    ps.p = (const char *)f->buf + 8;
    ps.end = ps.p + n;
    ps.log_ctx = log_ctx;
    data_size = f->size - 8 - n;

    if ((ret = expect(&ps, '{')) < 0)
        return ret;
    if (peek(&ps) != '}') {
        for (;;) {
            char *key;
            if ((ret = parse_string(&ps, &key, MAX_STRING)) < 0)
                return ret;
            if ((ret = expect(&ps, ':')) < 0) {
                av_free(key);
                return ret;
            }
            if (!strcmp(key, "__metadata__")) {
                av_free(key);
                if (have_meta)
                    return fail(&ps, "duplicate __metadata__");
                have_meta = 1;
                if ((ret = parse_metadata(&ps, &f->metadata)) < 0)
                    return ret;
            } else {
                SafetensorsTensor *t;
                if (ff_safetensors_find(f, key)) {
                    av_log(log_ctx, AV_LOG_ERROR, "safetensors: duplicate tensor '%s'\n", key);
                    av_free(key);
                    return AVERROR_INVALIDDATA;
                }
                if (f->nb_tensors >= MAX_TENSORS) {
                    av_free(key);
                    return fail(&ps, "too many tensors");
                }
                if (f->nb_tensors == cap) {
                    int nc = cap ? 2 * cap : 64;
                    void *tmp = av_realloc_array(f->tensors, nc, sizeof(*f->tensors));
                    if (!tmp) {
                        av_free(key);
                        return AVERROR(ENOMEM);
                    }
                    f->tensors = tmp;
                    cap = nc;
                }
                t = &f->tensors[f->nb_tensors++];
                memset(t, 0, sizeof(*t));
                t->name = key;
                if ((ret = parse_tensor(&ps, t, data_size)) < 0)
                    return ret;
            }
            if (peek(&ps) == ',') {
                ps.p++;
                continue;
            }
            break;
        }
    }
    if ((ret = expect(&ps, '}')) < 0)
        return ret;
    skip_ws(&ps);
    if (ps.p != ps.end)
        return fail(&ps, "trailing bytes after the header object");

    /* relocate, then check that no two tensors share bytes */
    order = av_malloc_array(FFMAX(f->nb_tensors, 1), sizeof(*order));
    if (!order)
        return AVERROR(ENOMEM);
    for (int i = 0; i < f->nb_tensors; i++)
        order[i] = &f->tensors[i];
    qsort(order, f->nb_tensors, sizeof(*order), cmp_offset);
    for (int i = 1; i < f->nb_tensors; i++) {
        const SafetensorsTensor *a = order[i - 1], *b = order[i];
        if (b->nbytes && (uintptr_t)a->data + a->nbytes > (uintptr_t)b->data) {
            av_log(log_ctx, AV_LOG_ERROR, "safetensors: tensors '%s' and '%s' overlap\n",
                   a->name, b->name);
            av_free(order);
            return AVERROR_INVALIDDATA;
        }
    }
    av_free(order);
    for (int i = 0; i < f->nb_tensors; i++)
        f->tensors[i].data = f->buf + 8 + n + (uintptr_t)f->tensors[i].data;
    return 0;
}

int ff_safetensors_parse(SafetensorsFile **pf, const uint8_t *buf, size_t size, void *log_ctx)
{
    SafetensorsFile *f;
    int ret;

    *pf = NULL;
    if ((int64_t)size > MAX_FILE) {
        av_log(log_ctx, AV_LOG_ERROR, "safetensors: file of %zu bytes is too large\n", size);
        return AVERROR_INVALIDDATA;
    }
    f = av_mallocz(sizeof(*f));
    if (!f)
        return AVERROR(ENOMEM);
    f->buf = av_malloc(size ? size : 1);
    if (!f->buf) {
        av_free(f);
        return AVERROR(ENOMEM);
    }
    if (size)
        memcpy(f->buf, buf, size);
    f->size = size;
    if ((ret = parse_header(f, log_ctx)) < 0) {
        ff_safetensors_free(&f);
        return ret;
    }
    *pf = f;
    return 0;
}

int ff_safetensors_open(SafetensorsFile **pf, const char *path, void *log_ctx)
{
    FILE *fp = fopen(path, "rb");
    uint8_t *buf = NULL;
    int64_t size;
    int ret;

    *pf = NULL;
    if (!fp) {
        ret = AVERROR(errno);
        av_log(log_ctx, AV_LOG_ERROR, "Cannot open %s: %s\n", path, av_err2str(ret));
        return ret;
    }
    if (fseek(fp, 0, SEEK_END) < 0 || (size = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) < 0) {
        ret = AVERROR(errno);
        av_log(log_ctx, AV_LOG_ERROR, "Cannot read %s: %s\n", path, av_err2str(ret));
        fclose(fp);
        return ret;
    }
    if (size > MAX_FILE) {
        av_log(log_ctx, AV_LOG_ERROR, "%s: %"PRId64" bytes is too large for a model\n", path, size);
        fclose(fp);
        return AVERROR_INVALIDDATA;
    }
    buf = av_malloc(size ? size : 1);
    if (!buf) {
        fclose(fp);
        return AVERROR(ENOMEM);
    }
    if (fread(buf, 1, size, fp) != (size_t)size) {
        av_log(log_ctx, AV_LOG_ERROR, "Cannot read %s\n", path);
        av_free(buf);
        fclose(fp);
        return AVERROR(EIO);
    }
    fclose(fp);
    ret = ff_safetensors_parse(pf, buf, size, log_ctx);
    if (ret < 0)
        av_log(log_ctx, AV_LOG_ERROR, "%s is not a valid safetensors file\n", path);
    av_free(buf);
    return ret;
}

void ff_safetensors_free(SafetensorsFile **pf)
{
    SafetensorsFile *f = *pf;
    if (!f)
        return;
    for (int i = 0; i < f->nb_tensors; i++)
        av_freep(&f->tensors[i].name);
    av_freep(&f->tensors);
    av_dict_free(&f->metadata);
    av_freep(&f->buf);
    av_freep(pf);
}

const SafetensorsTensor *ff_safetensors_find(const SafetensorsFile *f, const char *name)
{
    for (int i = 0; i < f->nb_tensors; i++)
        if (!strcmp(f->tensors[i].name, name))
            return &f->tensors[i];
    return NULL;
}

static void shape_str(char *buf, size_t size, int ndim, const int64_t *shape)
{
    buf[0] = 0;
    av_strlcat(buf, "[", size);
    for (int i = 0; i < ndim; i++)
        av_strlcatf(buf, size, "%s%"PRId64, i ? ", " : "", shape[i]);
    av_strlcat(buf, "]", size);
}

int ff_safetensors_get(const SafetensorsFile *f, const char *name, int ndim,
                       const int64_t *shape, const SafetensorsTensor **out, void *log_ctx)
{
    const SafetensorsTensor *t = ff_safetensors_find(f, name);
    char want[128], have[128];

    *out = NULL;
    if (!t) {
        av_log(log_ctx, AV_LOG_ERROR, "model lacks the tensor '%s'\n", name);
        return AVERROR_INVALIDDATA;
    }
    if (t->ndim != ndim || memcmp(t->shape, shape, ndim * sizeof(*shape))) {
        shape_str(want, sizeof(want), ndim, shape);
        shape_str(have, sizeof(have), t->ndim, t->shape);
        av_log(log_ctx, AV_LOG_ERROR, "tensor '%s' has shape %s, the model needs %s\n",
               name, have, want);
        return AVERROR_INVALIDDATA;
    }
    *out = t;
    return 0;
}

static float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1f, man = h & 0x3ff, u;
    float f;

    if (exp == 0x1f) {
        u = sign | 0x7f800000 | (man << 13);
    } else if (exp) {
        u = sign | ((exp + 112) << 23) | (man << 13);
    } else if (man) {
        /* subnormal: man * 2^-24, exact in float */
        f = man * (1.0f / 16777216.0f);
        return sign ? -f : f;
    } else {
        u = sign;
    }
    memcpy(&f, &u, 4);
    return f;
}

int ff_safetensors_to_f32(const SafetensorsTensor *t, float *dst)
{
    const uint8_t *p = t->data;

    for (int64_t i = 0; i < t->nb_elems; i++) {
        uint32_t u;
        switch (t->dtype) {
        case DIFF_DTYPE_F32:
            u = p[4 * i] | p[4 * i + 1] << 8 | p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
            memcpy(&dst[i], &u, 4);
            break;
        case DIFF_DTYPE_F16:
            dst[i] = half_to_float(p[2 * i] | p[2 * i + 1] << 8);
            break;
        case DIFF_DTYPE_BF16:
            u = (uint32_t)(p[2 * i] | p[2 * i + 1] << 8) << 16;
            memcpy(&dst[i], &u, 4);
            break;
        default:
            return AVERROR_BUG;
        }
    }
    return 0;
}

const char *ff_safetensors_meta_str(const SafetensorsFile *f, const char *key)
{
    const AVDictionaryEntry *e = av_dict_get(f->metadata, key, NULL, AV_DICT_MATCH_CASE);
    return e ? e->value : NULL;
}

int ff_safetensors_meta_int(const SafetensorsFile *f, const char *key, int64_t min,
                            int64_t max, int64_t *out, void *log_ctx)
{
    const char *s = ff_safetensors_meta_str(f, key);
    char *end;
    long long v;

    if (!s) {
        av_log(log_ctx, AV_LOG_ERROR, "model metadata lacks '%s'\n", key);
        return AVERROR_INVALIDDATA;
    }
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max) {
        av_log(log_ctx, AV_LOG_ERROR, "model metadata %s='%s' is not an integer in [%"PRId64", %"PRId64"]\n",
               key, s, min, max);
        return AVERROR_INVALIDDATA;
    }
    *out = v;
    return 0;
}
