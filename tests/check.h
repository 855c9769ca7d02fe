/*
 * What the C unit tests share: EXPECT, the capture of error messages, the
 * walk over a fuzz corpus
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

#ifndef SORAGEN_TESTS_CHECK_H
#define SORAGEN_TESTS_CHECK_H

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "libavutil/log.h"

static int checks, failures;

/** Count a check; print file, line and the message when cond is false. */
#define EXPECT(cond, ...) do {                                  \
        checks++;                                               \
        if (!(cond)) {                                          \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);         \
            printf(__VA_ARGS__);                                \
            printf("\n");                                       \
            failures++;                                         \
        }                                                       \
    } while (0)

/* AV_LOG_ERROR messages since the last reset_log() and their text (with
 * av_log_set_callback(check_log_cb)); check_verbose prints each one */
static int nb_errors, check_verbose;
static char last_errors[4096];

static inline void check_log_cb(void *avcl, int level, const char *fmt, va_list vl)
{
    char line[1024];
    size_t len = strlen(last_errors);

    if (level > AV_LOG_ERROR)
        return;
    vsnprintf(line, sizeof(line), fmt, vl);
    nb_errors++;
    if (len + 1 < sizeof(last_errors))
        snprintf(last_errors + len, sizeof(last_errors) - len, "%s", line);
    if (check_verbose)
        printf("    log: %s", line);
}

static inline void reset_log(void)
{
    nb_errors      = 0;
    last_errors[0] = 0;
}

/**
 * Call fn(path, name, opaque) for every file of dir but the hidden ones.
 * @return the number of files, or -1 when dir cannot be read
 */
static inline int corpus_walk(const char *dir,
                              void (*fn)(const char *path, const char *name, void *opaque),
                              void *opaque)
{
    char path[2048];
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        fn(path, e->d_name, opaque);
        n++;
    }
    closedir(d);
    return n;
}

#endif /* SORAGEN_TESTS_CHECK_H */
