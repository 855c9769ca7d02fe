/*
 * Sound bank: recorded sounds for events, read with libsndfile
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

#ifndef AVFILTER_DIFFUSION_SOUND_BANK_H
#define AVFILTER_DIFFUSION_SOUND_BANK_H

#include <stddef.h>

#include "events.h"

#define DIFF_BANK_MAX_WORDS 32
#define DIFF_BANK_MAX_ENTRIES 256

typedef struct DiffBankEntry {
    char *name, *file, *licence, *source;
    enum DiffEventKind kind;
    float attack_ms, gain;
    char *words[DIFF_BANK_MAX_WORDS];
    int nb_words;
    int any;                 /* "*": every subject */
    float *samples;          /* mono, at sample_rate; NULL until loaded */
    int nb_samples, sample_rate;
} DiffBankEntry;

typedef struct DiffSoundBank {
    DiffBankEntry *entries;
    int nb_entries;
} DiffSoundBank;

/**
 * Parse a bank manifest (see models/sounds/bank.txt): one sound per line,
 * "name file kind attack_ms gain licence source words...", '#' comments.
 * Only the text is read; nothing is loaded.
 */
int  ff_diff_sound_bank_parse(DiffSoundBank **pb, const char *text, size_t len, void *log_ctx);

/** Parse the manifest at path and read every sound next to it with libsndfile. */
int  ff_diff_sound_bank_load(DiffSoundBank **pb, const char *path, void *log_ctx);
void ff_diff_sound_bank_free(DiffSoundBank **pb);

/** The sound for an event kind and a caption's words, or NULL (synthesise). */
const DiffBankEntry *ff_diff_sound_bank_find(const DiffSoundBank *b, enum DiffEventKind kind,
                                             const char * const *words, int nb_words);

#endif /* AVFILTER_DIFFUSION_SOUND_BANK_H */
