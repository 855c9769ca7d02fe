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

#ifndef AVFILTER_DIFFUSION_SAFETENSORS_H
#define AVFILTER_DIFFUSION_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "libavutil/dict.h"

enum DiffDType {
    DIFF_DTYPE_F32,
    DIFF_DTYPE_F16,
    DIFF_DTYPE_BF16,
};

#define DIFF_MAX_DIMS 8

typedef struct SafetensorsTensor {
    char *name;
    enum DiffDType dtype;
    int ndim;
    int64_t shape[DIFF_MAX_DIMS];
    int64_t nb_elems;
    const uint8_t *data;   /* points into the file buffer, may be unaligned */
    size_t nbytes;
} SafetensorsTensor;

typedef struct SafetensorsFile {
    uint8_t *buf;
    size_t size;
    SafetensorsTensor *tensors;
    int nb_tensors;
    AVDictionary *metadata;  /* __metadata__, string -> string */
} SafetensorsFile;

/** Read and validate a whole file. */
int  ff_safetensors_open(SafetensorsFile **pf, const char *path, void *log_ctx);
/** Validate a file held in memory (buf is copied). */
int  ff_safetensors_parse(SafetensorsFile **pf, const uint8_t *buf, size_t size, void *log_ctx);
void ff_safetensors_free(SafetensorsFile **pf);

const SafetensorsTensor *ff_safetensors_find(const SafetensorsFile *f, const char *name);
/** Find a tensor and check its exact shape; logs both shapes on mismatch. */
int  ff_safetensors_get(const SafetensorsFile *f, const char *name, int ndim,
                        const int64_t *shape, const SafetensorsTensor **out, void *log_ctx);
/** Convert any supported dtype to f32 (exact for f16 and bf16). */
int  ff_safetensors_to_f32(const SafetensorsTensor *t, float *dst);

const char *ff_safetensors_meta_str(const SafetensorsFile *f, const char *key);
int  ff_safetensors_meta_int(const SafetensorsFile *f, const char *key, int64_t min,
                             int64_t max, int64_t *out, void *log_ctx);

#endif /* AVFILTER_DIFFUSION_SAFETENSORS_H */
