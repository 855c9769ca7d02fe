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

#ifndef AVFILTER_DIFFUSION_TEXT_ENCODER_H
#define AVFILTER_DIFFUSION_TEXT_ENCODER_H

#include "model.h"

/**
 * Encode len token ids (1 <= len <= max_tokens) into out[len][dim].
 * Runs once per prompt, on the calling thread, in plain C: a caption is at
 * most max_tokens tokens, so this is well under a millisecond.
 */
int ff_diff_text_encode(const DiffModel *m, const int *tokens, int len, float *out,
                        void *log_ctx);

#endif /* AVFILTER_DIFFUSION_TEXT_ENCODER_H */
