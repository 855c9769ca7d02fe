/*
 * libFuzzer target of the safetensors reader: tests/fuzz/run-fuzz.sh safetensors
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

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "libavutil/dict.h"
#include "libavutil/log.h"
#include "libavutil/mem.h"

#include "libavfilter/diffusion/safetensors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const AVDictionaryEntry *e = NULL;
    SafetensorsFile *f;

    av_log_set_level(AV_LOG_QUIET);
    if (ff_safetensors_parse(&f, data, size, NULL) < 0) {
        if (f)
            abort();    /* a failed parse must leave nothing behind */
        return 0;
    }
    for (int i = 0; i < f->nb_tensors; i++) {
        const SafetensorsTensor *t = &f->tensors[i], *g;
        float *v = av_malloc_array(t->nb_elems + 1, sizeof(*v));

        if (ff_safetensors_find(f, t->name) != t ||
            ff_safetensors_get(f, t->name, t->ndim, t->shape, &g, NULL) < 0 || g != t ||
            t->data < f->buf || t->nbytes > f->size || t->data + t->nbytes > f->buf + f->size)
            abort();
        if (v && ff_safetensors_to_f32(t, v) < 0)
            abort();
        av_free(v);
    }
    while ((e = av_dict_get(f->metadata, "", e, AV_DICT_IGNORE_SUFFIX))) {
        int64_t iv;
        double dv;
        if (ff_safetensors_meta_str(f, e->key) != e->value)
            abort();
        ff_safetensors_meta_int(f, e->key, INT64_MIN, INT64_MAX, &iv, NULL);
        ff_safetensors_meta_float(f, e->key, -1e308, 1e308, &dv, NULL);
    }
    ff_safetensors_free(&f);
    return 0;
}
