/*
 * oneDNN execution context and primitives for the diffusion engine
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

#ifndef AVFILTER_DIFFUSION_ONEDNN_H
#define AVFILTER_DIFFUSION_ONEDNN_H

#include <stddef.h>
#include <stdint.h>

#include <oneapi/dnnl/dnnl.h>

#define DIFF_OP_MAX_ARGS 8

/**
 * One execution context: engine, stream, thread count and the user-managed
 * scratchpad shared by every primitive executed from this context (one
 * primitive executed from two threads with the library scratchpad was
 * measured to give wrong results, see DESIGN.md).
 */
typedef struct DiffDnn {
    void *log_ctx;
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    int threads;
    uint8_t *scratch;
    size_t scratch_size;
    size_t scratch_needed;
} DiffDnn;

/**
 * A primitive bound to its memory objects: executing it is a single call.
 * Buffers are planned at init and never move, so the binding is static.
 */
typedef struct DiffOp {
    dnnl_primitive_t prim;
    int nargs;
    dnnl_exec_arg_t args[DIFF_OP_MAX_ARGS];
    dnnl_memory_t scratch_mem;
    const char *impl;
} DiffOp;

int  ff_diff_dnn_init(DiffDnn *d, int threads, void *log_ctx);
void ff_diff_dnn_uninit(DiffDnn *d);

/** Turn a dnnl status into an AVERROR, logging what failed. */
int  ff_diff_dnn_error(void *log_ctx, dnnl_status_t st, const char *what);

/** Select the OpenMP thread count of the calling thread. */
void ff_diff_dnn_set_threads(const DiffDnn *d);

/** Plain memory descriptor; strides == NULL means dense row-major. */
int  ff_diff_md(dnnl_memory_desc_t *md, int ndims, const int64_t *dims,
                dnnl_data_type_t dt, const int64_t *strides);

/**
 * Create the primitive of op_desc with a user scratchpad, record the
 * scratchpad size in d, and return its primitive descriptor (caller frees).
 */
int  ff_diff_op_create(DiffDnn *d, DiffOp *op, const_dnnl_op_desc_t desc,
                       dnnl_primitive_attr_t attr, dnnl_primitive_desc_t *pd_out,
                       const char *what);
/** Bind a buffer to an argument of the op. */
int  ff_diff_op_arg(DiffDnn *d, DiffOp *op, int arg, const dnnl_memory_desc_t *md,
                    void *ptr);
/** Allocate the shared scratchpad once every op has been created. */
int  ff_diff_dnn_finalize(DiffDnn *d);
int  ff_diff_op_run(DiffDnn *d, DiffOp *op);
void ff_diff_op_free(DiffOp *op);

/**
 * A primitive with weights and a bias (matmul, convolution): create it from
 * desc (weights "any") with an optional element-wise post-op (act
 * dnnl_alg_kind_undef: none; alpha as oneDNN defines it for act), prepack
 * the user's weights w (layout wuser_md) once into the layout the primitive
 * chose (*wpack, caller frees), and bind src, weights, bias and dst.
 */
int  ff_diff_weighted_op_create(DiffDnn *d, DiffOp *op, void **wpack,
                                const_dnnl_op_desc_t desc, dnnl_alg_kind_t act, float alpha,
                                const dnnl_memory_desc_t *wuser_md, const float *w,
                                const dnnl_memory_desc_t *src_md, void *src,
                                const dnnl_memory_desc_t *bias_md, const float *bias,
                                const dnnl_memory_desc_t *dst_md, void *dst, const char *what);

/** Round a buffer size up to the 64 bytes the arenas align their parts to. */
static inline size_t ff_diff_align(size_t n)
{
    return (n + 63) & ~(size_t)63;
}

/**
 * Reorder src (user layout) into a newly allocated buffer of layout dst_md.
 * Used once at init to prepack weights.
 */
int  ff_diff_reorder_alloc(DiffDnn *d, const dnnl_memory_desc_t *src_md,
                           const void *src, const dnnl_memory_desc_t *dst_md,
                           void **dst);

#endif /* AVFILTER_DIFFUSION_ONEDNN_H */
