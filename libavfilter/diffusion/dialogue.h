/*
 * Dialogue: quoted text of a prompt, spoken with flite
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

#ifndef AVFILTER_DIFFUSION_DIALOGUE_H
#define AVFILTER_DIFFUSION_DIALOGUE_H

#include <stddef.h>

typedef struct DiffPhone {
    double start, end;   /* seconds from the start of the line */
    float open;          /* mouth openness, 0 closed .. 1 open */
} DiffPhone;

typedef struct DiffDialogue {
    float *samples;      /* mono speech */
    int nb_samples, sample_rate;
    DiffPhone *phones;
    int nb_phones;
} DiffDialogue;

/**
 * The dialogue of a prompt: the text between double quotes (several quotes
 * are joined with a space).  Returns its length (0: no dialogue).
 */
size_t ff_diff_dialogue_text(const char *prompt, char *out, size_t size);

/**
 * Speak text with flite's cmu_us_slt voice; the phone timeline gives the
 * mouth openness.  AVERROR(ENOSYS) when FFmpeg was built without libflite.
 */
int   ff_diff_dialogue_speak(DiffDialogue **pd, const char *text, void *log_ctx);
/** Mean mouth openness over [t0, t1) seconds from the start of the line. */
float ff_diff_dialogue_mouth(const DiffDialogue *d, double t0, double t1);
void  ff_diff_dialogue_free(DiffDialogue **pd);

#endif /* AVFILTER_DIFFUSION_DIALOGUE_H */
