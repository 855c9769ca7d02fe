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

#include <math.h>
#include <string.h>

#include "libavutil/macros.h"
#include "libavutil/mathematics.h"

#include "audio_render.h"

static const struct {
    const char *word;
    float freq, decay, noise;
} materials[] = {
    { "hippo",     55, 14, 0.35 }, { "elephant",  50, 12, 0.35 },
    { "dinosaur",  60, 14, 0.35 }, { "crocodile", 70, 16, 0.40 },
    { "giraffe",   75, 16, 0.40 }, { "car",       90, 20, 0.80 },
    { "dog",      120, 24, 0.50 }, { "cat",      140, 26, 0.50 },
    { "penguin",  130, 24, 0.50 }, { "duck",     160, 28, 0.50 },
    { "frog",     180, 30, 0.45 }, { "ball",     190, 18, 0.25 },
};

void ff_diff_sounds_for_words(const char * const *words, int nb_words, DiffSound snd[2])
{
    float freq = 120, decay = 24, noise = 0.5;

    for (int i = 0; i < nb_words; i++) {
        int found = 0;
        for (int k = 0; k < FF_ARRAY_ELEMS(materials); k++) {
            if (!strcmp(words[i], materials[k].word)) {
                freq  = materials[k].freq;
                decay = materials[k].decay;
                noise = materials[k].noise;
                found = 1;
                break;
            }
        }
        if (found)
            break;
    }
    snd[DIFF_EVENT_CONTACT] = (DiffSound){ freq, decay, noise, 60, 0.6f, 0.5f };
    /* footfalls: lighter, shorter, more surface than body */
    snd[DIFF_EVENT_FOOTFALL] = (DiffSound){ 1.6f * freq, 2.5f * decay, 1.5f * noise, 90, 0.3f, 0.2f };
}

/* uniform in [-1, 1) from a 64-bit hash (splitmix64 finaliser) */
static float hash_noise(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    x ^= x >> 31;
    return (int64_t)x * (1.0f / 9223372036854775808.0f);
}

void ff_diff_render_events(const DiffEvent *ev, int nb_events, const DiffSound snd[2],
                           int sample_rate, int channels, uint64_t seed,
                           int64_t start, int nb_samples, const float *extra, float *out)
{
    memset(out, 0, (size_t)nb_samples * channels * sizeof(*out));
    for (int i = 0; i < nb_samples; i++) {
        const double t = (double)(start + i) / sample_rate;
        double acc = extra ? extra[i] : 0;
        for (int e = 0; e < nb_events; e++) {
            const DiffSound *s = &snd[ev[e].kind];
            const double dt = t - ev[e].time;
            double env, v;
            uint64_t key;
            if (s->samples) {
                /* the sample at the event time is the sound's attack */
                int64_t k = llrint(dt * sample_rate) + s->attack;
                if (k >= 0 && k < s->nb_samples)
                    acc += s->gain * ev[e].strength * s->samples[k];
                continue;
            }
            if (dt < 0 || dt >= s->length)
                continue;
            key = seed ^ ((uint64_t)llrint(ev[e].time * 1e6) << 20);
            env = FFMIN(1.0, dt * 1000.0);                 /* 1 ms attack */
            v  = sin(2 * M_PI * s->freq * dt) * exp(-s->decay * dt);
            v += s->noise * hash_noise(key + (uint64_t)llrint(dt * sample_rate)) *
                 exp(-s->noise_decay * dt);
            acc += s->gain * ev[e].strength * env * v;
        }
        for (int c = 0; c < channels; c++)
            out[i * channels + c] = tanh(acc);
    }
}
