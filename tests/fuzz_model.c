/*
 * libFuzzer target of the model loader: tests/fuzz/run-fuzz.sh model
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
 * The whole model loader (libavfilter/diffusion/model.c over safetensors.c):
 * metadata (hyperparameters, latent and refiner keys, gravity, vocabulary)
 * and every tensor the architecture names.  Run with
 *   tests/fuzz/run-fuzz.sh model 300
 * (which links model.c and safetensors.c).
 * The seeds (tests/fuzz/model/) are the smallest valid models of each kind,
 * written by models/train/make_fixtures.py --micro.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "libavutil/log.h"

#include "libavfilter/diffusion/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    DiffModel *m;
    const DiffModelConfig *c;

    av_log_set_level(AV_LOG_QUIET);
    if (ff_diff_model_parse(&m, data, size, "fuzz", NULL) < 0) {
        if (m)
            abort();    /* a failed load must leave nothing behind */
        return 0;
    }
    c = &m->cfg;
    /* what the engine relies on once a model is loaded */
    if (c->dim % c->heads || c->dim % c->text_heads || c->size % c->patch ||
        (c->channels != 3 && c->channels != DIFF_LATENT_CH) ||
        c->frame_size != c->size * (c->ae_c1 ? DIFF_AE_STRIDE : 1) ||
        m->vocab_size < 1 || !m->store || !m->store_size)
        abort();
    for (int i = 0; i < m->vocab_size; i++)
        if (!m->vocab[i])
            abort();
    ff_diff_model_free(&m);
    return 0;
}
