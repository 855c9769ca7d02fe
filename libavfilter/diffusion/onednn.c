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

#include <omp.h>
#include <string.h>

#include "libavutil/error.h"
#include "libavutil/log.h"
#include "libavutil/macros.h"
#include "libavutil/mem.h"

#include "onednn.h"

int ff_diff_dnn_error(void *log_ctx, dnnl_status_t st, const char *what)
{
    const char *why;
    switch (st) {
    case dnnl_out_of_memory:   why = "out of memory";                 break;
    case dnnl_invalid_arguments: why = "invalid arguments";           break;
    case dnnl_unimplemented:   why = "no implementation for these shapes"; break;
    case dnnl_runtime_error:   why = "runtime error";                 break;
    default:                   why = "error";                         break;
    }
    av_log(log_ctx, AV_LOG_ERROR, "oneDNN: %s: %s (status %d)\n", what, why, (int)st);
    return st == dnnl_out_of_memory ? AVERROR(ENOMEM) :
           st == dnnl_unimplemented ? AVERROR(ENOSYS) : AVERROR_EXTERNAL;
}

#define CHECK(call, what) do {                                   \
        dnnl_status_t st_ = (call);                              \
        if (st_ != dnnl_success)                                 \
            return ff_diff_dnn_error(d->log_ctx, st_, what);     \
    } while (0)

void ff_diff_dnn_set_threads(const DiffDnn *d)
{
    if (d->threads > 0)
        omp_set_num_threads(d->threads);
}

int ff_diff_dnn_init(DiffDnn *d, int threads, void *log_ctx)
{
    memset(d, 0, sizeof(*d));
    d->log_ctx = log_ctx;
    d->threads = threads;
    ff_diff_dnn_set_threads(d);
    CHECK(dnnl_engine_create(&d->engine, dnnl_cpu, 0), "creating the CPU engine");
    CHECK(dnnl_stream_create(&d->stream, d->engine, dnnl_stream_default_flags),
          "creating a stream");
    return 0;
}

void ff_diff_dnn_uninit(DiffDnn *d)
{
    if (d->stream)
        dnnl_stream_destroy(d->stream);
    if (d->engine)
        dnnl_engine_destroy(d->engine);
    av_freep(&d->scratch);
    memset(d, 0, sizeof(*d));
}

int ff_diff_md(dnnl_memory_desc_t *md, int ndims, const int64_t *dims,
               dnnl_data_type_t dt, const int64_t *strides)
{
    dnnl_dims_t dd, ss;
    dnnl_status_t st;

    for (int i = 0; i < ndims; i++)
        dd[i] = dims[i];
    if (strides) {
        for (int i = 0; i < ndims; i++)
            ss[i] = strides[i];
    } else {
        int64_t s = 1;
        for (int i = ndims - 1; i >= 0; i--) {
            ss[i] = s;
            s    *= dims[i];
        }
    }
    st = dnnl_memory_desc_init_by_strides(md, ndims, dd, dt, ss);
    if (st != dnnl_success)
        return ff_diff_dnn_error(NULL, st, "memory descriptor");
    return 0;
}

int ff_diff_op_create(DiffDnn *d, DiffOp *op, const_dnnl_op_desc_t desc,
                      dnnl_primitive_attr_t attr, dnnl_primitive_desc_t *pd_out,
                      const char *what)
{
    dnnl_primitive_desc_t pd = NULL;
    const dnnl_memory_desc_t *smd;
    dnnl_status_t st;
    size_t sz;
    int own_attr = !attr;

    if (own_attr)
        CHECK(dnnl_primitive_attr_create(&attr), what);
    st = dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user);
    if (st == dnnl_success)
        st = dnnl_primitive_desc_create(&pd, desc, attr, d->engine, NULL);
    if (own_attr)
        dnnl_primitive_attr_destroy(attr);
    if (st != dnnl_success)
        return ff_diff_dnn_error(d->log_ctx, st, what);

    st = dnnl_primitive_create(&op->prim, pd);
    if (st != dnnl_success) {
        dnnl_primitive_desc_destroy(pd);
        return ff_diff_dnn_error(d->log_ctx, st, what);
    }
    dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &op->impl);
    if (op->impl && !strncmp(op->impl, "ref", 3))
        av_log(d->log_ctx, AV_LOG_WARNING,
               "oneDNN picked the slow reference implementation '%s' for %s\n",
               op->impl, what);
    else
        av_log(d->log_ctx, AV_LOG_DEBUG, "%s: %s\n", what, op->impl ? op->impl : "?");

    smd = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    sz  = smd ? dnnl_memory_desc_get_size(smd) : 0;
    if (sz) {
        st = dnnl_memory_create(&op->scratch_mem, smd, d->engine, DNNL_MEMORY_NONE);
        if (st != dnnl_success) {
            dnnl_primitive_desc_destroy(pd);
            return ff_diff_dnn_error(d->log_ctx, st, what);
        }
        op->args[op->nargs].arg      = DNNL_ARG_SCRATCHPAD;
        op->args[op->nargs++].memory = op->scratch_mem;
        d->scratch_needed = FFMAX(d->scratch_needed, sz);
    }
    if (pd_out)
        *pd_out = pd;
    else
        dnnl_primitive_desc_destroy(pd);
    return 0;
}

int ff_diff_op_arg(DiffDnn *d, DiffOp *op, int arg, const dnnl_memory_desc_t *md,
                   void *ptr)
{
    dnnl_memory_t mem;

    if (op->nargs >= DIFF_OP_MAX_ARGS)
        return AVERROR_BUG;
    CHECK(dnnl_memory_create(&mem, md, d->engine, ptr), "binding a buffer");
    op->args[op->nargs].arg      = arg;
    op->args[op->nargs++].memory = mem;
    return 0;
}

int ff_diff_dnn_finalize(DiffDnn *d)
{
    if (d->scratch_needed <= d->scratch_size)
        return 0;
    av_freep(&d->scratch);
    d->scratch = av_malloc(d->scratch_needed);
    if (!d->scratch)
        return AVERROR(ENOMEM);
    d->scratch_size = d->scratch_needed;
    return 0;
}

int ff_diff_op_run(DiffDnn *d, DiffOp *op)
{
    if (op->scratch_mem)
        CHECK(dnnl_memory_set_data_handle(op->scratch_mem, d->scratch), "scratchpad");
    CHECK(dnnl_primitive_execute(op->prim, d->stream, op->nargs, op->args),
          "executing a primitive");
    CHECK(dnnl_stream_wait(d->stream), "waiting for the stream");
    return 0;
}

void ff_diff_op_free(DiffOp *op)
{
    for (int i = 0; i < op->nargs; i++)
        dnnl_memory_destroy(op->args[i].memory);
    if (op->prim)
        dnnl_primitive_destroy(op->prim);
    memset(op, 0, sizeof(*op));
}

int ff_diff_reorder_alloc(DiffDnn *d, const dnnl_memory_desc_t *src_md,
                          const void *src, const dnnl_memory_desc_t *dst_md,
                          void **dst)
{
    dnnl_primitive_desc_t pd;
    dnnl_primitive_t prim;
    dnnl_memory_t ms, md;
    dnnl_exec_arg_t args[2];
    dnnl_status_t st;
    size_t size = dnnl_memory_desc_get_size(dst_md);

    *dst = av_mallocz(FFMAX(size, 1));
    if (!*dst)
        return AVERROR(ENOMEM);
    CHECK(dnnl_reorder_primitive_desc_create(&pd, src_md, d->engine, dst_md,
                                             d->engine, NULL), "weight reorder");
    st = dnnl_primitive_create(&prim, pd);
    dnnl_primitive_desc_destroy(pd);
    if (st != dnnl_success)
        return ff_diff_dnn_error(d->log_ctx, st, "weight reorder");
    dnnl_memory_create(&ms, src_md, d->engine, (void *)src);
    dnnl_memory_create(&md, dst_md, d->engine, *dst);
    args[0].arg = DNNL_ARG_FROM; args[0].memory = ms;
    args[1].arg = DNNL_ARG_TO;   args[1].memory = md;
    st = dnnl_primitive_execute(prim, d->stream, 2, args);
    if (st == dnnl_success)
        st = dnnl_stream_wait(d->stream);
    dnnl_memory_destroy(ms);
    dnnl_memory_destroy(md);
    dnnl_primitive_destroy(prim);
    if (st != dnnl_success)
        return ff_diff_dnn_error(d->log_ctx, st, "weight reorder");
    return 0;
}

int ff_diff_weighted_op_create(DiffDnn *d, DiffOp *op, void **wpack,
                               const_dnnl_op_desc_t desc, dnnl_alg_kind_t act, float alpha,
                               const dnnl_memory_desc_t *wuser_md, const float *w,
                               const dnnl_memory_desc_t *src_md, void *src,
                               const dnnl_memory_desc_t *bias_md, const float *bias,
                               const dnnl_memory_desc_t *dst_md, void *dst, const char *what)
{
    dnnl_primitive_attr_t attr = NULL;
    dnnl_primitive_desc_t pd   = NULL;
    dnnl_post_ops_t po = NULL;
    const dnnl_memory_desc_t *wmd;
    int ret;

    if (dnnl_primitive_attr_create(&attr) != dnnl_success)
        return AVERROR(ENOMEM);
    if (act != dnnl_alg_kind_undef &&
        (dnnl_post_ops_create(&po) != dnnl_success ||
         dnnl_post_ops_append_eltwise(po, 1.0f, act, alpha, 0.0f) != dnnl_success ||
         dnnl_primitive_attr_set_post_ops(attr, po) != dnnl_success)) {
        ret = AVERROR_EXTERNAL;
        goto end;
    }
    if ((ret = ff_diff_op_create(d, op, desc, attr, &pd, what)) < 0)
        goto end;
    wmd = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    if ((ret = ff_diff_reorder_alloc(d, wuser_md, w, wmd, wpack)) < 0 ||
        (ret = ff_diff_op_arg(d, op, DNNL_ARG_SRC, src_md, src)) < 0 ||
        (ret = ff_diff_op_arg(d, op, DNNL_ARG_WEIGHTS, wmd, *wpack)) < 0 ||
        (ret = ff_diff_op_arg(d, op, DNNL_ARG_BIAS, bias_md, (void *)bias)) < 0 ||
        (ret = ff_diff_op_arg(d, op, DNNL_ARG_DST, dst_md, dst)) < 0)
        goto end;
end:
    if (pd)
        dnnl_primitive_desc_destroy(pd);
    if (po)
        dnnl_post_ops_destroy(po);
    dnnl_primitive_attr_destroy(attr);
    return ret;
}
