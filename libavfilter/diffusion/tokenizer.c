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

#include <string.h>

#include "libavutil/avstring.h"

#include "tokenizer.h"

static int is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int lookup(const DiffModel *m, const char *w)
{
    /* ids 0 (<pad>) and the other bracketed specials cannot be typed */
    for (int i = 0; i < m->vocab_size; i++)
        if (!strcmp(m->vocab[i], w))
            return i;
    return -1;
}

int ff_diff_tokenize(const DiffModel *m, const char *text, int *ids, int max,
                     char *unknown, size_t unknown_size, int *truncated)
{
    char word[64];
    int n = 0, quoted = 0;

    if (unknown_size)
        unknown[0] = 0;
    *truncated = 0;
    while (text && *text) {
        size_t len = 0;
        int id;

        if (*text == '"') {
            quoted = !quoted;
            text++;
            continue;
        }
        if (quoted || !is_letter(*text)) {
            text++;
            continue;
        }
        while (is_letter(text[len]))
            len++;
        if (len < sizeof(word)) {
            for (size_t i = 0; i < len; i++)
                word[i] = av_tolower(text[i]);
            word[len] = 0;
            id = lookup(m, word);
        } else {
            av_strlcpy(word, text, sizeof(word));
            id = -1;
        }
        text += len;
        if (id < 0) {
            if (unknown_size) {
                if (unknown[0])
                    av_strlcat(unknown, " ", unknown_size);
                av_strlcat(unknown, word, unknown_size);
            }
            continue;
        }
        if (n < max)
            ids[n++] = id;
        else
            *truncated = 1;
    }
    return n;
}
