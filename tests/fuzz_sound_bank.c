/*
 * libFuzzer target of the sound bank manifest parser:
 *   FUZZ_SRCS="libavfilter/diffusion/sound_bank.c -lsndfile" tests/fuzz/run-fuzz.sh sound_bank
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

#include "libavutil/log.h"

#include "libavfilter/diffusion/sound_bank.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    DiffSoundBank *b;
    const char *words[2] = { "hippo", "ball" };

    av_log_set_level(AV_LOG_QUIET);
    if (ff_diff_sound_bank_parse(&b, (const char *)data, size, NULL) < 0)
        return 0;
    ff_diff_sound_bank_find(b, DIFF_EVENT_CONTACT, words, 2);
    ff_diff_sound_bank_find(b, DIFF_EVENT_FOOTFALL, words, 2);
    ff_diff_sound_bank_free(&b);
    return 0;
}
