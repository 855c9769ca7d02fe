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
 * The header is parsed by a small JSON reader that accepts exactly the
 * structure a safetensors header has: a top-level object whose values are
 * tensor objects (three known keys: a string and two arrays of non-negative
 * integers) or the "__metadata__" object of strings.  Any other value
 * (floats, booleans, null, deeper nesting) is an error, so the nesting depth
 * is bounded by the grammar (3) and the parser needs no recursion.  Strings
 * must be valid UTF-8; escapes, \uXXXX and surrogate pairs are decoded to
 * UTF-8, and \u0000 is refused since names are C strings.
 */

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libavutil/attributes.h"
#include "libavutil/avstring.h"
#include "libavutil/common.h"
#include "libavutil/error.h"
#include "libavutil/file.h"
#include "libavutil/log.h"
#include "libavutil/mem.h"

#include "safetensors.h"

#define MAX_HEADER       (100 * 1024 * 1024)
#define MAX_NAME         65536      /* tensor names, metadata keys */
#define MAX_META_ENTRIES 4096
#define MAX_TENSORS      (1 << 18)

typedef struct Parser {
    const uint8_t *start, *p, *end;
    void *log_ctx;
} Parser;

/* where a tensor's bytes lie in the data section */
typedef struct Span {
    int64_t begin, end;
    int idx;
} Span;

static av_printf_format(2, 3) int fail(Parser *ps, const char *fmt, ...)
{
    char msg[512];
    va_list vl;

    va_start(vl, fmt);
    vsnprintf(msg, sizeof(msg), fmt, vl);
    va_end(vl);
    /* positions count from the start of the file */
    av_log(ps->log_ctx, AV_LOG_ERROR, "Invalid safetensors header at byte %zu: %s\n",
           (size_t)(ps->p - ps->start) + 8, msg);
    return AVERROR_INVALIDDATA;
}

static void skip_ws(Parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
                               *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

/* next non-space byte, not consumed; 0 at the end */
static int peek(Parser *ps)
{
    skip_ws(ps);
    return ps->p < ps->end ? *ps->p : 0;
}

static int expect(Parser *ps, int c, const char *where)
{
    if (peek(ps) != c)
        return fail(ps, "expected '%c' %s", c, where);
    ps->p++;
    return 0;
}

/* after an element: 1 if a ',' follows, 0 if the closing bracket does */
static int next_or_close(Parser *ps, int close, const char *where)
{
    int c = peek(ps);

    if (c == ',' || c == close) {
        ps->p++;
        return c == ',';
    }
    return fail(ps, "expected ',' or '%c' %s", close, where);
}

/* length of the well-formed multi-byte UTF-8 sequence at p (*p >= 0x80), or 0 */
static int utf8_len(const uint8_t *p, const uint8_t *end)
{
    unsigned lo = 0x80, hi = 0xBF;
    int len;

    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        len = 2;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF)
        len = 3;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4)
        len = 4;
    else
        return 0;
    if (p[0] == 0xE0)
        lo = 0xA0;  /* overlong */
    else if (p[0] == 0xED)
        hi = 0x9F;  /* surrogates */
    else if (p[0] == 0xF0)
        lo = 0x90;  /* overlong */
    else if (p[0] == 0xF4)
        hi = 0x8F;  /* above U+10FFFF */
    if (end - p < len || p[1] < lo || p[1] > hi)
        return 0;
    for (int i = 2; i < len; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return len;
}

static int hex4(const uint8_t *p, unsigned *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        int c = p[i];
        *v <<= 4;
        if (c >= '0' && c <= '9')
            *v |= c - '0';
        else if (c >= 'a' && c <= 'f')
            *v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            *v |= c - 'A' + 10;
        else
            return AVERROR_INVALIDDATA;
    }
    return 0;
}

static int put_utf8(char *s, unsigned c)
{
    if (c < 0x80) {
        s[0] = c;
        return 1;
    } else if (c < 0x800) {
        s[0] = 0xC0 | (c >> 6);
        s[1] = 0x80 | (c & 0x3F);
        return 2;
    } else if (c < 0x10000) {
        s[0] = 0xE0 | (c >> 12);
        s[1] = 0x80 | ((c >> 6) & 0x3F);
        s[2] = 0x80 | (c & 0x3F);
        return 3;
    }
    s[0] = 0xF0 | (c >> 18);
    s[1] = 0x80 | ((c >> 12) & 0x3F);
    s[2] = 0x80 | ((c >> 6) & 0x3F);
    s[3] = 0x80 | (c & 0x3F);
    return 4;
}

/* a JSON string of at most max decoded bytes, into a new NUL-terminated *out */
static int parse_string(Parser *ps, char **out, size_t max, const char *what)
{
    const uint8_t *q;
    size_t n = 0;
    char *s;

    *out = NULL;
    if (peek(ps) != '"')
        return fail(ps, "expected a string for %s", what);
    ps->p++;

    /* find the closing quote; decoding never makes a string longer */
    for (q = ps->p; q < ps->end && *q != '"'; q++)
        if (*q == '\\' && ++q == ps->end)
            break;
    if (q >= ps->end)
        return fail(ps, "unterminated string in %s", what);
    s = av_malloc(q - ps->p + 1);
    if (!s)
        return AVERROR(ENOMEM);

    while (ps->p < q) {
        unsigned c = *ps->p;

        if (c < 0x20) {
            fail(ps, "control character 0x%02x in %s", c, what);
            goto fail;
        } else if (c >= 0x80) {
            int len = utf8_len(ps->p, q);
            if (!len) {
                fail(ps, "invalid UTF-8 in %s", what);
                goto fail;
            }
            memcpy(s + n, ps->p, len);
            n += len;
            ps->p += len;
            continue;
        } else if (c != '\\') {
            s[n++] = c;
            ps->p++;
            continue;
        }

        /* an escape; the scan above guarantees the escaped byte is before q */
        ps->p++;
        c = *ps->p++;
        switch (c) {
        case '"': case '\\': case '/':       break;
        case 'b': c = '\b';                  break;
        case 'f': c = '\f';                  break;
        case 'n': c = '\n';                  break;
        case 'r': c = '\r';                  break;
        case 't': c = '\t';                  break;
        case 'u':
            if (q - ps->p < 4 || hex4(ps->p, &c) < 0) {
                fail(ps, "bad \\u escape in %s", what);
                goto fail;
            }
            ps->p += 4;
            if (c >= 0xD800 && c <= 0xDBFF) {
                unsigned lo;
                if (q - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u' ||
                    hex4(ps->p + 2, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF) {
                    fail(ps, "unpaired UTF-16 surrogate in %s", what);
                    goto fail;
                }
                ps->p += 6;
                c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
            } else if (c >= 0xDC00 && c <= 0xDFFF) {
                fail(ps, "unpaired UTF-16 surrogate in %s", what);
                goto fail;
            } else if (!c) {
                fail(ps, "\\u0000 in %s", what);
                goto fail;
            }
            n += put_utf8(s + n, c);
            continue;
        default:
            ps->p--;
            fail(ps, "bad escape '\\%c' in %s", c >= 0x20 && c < 0x7F ? (int)c : '?', what);
            goto fail;
        }
        s[n++] = c;
    }
    ps->p = q + 1;
    if (n > max) {
        fail(ps, "%s is longer than %zu bytes", what, max);
        goto fail;
    }
    s[n] = 0;
    *out = s;
    return 0;
fail:
    av_free(s);
    return AVERROR_INVALIDDATA;
}

/* a non-negative JSON integer that fits int64_t */
static int parse_uint(Parser *ps, int64_t *out, const char *what)
{
    const uint8_t *p0;
    int64_t v = 0;

    skip_ws(ps);
    p0 = ps->p;
    if (ps->p < ps->end && *ps->p == '-')
        return fail(ps, "negative number in %s", what);
    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') {
        int d = *ps->p - '0';
        if (v > (INT64_MAX - d) / 10)
            return fail(ps, "number too large in %s", what);
        v = v * 10 + d;
        ps->p++;
    }
    if (ps->p == p0)
        return fail(ps, "expected an integer in %s", what);
    if (*p0 == '0' && ps->p - p0 > 1)
        return fail(ps, "number with a leading zero in %s", what);
    if (ps->p < ps->end && (*ps->p == '.' || *ps->p == 'e' || *ps->p == 'E'))
        return fail(ps, "non-integer number in %s", what);
    *out = v;
    return 0;
}

/* [u, u, ...] with at most max elements into v, the count into *n */
static int parse_uint_array(Parser *ps, int64_t *v, int max, int *n, const char *what)
{
    int ret;

    *n = 0;
    if (peek(ps) != '[')
        return fail(ps, "expected an array for %s", what);
    ps->p++;
    if (peek(ps) == ']') {
        ps->p++;
        return 0;
    }
    do {
        if (*n >= max)
            return fail(ps, "%s has more than %d elements", what, max);
        if ((ret = parse_uint(ps, &v[*n], what)) < 0)
            return ret;
        (*n)++;
    } while ((ret = next_or_close(ps, ']', what)) > 0);
    return ret;
}

const char *ff_safetensors_dtype_name(enum DiffDType dtype)
{
    switch (dtype) {
    case DIFF_DTYPE_F32:  return "F32";
    case DIFF_DTYPE_F16:  return "F16";
    case DIFF_DTYPE_BF16: return "BF16";
    }
    return "?";
}

int ff_safetensors_dtype_size(enum DiffDType dtype)
{
    return dtype == DIFF_DTYPE_F32 ? 4 : 2;
}

static int dtype_from_name(const char *s, enum DiffDType *dtype)
{
    static const enum DiffDType all[] = { DIFF_DTYPE_F32, DIFF_DTYPE_F16, DIFF_DTYPE_BF16 };

    for (int i = 0; i < FF_ARRAY_ELEMS(all); i++) {
        if (!strcmp(s, ff_safetensors_dtype_name(all[i]))) {
            *dtype = all[i];
            return 0;
        }
    }
    return AVERROR_INVALIDDATA;
}

static void shape_str(char *buf, size_t size, int ndim, const int64_t *shape)
{
    av_strlcpy(buf, "[", size);
    for (int i = 0; i < ndim; i++)
        av_strlcatf(buf, size, "%s%"PRId64, i ? ", " : "", shape[i]);
    av_strlcat(buf, "]", size);
}

/* the value of one tensor entry; t->name is set */
static int parse_tensor(Parser *ps, SafetensorsTensor *t, Span *span, size_t data_size)
{
    int have_dtype = 0, have_shape = 0, have_offsets = 0, nb_offsets = 0, esize, ret;
    int64_t off[2] = { 0, 0 };
    char shape[DIFF_MAX_DIMS * 22 + 4];

    if (peek(ps) != '{')
        return fail(ps, "tensor '%s' is not an object", t->name);
    ps->p++;
    do {
        char *key;
        if ((ret = parse_string(ps, &key, 64, "a tensor key")) < 0)
            return ret;
        if ((ret = expect(ps, ':', "after a tensor key")) < 0) {
            av_free(key);
            return ret;
        }
        if (!strcmp(key, "dtype") && !have_dtype) {
            char *v;
            have_dtype = 1;
            if ((ret = parse_string(ps, &v, 64, "a dtype")) >= 0) {
                if (dtype_from_name(v, &t->dtype) < 0) {
                    av_log(ps->log_ctx, AV_LOG_ERROR,
                           "Tensor '%s' has the unsupported dtype '%s' "
                           "(supported: F32, F16, BF16)\n", t->name, v);
                    ret = AVERROR_INVALIDDATA;
                }
                av_free(v);
            }
        } else if (!strcmp(key, "shape") && !have_shape) {
            have_shape = 1;
            ret = parse_uint_array(ps, t->shape, DIFF_MAX_DIMS, &t->ndim, "a shape");
        } else if (!strcmp(key, "data_offsets") && !have_offsets) {
            have_offsets = 1;
            ret = parse_uint_array(ps, off, 2, &nb_offsets, "data_offsets");
            if (ret >= 0 && nb_offsets != 2)
                ret = fail(ps, "data_offsets of tensor '%s' need two numbers", t->name);
        } else if (!strcmp(key, "dtype") || !strcmp(key, "shape") ||
                   !strcmp(key, "data_offsets")) {
            ret = fail(ps, "tensor '%s' has the key '%s' twice", t->name, key);
        } else {
            ret = fail(ps, "tensor '%s' has the unknown key '%s'", t->name, key);
        }
        av_free(key);
        if (ret < 0)
            return ret;
    } while ((ret = next_or_close(ps, '}', "in a tensor entry")) > 0);
    if (ret < 0)
        return ret;

    if (!have_dtype || !have_shape || !have_offsets) {
        av_log(ps->log_ctx, AV_LOG_ERROR, "Tensor '%s' has no %s\n", t->name,
               !have_dtype ? "dtype" : !have_shape ? "shape" : "data_offsets");
        return AVERROR_INVALIDDATA;
    }

    esize = ff_safetensors_dtype_size(t->dtype);
    shape_str(shape, sizeof(shape), t->ndim, t->shape);
    t->nb_elems = 1;
    for (int i = 0; i < t->ndim; i++) {
        if (t->shape[i] && t->nb_elems > INT64_MAX / esize / t->shape[i]) {
            av_log(ps->log_ctx, AV_LOG_ERROR, "Tensor '%s' of shape %s is too large\n",
                   t->name, shape);
            return AVERROR_INVALIDDATA;
        }
        t->nb_elems *= t->shape[i];
    }
    if (off[0] > off[1]) {
        av_log(ps->log_ctx, AV_LOG_ERROR,
               "Tensor '%s' has data_offsets [%"PRId64", %"PRId64"] that end before they begin\n",
               t->name, off[0], off[1]);
        return AVERROR_INVALIDDATA;
    }
    if ((uint64_t)off[1] > data_size) {
        av_log(ps->log_ctx, AV_LOG_ERROR,
               "Tensor '%s' has data_offsets [%"PRId64", %"PRId64"] past the end of "
               "the %zu-byte data section\n", t->name, off[0], off[1], data_size);
        return AVERROR_INVALIDDATA;
    }
    if (off[1] - off[0] != t->nb_elems * esize) {
        av_log(ps->log_ctx, AV_LOG_ERROR,
               "Tensor '%s' of shape %s and dtype %s needs %"PRId64" bytes, but its "
               "data_offsets [%"PRId64", %"PRId64"] hold %"PRId64"\n",
               t->name, shape, ff_safetensors_dtype_name(t->dtype), t->nb_elems * esize,
               off[0], off[1], off[1] - off[0]);
        return AVERROR_INVALIDDATA;
    }
    t->nbytes   = off[1] - off[0];
    span->begin = off[0];
    span->end   = off[1];
    return 0;
}

static int parse_metadata(Parser *ps, AVDictionary **md)
{
    int nb = 0, ret;

    if (peek(ps) != '{')
        return fail(ps, "__metadata__ is not an object");
    ps->p++;
    if (peek(ps) == '}') {
        ps->p++;
        return 0;
    }
    do {
        char *k, *v;
        if (++nb > MAX_META_ENTRIES)
            return fail(ps, "__metadata__ has more than %d entries", MAX_META_ENTRIES);
        if ((ret = parse_string(ps, &k, MAX_NAME, "a metadata key")) < 0)
            return ret;
        if ((ret = expect(ps, ':', "after a metadata key")) < 0) {
            av_free(k);
            return ret;
        }
        if (peek(ps) != '"') {
            ret = fail(ps, "metadata value of '%s' is not a string", k);
            av_free(k);
            return ret;
        }
        if ((ret = parse_string(ps, &v, MAX_HEADER, "a metadata value")) < 0) {
            av_free(k);
            return ret;
        }
        if (av_dict_get(*md, k, NULL, AV_DICT_MATCH_CASE)) {
            ret = fail(ps, "metadata key '%s' appears twice", k);
            av_free(k);
            av_free(v);
            return ret;
        }
        /* frees k and v on failure */
        ret = av_dict_set(md, k, v, AV_DICT_DONT_STRDUP_KEY | AV_DICT_DONT_STRDUP_VAL |
                                    AV_DICT_MATCH_CASE);
        if (ret < 0)
            return ret;
    } while ((ret = next_or_close(ps, '}', "in __metadata__")) > 0);
    return ret;
}

static int cmp_span(const void *a, const void *b)
{
    const Span *x = a, *y = b;

    if (x->begin != y->begin)
        return x->begin < y->begin ? -1 : 1;
    return (x->end > y->end) - (x->end < y->end);
}

static int cmp_tensor_name(const void *a, const void *b)
{
    const SafetensorsTensor *x = *(const SafetensorsTensor * const *)a;
    const SafetensorsTensor *y = *(const SafetensorsTensor * const *)b;

    return strcmp(x->name, y->name);
}

/* no duplicate names, and the tensors tile the data section exactly */
static int check_layout(SafetensorsFile *f, Span *spans, size_t data_size, void *log_ctx)
{
    int64_t pos = 0;

    f->by_name = av_malloc_array(FFMAX(f->nb_tensors, 1), sizeof(*f->by_name));
    if (!f->by_name)
        return AVERROR(ENOMEM);
    for (int i = 0; i < f->nb_tensors; i++)
        f->by_name[i] = &f->tensors[i];
    qsort(f->by_name, f->nb_tensors, sizeof(*f->by_name), cmp_tensor_name);
    for (int i = 1; i < f->nb_tensors; i++) {
        if (!strcmp(f->by_name[i - 1]->name, f->by_name[i]->name)) {
            av_log(log_ctx, AV_LOG_ERROR, "Tensor '%s' appears twice in the safetensors header\n",
                   f->by_name[i]->name);
            return AVERROR_INVALIDDATA;
        }
    }

    if (f->nb_tensors)  /* spans is NULL without tensors */
        qsort(spans, f->nb_tensors, sizeof(*spans), cmp_span);
    for (int i = 0; i < f->nb_tensors; i++) {
        const Span *s = &spans[i];
        if (s->begin < pos) {
            const Span *p = &spans[i - 1];
            av_log(log_ctx, AV_LOG_ERROR,
                   "Tensors '%s' [%"PRId64", %"PRId64"] and '%s' [%"PRId64", %"PRId64"] overlap\n",
                   f->tensors[p->idx].name, p->begin, p->end,
                   f->tensors[s->idx].name, s->begin, s->end);
            return AVERROR_INVALIDDATA;
        }
        if (s->begin > pos) {
            av_log(log_ctx, AV_LOG_ERROR,
                   "Bytes [%"PRId64", %"PRId64") of the data section, before tensor '%s', "
                   "belong to no tensor\n", pos, s->begin, f->tensors[s->idx].name);
            return AVERROR_INVALIDDATA;
        }
        pos = s->end;
    }
    if ((uint64_t)pos != data_size) {
        av_log(log_ctx, AV_LOG_ERROR,
               "The last %"PRIu64" bytes of the data section belong to no tensor\n",
               (uint64_t)(data_size - pos));
        return AVERROR_INVALIDDATA;
    }
    return 0;
}

/* f->buf and f->size are set */
static int parse_file(SafetensorsFile *f, void *log_ctx)
{
    Parser ps = { 0 };
    Span *spans = NULL;
    uint64_t n = 0;
    size_t data_size;
    const uint8_t *data;
    int have_meta = 0, cap = 0, ret;

    if (f->size < 8) {
        av_log(log_ctx, AV_LOG_ERROR, "A safetensors file of %zu bytes is too short "
               "for its 8-byte header length\n", f->size);
        return AVERROR_INVALIDDATA;
    }
    for (int i = 7; i >= 0; i--)
        n = n << 8 | f->buf[i];
    if (n > f->size - 8 || n > MAX_HEADER || n < 2) {
        av_log(log_ctx, AV_LOG_ERROR, "Safetensors header length %"PRIu64" is %s\n", n,
               n > f->size - 8 ? "larger than the file" :
               n > MAX_HEADER  ? "larger than 100 MiB" : "too short for a JSON object");
        return AVERROR_INVALIDDATA;
    }
    ps.start   = ps.p = f->buf + 8;
    ps.end     = ps.start + n;
    ps.log_ctx = log_ctx;
    data       = ps.end;
    data_size  = f->size - 8 - n;

    if (peek(&ps) != '{')
        return fail(&ps, "the header is not a JSON object");
    ps.p++;
    if (peek(&ps) == '}') {
        ps.p++;
    } else {
        do {
            SafetensorsTensor *t;
            char *key;

            if ((ret = parse_string(&ps, &key, MAX_NAME, "a tensor name")) < 0)
                goto end;
            if ((ret = expect(&ps, ':', "after a tensor name")) < 0) {
                av_free(key);
                goto end;
            }
            if (!strcmp(key, "__metadata__")) {
                av_free(key);
                if (have_meta) {
                    ret = fail(&ps, "__metadata__ appears twice");
                    goto end;
                }
                have_meta = 1;
                if ((ret = parse_metadata(&ps, &f->metadata)) < 0)
                    goto end;
                continue;
            }
            if (f->nb_tensors >= MAX_TENSORS) {
                av_free(key);
                ret = fail(&ps, "more than %d tensors", MAX_TENSORS);
                goto end;
            }
            if (f->nb_tensors == cap) {
                int nc = cap ? 2 * cap : 64;
                void *tmp = av_realloc_array(f->tensors, nc, sizeof(*f->tensors));
                if (tmp)
                    f->tensors = tmp;
                tmp = tmp ? av_realloc_array(spans, nc, sizeof(*spans)) : NULL;
                if (!tmp) {
                    av_free(key);
                    ret = AVERROR(ENOMEM);
                    goto end;
                }
                spans = tmp;
                cap   = nc;
            }
            t = &f->tensors[f->nb_tensors];
            memset(t, 0, sizeof(*t));
            t->name = key;
            f->nb_tensors++;    /* owns the name from here on */
            spans[f->nb_tensors - 1].idx = f->nb_tensors - 1;
            if ((ret = parse_tensor(&ps, t, &spans[f->nb_tensors - 1], data_size)) < 0)
                goto end;
        } while ((ret = next_or_close(&ps, '}', "in the header object")) > 0);
        if (ret < 0)
            goto end;
    }
    skip_ws(&ps);
    if (ps.p != ps.end) {
        ret = fail(&ps, "trailing bytes after the header object");
        goto end;
    }

    if ((ret = check_layout(f, spans, data_size, log_ctx)) < 0)
        goto end;
    for (int i = 0; i < f->nb_tensors; i++)
        f->tensors[spans[i].idx].data = data + spans[i].begin;
    ret = 0;
end:
    av_free(spans);
    return ret;
}

int ff_safetensors_parse(SafetensorsFile **pf, const uint8_t *buf, size_t size, void *log_ctx)
{
    SafetensorsFile *f;
    int ret;

    *pf = NULL;
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
    if ((ret = parse_file(f, log_ctx)) < 0) {
        ff_safetensors_free(&f);
        return ret;
    }
    *pf = f;
    return 0;
}

int ff_safetensors_open(SafetensorsFile **pf, const char *path, void *log_ctx)
{
    SafetensorsFile *f;
    int ret;

    *pf = NULL;
    f = av_mallocz(sizeof(*f));
    if (!f)
        return AVERROR(ENOMEM);
    /* a private copy-on-write mapping, only read here */
    ret = av_file_map(path, &f->buf, &f->size, 0, log_ctx);
    if (ret < 0) {
        av_log(log_ctx, AV_LOG_ERROR, "Cannot map the safetensors file '%s': %s\n",
               path, av_err2str(ret));
        av_free(f);
        return ret;
    }
    f->mapped = 1;
    if ((ret = parse_file(f, log_ctx)) < 0) {
        av_log(log_ctx, AV_LOG_ERROR, "'%s' is not a valid safetensors file\n", path);
        ff_safetensors_free(&f);
        return ret;
    }
    *pf = f;
    return 0;
}

void ff_safetensors_free(SafetensorsFile **pf)
{
    SafetensorsFile *f = *pf;

    if (!f)
        return;
    for (int i = 0; i < f->nb_tensors; i++)
        av_freep(&f->tensors[i].name);
    av_freep(&f->tensors);
    av_freep(&f->by_name);
    av_dict_free(&f->metadata);
    if (f->mapped)
        av_file_unmap(f->buf, f->size);
    else
        av_free(f->buf);
    av_freep(pf);
}

static int cmp_name_key(const void *key, const void *elem)
{
    return strcmp(key, (*(const SafetensorsTensor * const *)elem)->name);
}

const SafetensorsTensor *ff_safetensors_find(const SafetensorsFile *f, const char *name)
{
    SafetensorsTensor **t;

    if (!f->nb_tensors)
        return NULL;
    t = bsearch(name, f->by_name, f->nb_tensors, sizeof(*f->by_name), cmp_name_key);
    return t ? *t : NULL;
}

int ff_safetensors_get(const SafetensorsFile *f, const char *name, int ndim,
                       const int64_t *shape, const SafetensorsTensor **out, void *log_ctx)
{
    const SafetensorsTensor *t = ff_safetensors_find(f, name);
    char want[DIFF_MAX_DIMS * 22 + 4], have[DIFF_MAX_DIMS * 22 + 4];

    *out = NULL;
    if (!t) {
        av_log(log_ctx, AV_LOG_ERROR, "The model has no tensor '%s'\n", name);
        return AVERROR_INVALIDDATA;
    }
    if (t->ndim != ndim || memcmp(t->shape, shape, ndim * sizeof(*shape))) {
        shape_str(want, sizeof(want), av_clip(ndim, 0, DIFF_MAX_DIMS), shape);
        shape_str(have, sizeof(have), t->ndim, t->shape);
        av_log(log_ctx, AV_LOG_ERROR, "Tensor '%s' has the shape %s, expected %s\n",
               name, have, want);
        return AVERROR_INVALIDDATA;
    }
    *out = t;
    return 0;
}

static float f16_to_f32(unsigned h)
{
    uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1F, man = h & 0x3FF, u;
    float v;

    if (exp == 0x1F) {              /* inf, nan (payload kept) */
        u = sign | 0x7F800000 | man << 13;
    } else if (exp) {               /* normal: rebias 15 -> 127 */
        u = sign | (exp + 112) << 23 | man << 13;
    } else {                        /* zero, subnormal: man * 2^-24 is exact */
        v = man * (1.0f / 16777216.0f);
        return sign ? -v : v;
    }
    memcpy(&v, &u, sizeof(v));
    return v;
}

int ff_safetensors_to_f32(const SafetensorsTensor *t, float *dst)
{
    const uint8_t *p = t->data;
    int64_t n = t->nb_elems;
    uint32_t u;

    if (n < 0 || (n && (!p || (uint64_t)n * ff_safetensors_dtype_size(t->dtype) > t->nbytes)))
        return AVERROR(EINVAL);
    /* byte reads: the data is little-endian and may be unaligned */
    switch (t->dtype) {
    case DIFF_DTYPE_F32:
        for (int64_t i = 0; i < n; i++, p += 4) {
            u = p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
            memcpy(&dst[i], &u, sizeof(u));
        }
        break;
    case DIFF_DTYPE_F16:
        for (int64_t i = 0; i < n; i++, p += 2)
            dst[i] = f16_to_f32(p[0] | p[1] << 8);
        break;
    case DIFF_DTYPE_BF16:
        for (int64_t i = 0; i < n; i++, p += 2) {
            u = (uint32_t)(p[0] | p[1] << 8) << 16;
            memcpy(&dst[i], &u, sizeof(u));
        }
        break;
    default:
        return AVERROR(EINVAL);
    }
    return 0;
}

const char *ff_safetensors_meta_str(const SafetensorsFile *f, const char *key)
{
    const AVDictionaryEntry *e = av_dict_get(f->metadata, key, NULL, AV_DICT_MATCH_CASE);

    return e ? e->value : NULL;
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

int ff_safetensors_meta_int(const SafetensorsFile *f, const char *key, int64_t min,
                            int64_t max, int64_t *out, void *log_ctx)
{
    const char *s = ff_safetensors_meta_str(f, key), *p;
    char *end;
    long long v;

    if (!s) {
        av_log(log_ctx, AV_LOG_ERROR, "The model metadata has no '%s'\n", key);
        return AVERROR_INVALIDDATA;
    }
    p = s + (*s == '-');
    if (!is_digit(*p))
        goto bad;
    while (is_digit(*p))
        p++;
    if (*p)
        goto bad;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end || v < min || v > max)
        goto bad;
    *out = v;
    return 0;
bad:
    av_log(log_ctx, AV_LOG_ERROR, "Model metadata %s='%s' is not an integer in "
           "[%"PRId64", %"PRId64"]\n", key, s, min, max);
    return AVERROR_INVALIDDATA;
}

int ff_safetensors_meta_float(const SafetensorsFile *f, const char *key, double min,
                              double max, double *out, void *log_ctx)
{
    const char *s = ff_safetensors_meta_str(f, key), *p;
    char *end;
    double v;

    if (!s) {
        av_log(log_ctx, AV_LOG_ERROR, "The model metadata has no '%s'\n", key);
        return AVERROR_INVALIDDATA;
    }
    /* -?d+(.d+)?([eE][+-]?d+)?, checked here: strtod also takes hex, inf, nan */
    p = s + (*s == '-');
    if (!is_digit(*p))
        goto bad;
    while (is_digit(*p))
        p++;
    if (*p == '.') {
        if (!is_digit(*++p))
            goto bad;
        while (is_digit(*p))
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p += p[1] == '+' || p[1] == '-';
        if (!is_digit(*++p))
            goto bad;
        while (is_digit(*p))
            p++;
    }
    if (*p)
        goto bad;
    v = strtod(s, &end);
    /* a locale with another decimal point stops early: an error, not a wrong value */
    if (*end || !isfinite(v) || v < min || v > max)
        goto bad;
    *out = v;
    return 0;
bad:
    av_log(log_ctx, AV_LOG_ERROR, "Model metadata %s='%s' is not a number in [%g, %g]\n",
           key, s, min, max);
    return AVERROR_INVALIDDATA;
}
