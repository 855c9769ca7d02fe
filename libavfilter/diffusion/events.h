/*
 * Sound events: when things happen in a generated clip
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

#ifndef AVFILTER_DIFFUSION_EVENTS_H
#define AVFILTER_DIFFUSION_EVENTS_H

#include <stdint.h>

#include "subject.h"

enum DiffEventKind {
    DIFF_EVENT_CONTACT,
    DIFF_EVENT_FOOTFALL,
};

typedef struct DiffEvent {
    double time;            /* seconds from the start of the stream */
    enum DiffEventKind kind;
    float strength;         /* 0..1: the model's probability, for a contact whose time the
                               pictures give times how hard it hits */
    int refined;            /* time refined from the picture (not a frame centre) */
    float level;            /* refined contact: the subject's vertical centre then, in pixels
                               of the analysed frames (as ff_diff_subject_track()); else -1 */
} DiffEvent;


/**
 * Frames after an interval that ff_diff_find_events() may read to time a
 * contact in it (the bounce or rest after it, and the landing a viewer
 * sees up to two intervals on): a stream analysed in pieces with at least
 * this many post frames times each interval as the whole stream would.
 */
int ff_diff_events_after(int fps);

/**
 * Contacts of nb native frames starting at native frame first (frame f
 * shows time f / fps): the model's per-frame probabilities prob[nb][2]
 * (contact, footfall: the first is read; footfalls are
 * ff_diff_footsteps()') say during which frame interval something
 * happens; the pictures say when exactly.
 *
 * The analyser follows the subject's vertical centre in every frame
 * (sub-pixel, seen against the scene's fixed scenery: ground texture,
 * clouds, stars) and, for a contact, looks in and next to the hinted
 * interval for the end of a fall: a free flight of at least two
 * samples before it, and after it either another flight (a bounce) or a
 * rest (a landing).  Flights are parabolas of one curvature, gravity,
 * given or measured on the clip; two flights meet where their difference,
 * a line, is zero; a flight meets a rest where it reaches the rest's level.
 * That instant is the event's time.  A fall seen in two samples only,
 * whose first ends a longer flight well above the contact's level, is a
 * generated subject settling into the ground after the longer flight's
 * landing, not a bounce.  A generated subject's falls are often no
 * flights of one gravity (it hangs, then drops), so the analyser also
 * looks for the landing a viewer sees: a fall of an eighth of the frame
 * height, begun after the last contact, with a step of at least half the
 * speed a free fall of that height lands with, into a rest or a rebound;
 * its instant is where a flight through the fall's last two samples in
 * the air (a sample reached by less than half the step before it is
 * down, sinking) reaches the level after it, unless a flight's contact
 * lies within half a frame of it.  Where the pictures cannot tell (too
 * few samples a side, no subject), the event sits at the middle of its
 * interval.  Two hints that resolve to the same contact give one event.
 *
 * A frame interval whose contact probability reaches threshold and peaks
 * there (no neighbour's is higher; of equal ones the last) gives an event
 * where the pictures show a contact in or next to it, or cannot tell (the
 * subject is not seen in two samples a side).  A peak that reaches
 * certain may be timed from two samples of flight a side; under it, the
 * pictures must show the contact in full (flights of three samples a
 * side, or a landing a viewer sees): two samples fit any motion, and a
 * generated subject whose drawn shape changes moves its centre as a
 * bounce would.  A bounce never leaves faster than it came.  No peak
 * sounds where the pictures show the subject still about it (seen in two
 * samples a side, none of them falling into or rising out of an interval
 * by a fifth of a frame's gravity: a caption of bounces raises the
 * probability on every frame, and a generated subject may rest and
 * wobble).  An interval whose probability lies
 * in [confirmed, threshold) gives a contact only where the pictures show
 * one: flights of three samples a side meeting inside that very
 * interval, or a landing a viewer sees in or next to it.  A
 * model can know that a clip has contacts (a bouncing ball) better than on
 * which frame it drew them; the pictures know the frame.
 *
 * y: the analyser's track of pre + nb + post frames of size x size
 * (ff_diff_subject_track() or ff_diff_subject_boxes()): pre frames before
 * `first` (may be 0), used to see a fall that began before them, the nb
 * frames whose events are wanted, and post frames after them (may be 0),
 * used to see the bounce or rest after a contact in their last frames.
 * gravity: in pixels per second squared at this frame size, or <= 0 to
 * measure it on the clip (median curvature of its falling stretches).
 * seen: NULL, or where the stream's last contact was (fall_from; in: from
 * the stream's clip before, out: for the next; zeroed at the stream's
 * start), the same the track was made with.
 *
 * @return number of events written to out (at most max), or a negative
 *         AVERROR code
 */
int ff_diff_find_events(const float *y, int pre, int nb, int post, int size, int64_t first,
                        int fps, float gravity, const float *prob, float threshold,
                        float confirmed, float certain, DiffSubjectSeen *seen, DiffEvent *out,
                        int max);

#endif /* AVFILTER_DIFFUSION_EVENTS_H */
