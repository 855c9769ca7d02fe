/*
 * Text encoder: caption tokens to cross-attention context
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

#include <math.h>
#include <string.h>

#include "libavutil/error.h"
#include "libavutil/log.h"
#include "libavutil/macros.h"
#include "libavutil/mem.h"

#include "norm.h"
#include "text_encoder.h"

/* out[len][D] = multi-head softmax(q k^T / sqrt(hd)) v over qkv[len][3D] */
static void self_attention(const float *qkv, float *out, int len, int D, int heads,
                           float *p)
{
    const int hd = D / heads;
    const float scale = 1.0f / sqrtf(hd);

    for (int h = 0; h < heads; h++) {
        for (int i = 0; i < len; i++) {
            const float *q = qkv + i * 3 * D + h * hd;
            float mx = -INFINITY, sum = 0.0f;
            for (int j = 0; j < len; j++) {
                const float *k = qkv + j * 3 * D + D + h * hd;
                float s = 0.0f;
                for (int c = 0; c < hd; c++)
                    s += q[c] * k[c];
                p[j] = s * scale;
                mx = FFMAX(mx, p[j]);
            }
            for (int j = 0; j < len; j++) {
                p[j] = expf(p[j] - mx);
                sum += p[j];
            }
            for (int c = 0; c < hd; c++) {
                float acc = 0.0f;
                for (int j = 0; j < len; j++)
                    acc += p[j] * qkv[j * 3 * D + 2 * D + h * hd + c];
                out[i * D + h * hd + c] = acc / sum;
            }
        }
    }
}

int ff_diff_text_encode(const DiffModel *m, const int *tokens, int len, float *out,
                        void *log_ctx)
{
    const int D = m->cfg.dim;
    float *x, *y, *qkv, *hid, *p;
    int ret = 0;

    if (len < 1 || len > m->cfg.max_tokens) {
        av_log(log_ctx, AV_LOG_ERROR, "caption of %d tokens (1..%d allowed)\n",
               len, m->cfg.max_tokens);
        return AVERROR(EINVAL);
    }
    x   = av_malloc_array(len, D * sizeof(float));
    y   = av_malloc_array(len, D * sizeof(float));
    qkv = av_malloc_array(len, 3 * D * sizeof(float));
    hid = av_malloc_array(len, 4 * D * sizeof(float));
    p   = av_malloc_array(len, sizeof(float));
    if (!x || !y || !qkv || !hid || !p) {
        ret = AVERROR(ENOMEM);
        goto end;
    }
    for (int i = 0; i < len; i++) {
        if (tokens[i] < 0 || tokens[i] >= m->vocab_size) {
            av_log(log_ctx, AV_LOG_ERROR, "token id %d out of range\n", tokens[i]);
            ret = AVERROR(EINVAL);
            goto end;
        }
        for (int c = 0; c < D; c++)
            x[i * D + c] = m->tok_emb[tokens[i] * D + c] + m->text_pos[i * D + c];
    }
    for (int l = 0; l < m->cfg.text_layers; l++) {
        const DiffTextLayerParams *tl = &m->text_layers[l];

        ff_diff_layer_norm(x, y, 0, len, D, tl->ln1_w, tl->ln1_b, 1e-5f);
        ff_diff_linear_ref(&tl->qkv, len, y, qkv, DIFF_ACT_NONE);
        self_attention(qkv, y, len, D, m->cfg.text_heads, p);
        ff_diff_linear_ref(&tl->out, len, y, hid, DIFF_ACT_NONE);
        ff_diff_add_gated(x, hid, NULL, len, D);

        ff_diff_layer_norm(x, y, 0, len, D, tl->ln2_w, tl->ln2_b, 1e-5f);
        ff_diff_linear_ref(&tl->fc1, len, y, hid, DIFF_ACT_GELU_TANH);
        ff_diff_linear_ref(&tl->fc2, len, hid, y, DIFF_ACT_NONE);
        ff_diff_add_gated(x, y, NULL, len, D);
    }
    ff_diff_layer_norm(x, out, 0, len, D, m->ln_f_w, m->ln_f_b, 1e-5f);
end:
    av_free(x);
    av_free(y);
    av_free(qkv);
    av_free(hid);
    av_free(p);
    return ret;
}
