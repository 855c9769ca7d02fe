/*
 * Prompt tokenizer: words of the model vocabulary
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

#ifndef AVFILTER_DIFFUSION_TOKENIZER_H
#define AVFILTER_DIFFUSION_TOKENIZER_H

#include <stddef.h>

#include "model.h"

/**
 * Split a prompt into vocabulary ids (mirrors models/train/vocab.py):
 * ASCII letters are lowercased, a word is a maximal run of letters,
 * everything else separates words, and text between double quotes is
 * dialogue, not caption (it is skipped here).  Words the vocabulary lacks
 * are dropped and listed, space separated, in unknown (truncated to
 * unknown_size).  At most max ids are written; *truncated says whether
 * known words were cut off.
 *
 * @return the number of ids written
 */
int ff_diff_tokenize(const DiffModel *m, const char *text, int *ids, int max,
                     char *unknown, size_t unknown_size, int *truncated);

#endif /* AVFILTER_DIFFUSION_TOKENIZER_H */
