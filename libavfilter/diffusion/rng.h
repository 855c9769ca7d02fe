/*
 * Counter-based noise: Philox4x32-10 and Box-Muller
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

#ifndef AVFILTER_DIFFUSION_RNG_H
#define AVFILTER_DIFFUSION_RNG_H

#include <stdint.h>

/** One Philox4x32-10 block: ctr[4] is replaced by the output. */
void ff_diff_philox4x32_10(uint32_t ctr[4], const uint32_t key[2]);

/**
 * Elements [0, n) of the standard normal stream (seed, stream); element i
 * depends only on (seed, stream, i).  Mirrors models/train/rng.py.
 */
void ff_diff_normal(float *dst, int64_t n, uint64_t seed, uint64_t stream);

#endif /* AVFILTER_DIFFUSION_RNG_H */
