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

/**
 * @file
 * Reader of safetensors weight files.
 *
 * Layout: an 8-byte little-endian header length N, N bytes of JSON, then
 * the data section.  The JSON is one object mapping each tensor name to
 * {"dtype": "F32"|"F16"|"BF16", "shape": [d0, ...], "data_offsets": [b, e]}
 * (offsets relative to the data section), plus an optional "__metadata__"
 * object of string values.  Everything is validated when the file is opened:
 * the tensors must tile the data section exactly (no overlap, no hole, no
 * trailing bytes) and each tensor's byte size must match its shape and dtype.
 * A file that fails any check is rejected with an error message and
 * AVERROR_INVALIDDATA; the reader never reads outside the buffer.
 *
 * Tensor data may be unaligned and is stored little-endian: read it only
 * through ff_safetensors_to_f32().
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
    uint8_t *buf;               /* the whole file */
    size_t size;
    int mapped;                 /* buf comes from av_file_map() */
    SafetensorsTensor *tensors; /* in header order */
    int nb_tensors;
    SafetensorsTensor **by_name; /* the tensors sorted by name */
    AVDictionary *metadata;     /* __metadata__, string -> string */
} SafetensorsFile;

/**
 * Map and validate a file.  On failure *pf is NULL and an error is logged.
 */
int ff_safetensors_open(SafetensorsFile **pf, const char *path, void *log_ctx);

/**
 * Validate a file image held in memory; buf is copied.
 */
int ff_safetensors_parse(SafetensorsFile **pf, const uint8_t *buf, size_t size,
                         void *log_ctx);

void ff_safetensors_free(SafetensorsFile **pf);

/**
 * @return the tensor called name, or NULL
 */
const SafetensorsTensor *ff_safetensors_find(const SafetensorsFile *f, const char *name);

/**
 * Find a tensor and check that its shape is exactly shape[0..ndim-1].
 * Logs an error naming the tensor (and both shapes on a mismatch).
 */
int ff_safetensors_get(const SafetensorsFile *f, const char *name, int ndim,
                       const int64_t *shape, const SafetensorsTensor **out,
                       void *log_ctx);

/**
 * Convert a tensor to native f32: exact for F16 (subnormals, infinities and
 * NaNs included) and BF16.  dst holds t->nb_elems floats.
 */
int ff_safetensors_to_f32(const SafetensorsTensor *t, float *dst);

/**
 * @return "F32", "F16" or "BF16"
 */
const char *ff_safetensors_dtype_name(enum DiffDType dtype);

/**
 * @return the size in bytes of one element
 */
int ff_safetensors_dtype_size(enum DiffDType dtype);

/**
 * @return the metadata value of key (case-sensitive), or NULL
 */
const char *ff_safetensors_meta_str(const SafetensorsFile *f, const char *key);

/**
 * Read a decimal integer metadata value within [min, max]; a missing key,
 * bad syntax or a value out of range is logged and is AVERROR_INVALIDDATA.
 */
int ff_safetensors_meta_int(const SafetensorsFile *f, const char *key, int64_t min,
                            int64_t max, int64_t *out, void *log_ctx);

/**
 * Read a finite decimal number ("0.5", "-1e-3") metadata value within
 * [min, max]; errors as for ff_safetensors_meta_int().
 */
int ff_safetensors_meta_float(const SafetensorsFile *f, const char *key, double min,
                              double max, double *out, void *log_ctx);

#endif /* AVFILTER_DIFFUSION_SAFETENSORS_H */
