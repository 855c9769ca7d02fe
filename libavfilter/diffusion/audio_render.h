/*
 * Audio renderer: sounds at event times, sample-accurate
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

#ifndef AVFILTER_DIFFUSION_AUDIO_RENDER_H
#define AVFILTER_DIFFUSION_AUDIO_RENDER_H

#include <stdint.h>

#include "events.h"

/**
 * An impact sound: a recorded one from the sound bank, or a procedural one,
 * a decaying tone (the body) plus a decaying noise burst (the surface) after
 * a 1 ms linear attack.
 */
typedef struct DiffSound {
    float freq;         /* Hz */
    float decay;        /* 1/s of the tone */
    float noise;        /* noise level relative to the tone */
    float noise_decay;  /* 1/s of the noise */
    float gain;
    float length;       /* seconds rendered after the onset */
    /* a recorded sound instead of the synthesis (sound bank), at the
     * output rate; its sample `attack` lands on the event time */
    const float *samples;
    int nb_samples, attack;
} DiffSound;

/**
 * The sounds of a caption: the first word with a known material (a heavy
 * animal, a small one, a ball, a car, ...) picks the contact and footfall
 * sounds; snd[DIFF_EVENT_CONTACT], snd[DIFF_EVENT_FOOTFALL].
 */
void ff_diff_sounds_for_words(const char * const *words, int nb_words, DiffSound snd[2]);

/**
 * Mix the events into out[nb_samples][channels] (interleaved float) for
 * samples [start, start + nb_samples) of the stream at sample_rate.  Each
 * event's waveform is evaluated at the exact time of every sample, so its
 * onset is the first sample at or after the event time, whatever the frame
 * rate.  The mix goes through a tanh limiter: never clips.  The noise is a
 * hash of (seed, event time, sample): same seed, same sound.  extra (NULL or
 * nb_samples mono samples, e.g. speech) is mixed in before the limiter.
 */
void ff_diff_render_events(const DiffEvent *ev, int nb_events, const DiffSound snd[2],
                           int sample_rate, int channels, uint64_t seed,
                           int64_t start, int nb_samples, const float *extra, float *out);

#endif /* AVFILTER_DIFFUSION_AUDIO_RENDER_H */
