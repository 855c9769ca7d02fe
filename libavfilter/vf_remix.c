/*
 * remix: re-generate elements of a video by prompt
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

/**
 * @file
 * Re-generate parts of the input video with the soragen diffusion model.
 *
 * Frames are gathered in windows of the model's native frame count.  Each
 * window is scaled to the model's size, noised to `strength` and denoised
 * (SDEdit) with the known pixels (outside the region to change) given to the
 * model as context; windows after the first also carry the last `overlap`
 * output frames of the one before as fully known context, so a replaced
 * subject keeps its look across windows (and are noised to `next_strength`:
 * by default 1 with from/to, where the carried frames show the new element
 * and the input the old one).  The result is scaled back to the
 * input size and format and written only inside the region: every pixel
 * outside it is the input's, bit for bit.
 *
 * The region is the whole picture, the optional second input "mask", or,
 * with from/to and no mask, where the model's predictions under the two
 * words differ (as in DiffEdit), as one box per frame (find_region()),
 * shrunk after the generation to the pixels it changed (refine_region()).
 */

#include "config.h"

#include <float.h>
#include <string.h>

#include "libavutil/avstring.h"
#include "libavutil/cpu.h"
#include "libavutil/imgutils.h"
#include "libavutil/internal.h"
#include "libavutil/mem.h"
#include "libavutil/opt.h"
#include "libavutil/pixdesc.h"
#include "libavutil/random_seed.h"
#include "libswscale/swscale.h"
#include "avfilter.h"
#include "filters.h"
#include "formats.h"
#include "video.h"

#include "diffusion/autoencoder.h"
#include "diffusion/denoiser.h"
#include "diffusion/model.h"
#include "diffusion/onednn.h"
#include "diffusion/pixel_groups.h"
#include "diffusion/rng.h"
#include "diffusion/sampler.h"
#include "diffusion/subject.h"
#include "diffusion/text_encoder.h"
#include "diffusion/tokenizer.h"

#define MAX_WINDOW 64
/* noise draws averaged by the from/to contrast (find_region()) */
#define CONTRAST_DRAWS 2
/* a found region larger than this share of the frames is not an element:
 * the threshold is raised towards 1 in LEVEL_STEPS steps until it fits */
#define MAX_REGION 0.6
/* parts of the contrast this near the strongest one (share of the side) join its box */
#define JOIN_SHARE 0.05
#define LEVEL_STEPS 4
/* complete: the subject the pictures show joins a box it meets when at most
 * this many times the box's area */
#define SUBJECT_GROWTH 10
/* complete: the contrast's parts on the pictures' foreground, with at
 * least this share of the mass of its strongest parts (summed over the
 * window), hold the element (region_boxes()) */
#define FG_CONTRAST 0.25

enum { PRECISION_F32, PRECISION_BF16 };

typedef struct RemixContext {
    const AVClass *class;

    /* options */
    char *prompt, *from, *to;
    float strength;
    float next_strength, used_next;  /* windows that carry frames */
    int use_mask;
    int show_mask;
    float threshold;
    float grow;
    int complete;
    float keep;
    int64_t seed;
    int steps;
    float guidance;
    int method;
    float churn, used_churn;
    char *model_path;
    int threads;
    int precision;
    int overlap;

    DiffModel *model;
    DiffDnn dnn;
    DiffDenoiser *dn;
    DiffSampler sampler;
    int dnn_ready, sampler_ready;
    uint64_t used_seed;
    float *text;                     /* [max_tokens][dim] */
    int to_ids[256], nb_to, from_ids[256], nb_from;

    /* the window */
    AVFrame *frames[MAX_WINDOW];
    AVFrame *masks[MAX_WINDOW];
    int disabled[MAX_WINDOW];
    int nb;                          /* input frames held */
    int carried;                     /* known output frames at its start */
    int running;
    int located;
    int64_t window;
    int eof;
    int64_t eof_pts;

    int T, size;
    size_t plane, fsz;
    float *clip, *ctx_clip, *ctx_mask, *region;  /* model-size floats */
    float *prev;                     /* last output frames, [overlap][3][size][size] */
    float *prev_in;                  /* the input frames they were made from */
    DiffAutoencoder *ae;             /* latent models: frames <-> latents */
    float *zclip, *zctx, *zmask;     /* latent models: clip, context and its mask */
    int64_t zclip_window;            /* the window whose clip zclip encodes, or -1 */
    float *decoded;                  /* latent models: the window's frames */
    uint8_t *rgb;                    /* one model-size RGB24 frame */
    uint8_t *changed;                /* one model-size frame, refine_region() */
    struct SwsContext *down, *up, *mask_up;
    AVFrame *gen;                    /* generated frame at input size and format */
    AVFrame *mask_full;              /* region at input size, GRAY8 */
    const AVPixFmtDescriptor *desc;
} RemixContext;

#define OFFSET(x) offsetof(RemixContext, x)
#define FLAGS AV_OPT_FLAG_VIDEO_PARAM | AV_OPT_FLAG_FILTERING_PARAM

static const AVOption remix_options[] = {
    { "prompt",    "describe what the region becomes",   OFFSET(prompt),     AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, FLAGS },
    { "p",         "describe what the region becomes",   OFFSET(prompt),     AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, FLAGS },
    { "from",      "word of the element to replace",     OFFSET(from),       AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, FLAGS },
    { "to",        "word of the element to put instead", OFFSET(to),         AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, FLAGS },
    { "strength",  "how far from the input to go",       OFFSET(strength),   AV_OPT_TYPE_FLOAT,  { .dbl = 0.8 },  0.05, 1, FLAGS },
    { "next_strength", "strength of windows that carry frames, -1: auto", OFFSET(next_strength), AV_OPT_TYPE_FLOAT, { .dbl = -1 }, -1, 1, FLAGS },
    { "mask",      "take the region from a second input", OFFSET(use_mask),  AV_OPT_TYPE_BOOL,   { .i64 = 0 },    0, 1, FLAGS },
    { "show_mask", "output the region instead of the remix", OFFSET(show_mask), AV_OPT_TYPE_BOOL, { .i64 = 0 },   0, 1, FLAGS },
    { "threshold", "region threshold of the from/to contrast", OFFSET(threshold), AV_OPT_TYPE_FLOAT, { .dbl = 0.35 }, 0.01, 1, FLAGS },
    { "grow",      "margin of the found region's box, share of the frame side", OFFSET(grow), AV_OPT_TYPE_FLOAT, { .dbl = 0.05 }, 0, 0.5, FLAGS },
    { "complete",  "grow the found boxes to the subject the pictures show about them", OFFSET(complete), AV_OPT_TYPE_BOOL, { .i64 = 1 }, 0, 1, FLAGS },
    { "keep",      "keep input pixels of the found region the remix changed less than this", OFFSET(keep), AV_OPT_TYPE_FLOAT, { .dbl = 0.08 }, 0, 1, FLAGS },
    { "seed",      "set noise seed, -1: random",          OFFSET(seed),       AV_OPT_TYPE_INT64,  { .i64 = -1 },   -1, UINT32_MAX, FLAGS },
    { "steps",     "set sampling steps per window",       OFFSET(steps),      AV_OPT_TYPE_INT,    { .i64 = 20 },   1, 1000, FLAGS },
    { "guidance",  "set classifier-free guidance scale",  OFFSET(guidance),   AV_OPT_TYPE_FLOAT,  { .dbl = 3.0 },  0, 30, FLAGS },
    { "sampler",   "set the sampling method",             OFFSET(method),     AV_OPT_TYPE_INT,    { .i64 = DIFF_SAMPLER_EULER }, 0, 1, FLAGS, .unit = "sampler" },
        { "euler", "first order",  0, AV_OPT_TYPE_CONST, { .i64 = DIFF_SAMPLER_EULER }, 0, 0, FLAGS, .unit = "sampler" },
        { "heun",  "second order", 0, AV_OPT_TYPE_CONST, { .i64 = DIFF_SAMPLER_HEUN },  0, 0, FLAGS, .unit = "sampler" },
    { "churn",     "set fresh noise per sampling step, -1: auto", OFFSET(churn), AV_OPT_TYPE_FLOAT, { .dbl = -1 }, -1, 0.99, FLAGS },
    { "model",     "set the model file",                  OFFSET(model_path), AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, FLAGS },
    { "threads",   "set engine threads, 0: all cores",    OFFSET(threads),    AV_OPT_TYPE_INT,    { .i64 = 0 },    0, 256, FLAGS },
    { "precision", "set the network's arithmetic",        OFFSET(precision),  AV_OPT_TYPE_INT,    { .i64 = PRECISION_F32 }, 0, 1, FLAGS, .unit = "precision" },
        { "f32",   "32-bit float",     0, AV_OPT_TYPE_CONST, { .i64 = PRECISION_F32 },  0, 0, FLAGS, .unit = "precision" },
        { "bf16",  "bfloat16 matmuls", 0, AV_OPT_TYPE_CONST, { .i64 = PRECISION_BF16 }, 0, 0, FLAGS, .unit = "precision" },
    { "overlap",   "set output frames carried into the next window", OFFSET(overlap), AV_OPT_TYPE_INT, { .i64 = 2 }, 0, 4, FLAGS },
    { NULL }
};

AVFILTER_DEFINE_CLASS(remix);

static const enum AVPixelFormat pix_fmts[] = {
    AV_PIX_FMT_YUV420P, AV_PIX_FMT_YUV422P, AV_PIX_FMT_YUV444P,
    AV_PIX_FMT_YUVJ420P, AV_PIX_FMT_YUVJ422P, AV_PIX_FMT_YUVJ444P,
    AV_PIX_FMT_YUV420P10LE, AV_PIX_FMT_YUV422P10LE, AV_PIX_FMT_YUV444P10LE,
    AV_PIX_FMT_NV12, AV_PIX_FMT_RGB24, AV_PIX_FMT_BGR24, AV_PIX_FMT_RGBA,
    AV_PIX_FMT_BGRA, AV_PIX_FMT_GBRP, AV_PIX_FMT_GRAY8, AV_PIX_FMT_NONE
};

static int tokenize(AVFilterContext *ctx, const char *what, const char *text, int *ids, int *nb)
{
    RemixContext *s = ctx->priv;
    char unknown[512];
    int truncated;

    *nb = ff_diff_tokenize(s->model, text, ids, s->model->cfg.max_tokens,
                           unknown, sizeof(unknown), &truncated);
    if (unknown[0])
        av_log(ctx, AV_LOG_WARNING, "Words of %s the model does not know (ignored): %s\n",
               what, unknown);
    if (!*nb) {
        av_log(ctx, AV_LOG_ERROR, "%s '%s' has no word the model knows\n", what, text);
        return AVERROR(EINVAL);
    }
    return 0;
}

static av_cold int init(AVFilterContext *ctx)
{
    RemixContext *s = ctx->priv;
    char *caption;
    int ret;

    s->zclip_window = -1;
    if (s->use_mask) {
        AVFilterPad pad = { .name = "mask", .type = AVMEDIA_TYPE_VIDEO };
        if ((ret = ff_append_inpad(ctx, &pad)) < 0)
            return ret;
    }
    if (s->from && !s->to) {
        av_log(ctx, AV_LOG_ERROR, "from=%s needs to=WORD: what it becomes\n", s->from);
        return AVERROR(EINVAL);
    }
    if (!s->prompt && !s->to) {
        av_log(ctx, AV_LOG_ERROR, "Say what to generate: prompt='...' or to=WORD\n");
        return AVERROR(EINVAL);
    }

    if ((ret = ff_diff_model_open(&s->model, s->model_path, ctx)) < 0)
        return ret;

    /* from and to must be words the model knows: they are the whole point */
    for (int i = 0; i < 2; i++) {
        const char *w = i ? s->from : s->to;
        char unknown[256];
        int ids[8], tr;
        if (w && (ff_diff_tokenize(s->model, w, ids, 8, unknown, sizeof(unknown), &tr), unknown[0])) {
            av_log(ctx, AV_LOG_ERROR, "%s=%s: the model does not know '%s'\n",
                   i ? "from" : "to", w, unknown);
            return AVERROR(EINVAL);
        }
    }

    /* the caption of the result, and the one of what is there (from/to) */
    caption = s->prompt ? av_strdup(s->prompt) : av_asprintf("a %s", s->to);
    if (!caption)
        return AVERROR(ENOMEM);
    ret = tokenize(ctx, "the prompt", caption, s->to_ids, &s->nb_to);
    av_free(caption);
    if (ret < 0)
        return ret;
    if (s->from && !s->use_mask) {
        int tmp[256], n;
        /* the same caption with the to-word(s) replaced by the from-word(s) */
        if ((ret = tokenize(ctx, "from", s->from, tmp, &n)) < 0)
            return ret;
        s->nb_from = 0;
        for (int i = 0; i < s->nb_to && s->nb_from < s->model->cfg.max_tokens; i++) {
            int to_id[8], k, tr;
            char unk[8];
            k = ff_diff_tokenize(s->model, s->to, to_id, 8, unk, sizeof(unk), &tr);
            if (k == 1 && s->to_ids[i] == to_id[0]) {
                for (int j = 0; j < n && s->nb_from < s->model->cfg.max_tokens; j++)
                    s->from_ids[s->nb_from++] = tmp[j];
            } else {
                s->from_ids[s->nb_from++] = s->to_ids[i];
            }
        }
        if (!memcmp(s->from_ids, s->to_ids, s->nb_to * sizeof(int)) && s->nb_from == s->nb_to) {
            av_log(ctx, AV_LOG_ERROR, "from and to give the same caption: nothing to find\n");
            return AVERROR(EINVAL);
        }
    }
    if ((ret = ff_diff_sampler_churn(s->churn, s->method, &s->used_churn, ctx)) < 0)
        return ret;
    if (s->next_strength >= 0 && s->next_strength < 0.05f) {
        av_log(ctx, AV_LOG_ERROR, "next_strength %g: use -1 (auto) or 0.05 to 1\n",
               s->next_strength);
        return AVERROR(EINVAL);
    }
    /* a window that carries output frames of the one before: with from/to
     * they show the new element where the input shows the old one, which,
     * noised in, pulls the drawing away from them; so such windows start
     * from noise in the region (measured: make eval's remix boundaries) */
    s->used_next = s->next_strength >= 0 ? s->next_strength :
                   s->from && !s->use_mask ? 1.0f : s->strength;
    if (s->overlap >= s->model->cfg.frames) {
        av_log(ctx, AV_LOG_ERROR, "overlap %d must be below the model's %d frames per window\n",
               s->overlap, s->model->cfg.frames);
        return AVERROR(EINVAL);
    }
    if (s->model->cfg.frames > MAX_WINDOW || s->model->cfg.frame_size > 256) {
        av_log(ctx, AV_LOG_ERROR, "models of more than %d frames or 256x256 are not supported\n",
               MAX_WINDOW);
        return AVERROR_PATCHWELCOME;
    }
    s->used_seed = s->seed >= 0 ? s->seed : av_get_random_seed();
    return 0;
}

static av_cold void uninit(AVFilterContext *ctx)
{
    RemixContext *s = ctx->priv;

    for (int i = 0; i < s->nb; i++) {
        av_frame_free(&s->frames[i]);
        av_frame_free(&s->masks[i]);
    }
    if (s->sampler_ready)
        ff_diff_sampler_uninit(&s->sampler);
    ff_diff_denoiser_free(&s->dn);
    if (s->dnn_ready)
        ff_diff_dnn_uninit(&s->dnn);
    ff_diff_model_free(&s->model);
    av_freep(&s->text);
    av_freep(&s->clip);
    av_freep(&s->ctx_clip);
    av_freep(&s->ctx_mask);
    av_freep(&s->region);
    av_freep(&s->prev);
    av_freep(&s->prev_in);
    ff_diff_autoencoder_free(&s->ae);
    av_freep(&s->zclip);
    av_freep(&s->zctx);
    av_freep(&s->zmask);
    av_freep(&s->decoded);
    av_freep(&s->rgb);
    av_freep(&s->changed);
    sws_freeContext(s->down);
    sws_freeContext(s->up);
    sws_freeContext(s->mask_up);
    av_frame_free(&s->gen);
    av_frame_free(&s->mask_full);
}

static int query_formats(AVFilterContext *ctx)
{
    static const enum AVPixelFormat mask_fmts[] = { AV_PIX_FMT_GRAY8, AV_PIX_FMT_NONE };
    int ret;

    AVFilterFormats *f = ff_make_format_list(pix_fmts);

    /* one list shared by input and output: the output has the input's format */
    if ((ret = ff_formats_ref(f, &ctx->inputs[0]->outcfg.formats)) < 0 ||
        (ret = ff_formats_ref(f, &ctx->outputs[0]->incfg.formats)) < 0)
        return ret;
    if (ctx->nb_inputs > 1)
        return ff_formats_ref(ff_make_format_list(mask_fmts), &ctx->inputs[1]->outcfg.formats);
    return 0;
}

static int set_context(RemixContext *s, AVFilterContext *ctx, int branch, const int *ids, int n)
{
    int ret = ff_diff_text_encode(s->model, ids, n, s->text, ctx);
    return ret < 0 ? ret : ff_diff_denoiser_set_context(s->dn, branch, s->text, n);
}

static int config_output(AVFilterLink *outlink)
{
    AVFilterContext *ctx = outlink->src;
    RemixContext *s = ctx->priv;
    AVFilterLink *inlink = ctx->inputs[0];
    const DiffModelConfig *c = &s->model->cfg;
    int w = inlink->w, h = inlink->h, pad = 0, ret;

    if (ctx->nb_inputs > 1 && (ctx->inputs[1]->w != w || ctx->inputs[1]->h != h)) {
        av_log(ctx, AV_LOG_ERROR, "The mask is %dx%d, the video %dx%d: they must match\n",
               ctx->inputs[1]->w, ctx->inputs[1]->h, w, h);
        return AVERROR(EINVAL);
    }
    outlink->w = w;
    outlink->h = h;
    outlink->time_base = inlink->time_base;
    outlink->sample_aspect_ratio = inlink->sample_aspect_ratio;
    ff_filter_link(outlink)->frame_rate = ff_filter_link(inlink)->frame_rate;
    s->desc = av_pix_fmt_desc_get(inlink->format);

    s->T = c->frames;
    s->size = c->frame_size;  /* pixels; a latent model's denoiser works at c->size */
    s->plane = (size_t)s->size * s->size;
    s->fsz = 3 * s->plane;
    s->clip     = av_calloc(s->T * s->fsz, sizeof(float));
    s->ctx_clip = av_calloc(s->T * s->fsz, sizeof(float));
    s->ctx_mask = av_calloc(s->T * s->plane, sizeof(float));
    s->region   = av_calloc(s->T * s->plane, sizeof(float));
    s->prev     = av_calloc(FFMAX(s->overlap, 1) * s->fsz, sizeof(float));
    s->prev_in  = av_calloc(FFMAX(s->overlap, 1) * s->fsz, sizeof(float));
    s->rgb      = av_malloc(s->fsz);
    s->changed  = av_malloc(s->plane);
    s->text     = av_malloc_array(c->max_tokens, c->dim * sizeof(float));
    s->gen       = ff_get_video_buffer(outlink, w, h);
    s->mask_full = av_frame_alloc();
    if (!s->clip || !s->ctx_clip || !s->ctx_mask || !s->region || !s->prev || !s->prev_in || !s->rgb ||
        !s->changed || !s->text || !s->gen || !s->mask_full)
        return AVERROR(ENOMEM);
    s->mask_full->format = AV_PIX_FMT_GRAY8;
    s->mask_full->width  = w;
    s->mask_full->height = h;
    if ((ret = av_frame_get_buffer(s->mask_full, 0)) < 0)
        return ret;

    s->down = sws_getContext(w, h, inlink->format, s->size, s->size, AV_PIX_FMT_RGB24,
                             SWS_AREA | SWS_ACCURATE_RND | SWS_BITEXACT, NULL, NULL, NULL);
    s->up   = sws_getContext(s->size, s->size, AV_PIX_FMT_RGB24, w, h, inlink->format,
                             SWS_BICUBIC | SWS_ACCURATE_RND | SWS_BITEXACT, NULL, NULL, NULL);
    s->mask_up = sws_getContext(s->size, s->size, AV_PIX_FMT_GRAY8, w, h, AV_PIX_FMT_GRAY8,
                                SWS_BILINEAR | SWS_BITEXACT, NULL, NULL, NULL);
    if (!s->down || !s->up || !s->mask_up)
        return AVERROR(EINVAL);

    if (!s->dnn_ready) {
        if ((ret = ff_diff_dnn_init(&s->dnn, s->threads ? s->threads : av_cpu_count(), ctx)) < 0)
            return ret;
        s->dnn_ready = 1;
        ret = ff_diff_denoiser_init(&s->dn, s->model, &s->dnn, 2,
                                    s->precision == PRECISION_BF16, ctx);
        if (ret < 0)
            return ret;
        if ((ret = ff_diff_sampler_init(&s->sampler, s->dn)) < 0)
            return ret;
        s->sampler_ready = 1;
        if (c->ae_c1) {
            if ((ret = ff_diff_autoencoder_init(&s->ae, s->model, &s->dnn, s->T, ctx)) < 0)
                return ret;
            s->zclip   = av_malloc_array(s->sampler.clip, sizeof(float));
            s->zctx    = av_malloc_array(s->sampler.clip, sizeof(float));
            s->zmask   = av_malloc_array(s->T * s->sampler.plane, sizeof(float));
            s->decoded = av_malloc_array(s->T * s->fsz, sizeof(float));
            if (!s->zclip || !s->zctx || !s->zmask || !s->decoded)
                return AVERROR(ENOMEM);
        }
        if ((ret = set_context(s, ctx, 0, s->to_ids, s->nb_to)) < 0 ||
            (ret = set_context(s, ctx, 1, &pad, 1)) < 0)
            return ret;
    }
    return 0;
}

/* input frame -> model-size float RGB in [-1, 1] */
static void to_model(RemixContext *s, const AVFrame *in, float *dst)
{
    uint8_t *d[4] = { s->rgb };
    int ls[4] = { 3 * s->size };

    sws_scale(s->down, (const uint8_t * const *)in->data, in->linesize, 0, in->height, d, ls);
    for (int c = 0; c < 3; c++)
        for (size_t i = 0; i < s->plane; i++)
            dst[c * s->plane + i] = s->rgb[3 * i + c] / 127.5f - 1.0f;
}

/* the region of the user's mask frame at model size (area average > 0.5) */
static void mask_to_model(RemixContext *s, const AVFrame *m, float *dst)
{
    const int n = s->size, w = m->width, h = m->height;
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++) {
            int y0 = y * h / n, y1 = FFMAX((y + 1) * h / n, y0 + 1);
            int x0 = x * w / n, x1 = FFMAX((x + 1) * w / n, x0 + 1);
            int64_t acc = 0;
            for (int yy = y0; yy < y1; yy++)
                for (int xx = x0; xx < x1; xx++)
                    acc += m->data[0][yy * m->linesize[0] + xx];
            dst[y * n + x] = acc > 127 * (int64_t)(y1 - y0) * (x1 - x0);
        }
}

static int boxes_meet(const DiffPixelGroup *a, int x0, int y0, int x1, int y1)
{
    return a->x0 <= x1 && a->x1 >= x0 && a->y0 <= y1 && a->y1 >= y0;
}

/* box (x0, y0, x1, y1) of group best, joined by every group that reaches
 * into it grown by g pixels */
static void join_parts(const DiffPixelGroup *groups, int nb, int best, int g, int *box)
{
    int grew = 1;

    box[0] = groups[best].x0;
    box[1] = groups[best].y0;
    box[2] = groups[best].x1;
    box[3] = groups[best].y1;
    while (grew) {
        grew = 0;
        for (int k = 0; k < nb; k++) {
            const DiffPixelGroup *gr = &groups[k];
            if (gr->x0 >= box[0] && gr->x1 <= box[2] && gr->y0 >= box[1] && gr->y1 <= box[3])
                continue;
            if (boxes_meet(gr, box[0] - g, box[1] - g, box[2] + g, box[3] + g)) {
                box[0] = FFMIN(box[0], gr->x0);
                box[1] = FFMIN(box[1], gr->y0);
                box[2] = FFMAX(box[2], gr->x1);
                box[3] = FFMAX(box[3], gr->y1);
                grew = 1;
            }
        }
    }
}

/*
 * Where one frame's from/to contrast d (model size, n x n) finds the
 * element: the pixels above level form 8-connected groups; box[0..3] gets
 * the strongest group's box joined by every group that reaches into it
 * grown by g pixels (join_parts()), box[4] 1 (0 and no box when nothing
 * reaches level), *mass its mass.  With fg (the frame's foreground:
 * pixels that stand apart from the scenery), fg_box gets the same for the
 * strongest group with a pixel on fg, and *fg_mass its mass (0 and
 * fg_box[4] 0 when none).  label and stack hold n*n ints, groups n*n
 * groups.
 */
static void find_box(const float *d, int n, float level, int g, const uint8_t *fg,
                     int *box, double *mass, int *fg_box, double *fg_mass,
                     int *label, int *stack, DiffPixelGroup *groups)
{
    int nb, best = -1, best_fg = -1;
    int *on_fg = stack;     /* per group, once grouped */

    for (int i = 0; i < n * n; i++)
        label[i] = d[i] >= level ? -1 : 0;
    nb = ff_diff_pixel_groups(label, n, 1, d, stack, groups);
    memset(on_fg, 0, nb * sizeof(*on_fg));
    for (int i = 0; fg && i < n * n; i++)
        if (label[i] > 0 && fg[i])
            on_fg[label[i] - 1] = 1;
    for (int k = 0; k < nb; k++) {
        if (best < 0 || groups[k].mass > groups[best].mass)
            best = k;
        if (on_fg[k] && (best_fg < 0 || groups[k].mass > groups[best_fg].mass))
            best_fg = k;
    }
    *mass    = best < 0 ? 0 : groups[best].mass;
    *fg_mass = best_fg < 0 ? 0 : groups[best_fg].mass;
    if ((box[4] = best >= 0))
        join_parts(groups, nb, best, g, box);
    if ((fg_box[4] = best_fg >= 0))
        join_parts(groups, nb, best_fg, g, fg_box);
}

/* widen [*lo, *hi] about its centre to at least len, inside [0, n) */
static void widen(int *lo, int *hi, int len, int n)
{
    int add = len - (*hi - *lo + 1);
    if (add <= 0)
        return;
    *lo -= add / 2;
    *hi += add - add / 2;
    if (*lo < 0) {
        *hi = FFMIN(*hi - *lo, n - 1);
        *lo = 0;
    }
    if (*hi > n - 1) {
        *lo = FFMAX(*lo - (*hi - (n - 1)), 0);
        *hi = n - 1;
    }
}

static double region_area(const RemixContext *s, int f)
{
    double a = 0;
    for (size_t i = 0; i < s->plane; i++)
        a += s->region[f * s->plane + i];
    return a / s->plane;
}

/*
 * The window's region from its from/to contrast diff at one level: each
 * frame's box (find_box()), found among the contrast's parts on fg (the
 * pictures' foreground per frame, ff_diff_subject_boxes(), or NULL;
 * fg_any[f]: whether frame f has any) where its strongest parts lie off it
 * and those on it carry FG_CONTRAST of their mass; where subject (the
 * analyser's subject box per frame, or NULL) meets it and is at most
 * SUBJECT_GROWTH times its area, the box grows to hold it; then every box
 * is widened to the window's largest width and height, and grown by
 * `grow` on every side.  Parts join the box within
 * JOIN_SHARE of the side whatever `grow` is, so that a smaller margin
 * gives boxes inside the larger margin's.  Returns the region's share of
 * the window's frames.
 */
static double region_boxes(RemixContext *s, const float *diff, float level,
                           const DiffPixelGroup *subject, const uint8_t *fg,
                           const uint8_t *fg_any, int *label, DiffPixelGroup *groups)
{
    const int T = s->T, n = s->size, g = lrintf(s->grow * n);
    const int join = lrintf(JOIN_SHARE * n);
    int boxes[5 * MAX_WINDOW], fg_boxes[5 * MAX_WINDOW], bw = 0, bh = 0;
    double area = 0, all_mass = 0, fg_mass = 0;

    memset(s->region, 0, T * s->plane * sizeof(float));
    for (int f = 0; f < T; f++) {
        int *b = boxes + 5 * f;
        double m = 0, mf = 0;
        b[4] = fg_boxes[5 * f + 4] = 0;
        if (level > 0)
            find_box(diff + f * s->plane, n, level, join, fg ? fg + f * s->plane : NULL,
                     b, &m, fg_boxes + 5 * f, &mf, label, label + s->plane, groups);
        /* (frames where the pictures show nothing apart from the scenery
         * do not count) */
        if (fg && fg_any[f]) {
            all_mass += m;
            fg_mass  += mf;
        }
    }
    /* the contrast's strongest parts lie off what stands apart from the
     * scenery (on the scenery or the plain background), and its parts on
     * it have a good share too (a penguin's black and white lights up a
     * white cloud beside the grey elephant to replace): the element is
     * among the latter */
    if (fg && fg_mass < all_mass && fg_mass >= FG_CONTRAST * all_mass)
        memcpy(boxes, fg_boxes, 5 * T * sizeof(*boxes));
    /* a frame where the contrast finds nothing (the element turned, or the
     * level was set by a stronger frame) takes its nearest frame's box:
     * else the old element would pass through in that frame alone */
    for (int f = 0; f < T; f++) {
        int *b = boxes + 5 * f;
        for (int d = 1; d < T && !b[4]; d++) {
            for (int k = -1; k <= 1; k += 2) {
                const int src = f + k * d;
                if (src >= 0 && src < T && boxes[5 * src + 4] == 1) {
                    memcpy(b, boxes + 5 * src, 4 * sizeof(*b));
                    b[4] = 2;
                    break;
                }
            }
        }
    }
    /* the contrast lights up parts of the element: where the subject the
     * pictures show meets the box and is not much larger, the box grows
     * to hold it */
    for (int f = 0; f < T && subject; f++) {
        int *b = boxes + 5 * f;
        const DiffPixelGroup *sb = &subject[f];
        const double area = (double)(b[2] - b[0] + 1) * (b[3] - b[1] + 1);
        const double sarea = (double)(sb->x1 - sb->x0 + 1) * (sb->y1 - sb->y0 + 1);
        if (!b[4] || !sb->count || !boxes_meet(sb, b[0], b[1], b[2], b[3]) ||
            sarea > SUBJECT_GROWTH * area || sarea > MAX_REGION * s->plane)
            continue;
        b[0] = FFMIN(b[0], sb->x0);
        b[1] = FFMIN(b[1], sb->y0);
        b[2] = FFMAX(b[2], sb->x1);
        b[3] = FFMAX(b[3], sb->y1);
    }
    for (int f = 0; f < T; f++) {
        int *b = boxes + 5 * f;
        if (b[4]) {
            bw = FFMAX(bw, b[2] - b[0] + 1);
            bh = FFMAX(bh, b[3] - b[1] + 1);
        }
    }
    for (int f = 0; f < T; f++) {
        int *b = boxes + 5 * f;
        if (!b[4])
            continue;
        widen(&b[0], &b[2], bw + 2 * g, n);
        widen(&b[1], &b[3], bh + 2 * g, n);
        for (int y = b[1]; y <= b[3]; y++)
            for (int x = b[0]; x <= b[2]; x++)
                s->region[f * s->plane + y * n + x] = 1.0f;
        area += region_area(s, f);
    }
    return area / T;
}

/* exchange the window's first k frames (carried outputs) with the input
 * frames they were made from */
static void swap_carried(RemixContext *s, int k)
{
    for (size_t i = 0; i < k * s->fsz; i++)
        FFSWAP(float, s->clip[i], s->prev_in[i]);
}

/*
 * DiffEdit: where do the model's clean-clip predictions under the from and
 * to captions differ?  Two noise draws at t = 0.5, frame by frame; a pixel
 * counts where the difference reaches `threshold` of the window's largest.
 *
 * The region is a box per frame, not the outline: the model learnt remix on
 * boxes around the subject, the contrast lights up only parts of an element
 * (its most distinctive ones, not the same in every frame), and the new
 * element need not fit the old one's outline (region_boxes()).  Where the
 * from word's colours are also the background's, the contrast lights up
 * the whole picture: a region over MAX_REGION of the frames is no element,
 * and the threshold is raised until the region fits.
 */
static int find_region(AVFilterContext *ctx)
{
    RemixContext *s = ctx->priv;
    const int T = s->T;
    const size_t zn = s->sampler.clip;  /* the denoiser's clip: pixels or latents */
    float *x0 = av_malloc_array(2 * T * s->fsz, sizeof(float));
    float *x0z = s->ae ? av_malloc_array(2 * zn, sizeof(float)) : x0;
    float *xt = av_malloc_array(zn, sizeof(float));
    float *diff = av_calloc(T * s->plane, sizeof(float));
    float *nz = av_malloc_array(zn, sizeof(float));
    int *label = av_malloc_array(2 * s->plane, sizeof(int));
    DiffPixelGroup *groups = av_malloc_array(s->plane, sizeof(*groups));
    DiffPixelGroup *subject = s->complete ? av_malloc_array(T, sizeof(*subject)) : NULL;
    uint8_t *fg = s->complete ? av_malloc_array(T, s->plane) : NULL;
    uint8_t fg_any[MAX_WINDOW] = { 0 };
    const int K = FFMIN(s->carried, T);
    float mx = 0;
    int pad = 0, ret = 0, swapped = 0;

    if (!x0 || !x0z || !xt || !diff || !nz || !label || !groups ||
        (s->complete && (!subject || !fg))) {
        ret = AVERROR(ENOMEM);
        goto end;
    }
    if ((ret = set_context(s, ctx, 1, s->from_ids, s->nb_from)) < 0)
        goto end;
    /* the element is searched on input frames only: the carried frames
     * give way to the inputs they were made from (on the outputs the new
     * element stands, and a clip that turns from it into the old one
     * blurs both captions' predictions of the old one) */
    swap_carried(s, K);
    swapped = 1;
    if (s->complete && (ret = ff_diff_subject_boxes(s->clip, T, s->size, NULL, NULL, subject, fg)) < 0)
        goto end;
    for (int f = 0; fg && f < T; f++)
        for (size_t i = 0; i < s->plane && !fg_any[f]; i++)
            fg_any[f] = fg[f * s->plane + i];
    /* a latent model contrasts its predictions of the clip's latents, decoded */
    if (s->ae) {
        if ((ret = ff_diff_autoencoder_encode(s->ae, s->clip, T, s->zclip)) < 0)
            goto end;
        s->zclip_window = K ? -1 : s->window;
    }
    memset(s->ctx_mask, 0, T * s->plane * sizeof(float));
    for (int draw = 0; draw < CONTRAST_DRAWS; draw++) {
        const float *c0 = s->ae ? s->zclip : s->clip;
        ff_diff_normal(nz, zn, s->used_seed ^ 0x5eed, ((uint64_t)s->window << 8) | draw);
        for (size_t i = 0; i < zn; i++)
            xt[i] = 0.5f * c0[i] + 0.5f * nz[i];
        /* nothing known: the mask is zero at either size */
        ret = ff_diff_denoiser_forward(s->dn, xt, 0.5f, c0, s->ctx_mask, x0z, NULL);
        if (ret < 0)
            goto end;
        if (s->ae &&
            ((ret = ff_diff_autoencoder_decode(s->ae, x0z, T, x0)) < 0 ||
             (ret = ff_diff_autoencoder_decode(s->ae, x0z + zn, T, x0 + T * s->fsz)) < 0))
            goto end;
        for (int f = 0; f < T; f++)
            for (size_t i = 0; i < s->plane; i++) {
                float d = 0;
                for (int c = 0; c < 3; c++) {
                    size_t k = (f * 3 + c) * s->plane + i;
                    d += fabsf(x0[k] - x0[T * s->fsz + k]);
                }
                diff[f * s->plane + i] += d;
            }
    }
    for (size_t i = 0; i < T * s->plane; i++)
        mx = FFMAX(mx, diff[i]);
    for (int k = 0; k < LEVEL_STEPS; k++) {
        const float th = s->threshold + (1.0f - s->threshold) * k / LEVEL_STEPS;
        double area = region_boxes(s, diff, th * mx, subject, fg, fg_any, label, groups);
        if (area <= MAX_REGION || !mx)
            break;
        if (k + 1 < LEVEL_STEPS)
            av_log(ctx, AV_LOG_VERBOSE, "window %"PRId64": at threshold %.2f the region "
                   "covers %.0f%% of the frames; trying %.2f\n", s->window, th, 100 * area,
                   s->threshold + (1.0f - s->threshold) * (k + 1) / LEVEL_STEPS);
        else
            av_log(ctx, AV_LOG_WARNING, "window %"PRId64": '%s' is not told apart from the "
                   "rest of the picture; the region covers %.0f%% of the frames\n",
                   s->window, s->from, 100 * area);
    }
    ret = set_context(s, ctx, 1, &pad, 1);
end:
    if (swapped)
        swap_carried(s, K);
    if (x0z != x0)
        av_free(x0z);
    av_free(x0);
    av_free(xt);
    av_free(diff);
    av_free(nz);
    av_free(label);
    av_free(groups);
    av_free(subject);
    av_free(fg);
    return ret;
}

/* the noise level the window starts from: one that carries frames of the
 * window before starts from next_strength */
static float window_strength(const RemixContext *s)
{
    return s->carried ? s->used_next : s->strength;
}

static int start_window(AVFilterContext *ctx)
{
    RemixContext *s = ctx->priv;
    const int T = s->T, K = s->carried;
    const float t_start = window_strength(s);
    double area = 0;
    int ret;

    /* model-size clip: carried outputs, then the input frames, padded with
     * the last one when the stream ends mid-window */
    for (int f = 0; f < T; f++) {
        if (f < K)
            memcpy(s->clip + f * s->fsz, s->prev + f * s->fsz, s->fsz * sizeof(float));
        else if (f - K < s->nb)
            to_model(s, s->frames[f - K], s->clip + f * s->fsz);
        else
            memcpy(s->clip + f * s->fsz, s->clip + (f - 1) * s->fsz, s->fsz * sizeof(float));
    }
    /* the region to re-generate, per frame (none on carried frames and on
     * frames the timeline disables) */
    for (int f = 0; f < T; f++) {
        float *r = s->region + f * s->plane;
        int src = FFMIN(f - K, s->nb - 1);
        if (s->use_mask && f >= K)
            mask_to_model(s, s->masks[src], r);
        else if (!s->from)
            for (size_t i = 0; i < s->plane; i++)
                r[i] = 1.0f;
    }
    if (s->from && !s->use_mask && (ret = find_region(ctx)) < 0)
        return ret;
    for (int f = 0; f < T; f++) {
        if (f < K || s->disabled[FFMIN(f - K, s->nb - 1)])
            memset(s->region + f * s->plane, 0, s->plane * sizeof(float));
        area += region_area(s, f);
    }
    s->located = area > 0.002 * T;
    if (s->from && !s->use_mask && !s->located)
        av_log(ctx, AV_LOG_WARNING, "window %"PRId64": the model could not locate '%s'; "
               "frames pass through\n", s->window, s->from);

    for (int f = 0; f < T; f++)
        for (size_t i = 0; i < s->plane; i++)
            s->ctx_mask[f * s->plane + i] = 1.0f - s->region[f * s->plane + i];
    for (size_t i = 0; i < T * s->fsz; i++)
        s->ctx_clip[i] = s->clip[i] * s->ctx_mask[(i / s->fsz) * s->plane + i % s->plane];
    /* show_mask remixes too, so that it shows the regions of a real run
     * (the carried frames, the context of the next window, are outputs) */
    if (!s->located) {
        s->running = 0;
        return 1; /* nothing to generate */
    }
    /* Every window starts from the same noise, stream 0 of the seed (and
     * its churn from the same streams step by step): much of what a
     * re-generated subject looks like comes from its noise, so one noise
     * keeps it alike from window to window where the context alone does
     * not.  Measured on five sets of 24 world clips (models/soragen.md,
     * session 26): the subject box's frame change at window boundaries
     * went from 1.19 to 1.10 times the one inside windows, and the clips
     * with a jump of over 1.5 times from 24 to 15, with as many clips
     * showing one subject in both windows (96 and 98 of 120). */
    if (s->ae) {
        /* a latent model: the clip's latents, known where all the pixels of
         * a latent pixel are */
        const size_t zn = s->sampler.clip, zf = zn / T, zp = s->sampler.plane;
        if (s->zclip_window != s->window &&
            (ret = ff_diff_autoencoder_encode(s->ae, s->clip, T, s->zclip)) < 0)
            return ret;
        s->zclip_window = s->window;
        ff_diff_latent_known(s->ctx_mask, T, s->model->cfg.size, s->zmask);
        for (size_t i = 0; i < zn; i++)
            s->zctx[i] = s->zclip[i] * s->zmask[(i / zf) * zp + i % zp];
        ret = ff_diff_sampler_start(&s->sampler, s->used_seed, 0, s->steps,
                                    s->guidance, s->method, s->used_churn, s->zctx, s->zmask,
                                    t_start, s->zclip);
    } else {
        ret = ff_diff_sampler_start(&s->sampler, s->used_seed, 0, s->steps,
                                    s->guidance, s->method, s->used_churn, s->ctx_clip,
                                    s->ctx_mask, t_start, s->clip);
    }
    if (ret < 0)
        return ret;
    s->running = 1;
    return 0;
}

/* copy the pixels of src inside the region (mask_full) into dst */
static void paste_region(RemixContext *s, AVFrame *dst, const AVFrame *src)
{
    const AVPixFmtDescriptor *d = s->desc;
    const uint8_t *m = s->mask_full->data[0];
    const int ml = s->mask_full->linesize[0];

    for (int p = 0; p < av_pix_fmt_count_planes(dst->format); p++) {
        int sub = (d->flags & AV_PIX_FMT_FLAG_RGB) || d->nb_components < 3 ? 0 :
                  (p == 1 || p == 2);
        int cw = sub ? d->log2_chroma_w : 0, ch = sub ? d->log2_chroma_h : 0;
        int pw = AV_CEIL_RSHIFT(dst->width, cw), ph = AV_CEIL_RSHIFT(dst->height, ch);
        int bpp = 0;

        for (int c = 0; c < d->nb_components; c++)
            if (d->comp[c].plane == p)
                bpp = FFMAX(bpp, d->comp[c].step);
        for (int y = 0; y < ph; y++) {
            uint8_t *o = dst->data[p] + y * dst->linesize[p];
            const uint8_t *g = src->data[p] + y * src->linesize[p];
            for (int x = 0; x < pw; x++) {
                /* a subsampled sample changes if any pixel it covers does */
                int hit = 0;
                for (int yy = y << ch; yy < FFMIN((y + 1) << ch, dst->height) && !hit; yy++)
                    for (int xx = x << cw; xx < FFMIN((x + 1) << cw, dst->width); xx++)
                        if (m[yy * ml + xx] >= 128) {
                            hit = 1;
                            break;
                        }
                if (hit)
                    memcpy(o + x * bpp, g + x * bpp, bpp);
            }
        }
    }
}

/*
 * Shrink a found region (from/to mode) to what the remix changed: a pixel of
 * the box stays in the region where some channel of the result moved at
 * least `keep` (share of the full range) from the input, or next to such a
 * pixel (a one-pixel margin, so the new element's soft edge is kept whole).
 * Elsewhere in the box the model only redrew the background or the parts
 * of the picture that stay: those pixels are the input's again, bit for bit,
 * rather than a re-drawing of them.
 */
static void refine_region(RemixContext *s, const float *res, int f)
{
    const int n = s->size;
    const float *in = s->clip + f * s->fsz, *out = res + f * s->fsz;
    float *r = s->region + f * s->plane;

    for (size_t k = 0; k < s->plane; k++) {
        float d = 0;
        for (int c = 0; c < 3; c++)
            d = FFMAX(d, fabsf(av_clipf(out[c * s->plane + k], -1.0f, 1.0f) -
                               in[c * s->plane + k]));
        /* model pixels span [-1, 1] (the result is clipped to it when
         * written): half the difference is the share */
        s->changed[k] = r[k] > 0.5f && 0.5f * d >= s->keep;
    }
    for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++) {
            int hit = 0;
            if (r[y * n + x] <= 0.5f)
                continue;
            for (int yy = FFMAX(y - 1, 0); yy <= FFMIN(y + 1, n - 1) && !hit; yy++)
                for (int xx = FFMAX(x - 1, 0); xx <= FFMIN(x + 1, n - 1); xx++)
                    if (s->changed[yy * n + xx]) {
                        hit = 1;
                        break;
                    }
            r[y * n + x] = hit;
        }
}

static int emit_window(AVFilterContext *ctx)
{
    RemixContext *s = ctx->priv;
    AVFilterLink *outlink = ctx->outputs[0];
    const float *res = s->running ? ff_diff_sampler_result(&s->sampler) : s->clip;
    const int K = s->carried, n = s->size;
    char buf[64];
    int ret = 0;

    if (s->running && s->ae) {
        /* a latent model's result: its decoder draws the frames */
        if ((ret = ff_diff_autoencoder_decode(s->ae, res, s->T, s->decoded)) < 0)
            return ret;
        res = s->decoded;
    }

    for (int i = 0; i < s->nb; i++) {
        const int f = K + i;
        AVFrame *out = s->frames[i];
        uint8_t *md[4] = { s->mask_full->data[0] }, *rd[4] = { s->rgb };
        int mls[4] = { s->mask_full->linesize[0] }, rls[4] = { 3 * n };
        uint8_t small[256 * 256];
        double area;

        if (s->running && s->from && !s->use_mask && s->keep > 0 && !s->show_mask)
            refine_region(s, res, f);
        area = region_area(s, f);
        s->frames[i] = NULL;
        for (size_t k = 0; k < s->plane; k++)
            small[k] = s->region[f * s->plane + k] > 0.5f ? 255 : 0;
        if (s->use_mask && s->masks[i] && !s->disabled[i]) {
            /* the user's mask at full resolution is the region, exactly */
            av_image_copy_plane(md[0], mls[0], s->masks[i]->data[0], s->masks[i]->linesize[0],
                                out->width, out->height);
        } else {
            sws_scale(s->mask_up, (const uint8_t * const[4]){ small }, (const int[4]){ n }, 0, n,
                      md, mls);
        }

        if ((ret = av_frame_make_writable(out)) < 0) {
            av_frame_free(&out);
            break;
        }
        if (s->show_mask) {
            /* the region as white on black, in the input's format */
            for (size_t k = 0; k < s->plane; k++)
                for (int c = 0; c < 3; c++)
                    s->rgb[3 * k + c] = small[k];
            sws_scale(s->up, (const uint8_t * const *)rd, rls, 0, n, s->gen->data, s->gen->linesize);
            av_frame_copy(out, s->gen);
        } else if (area > 0 && s->running) {
            for (size_t k = 0; k < s->plane; k++)
                for (int c = 0; c < 3; c++)
                    s->rgb[3 * k + c] = av_clip_uint8(lrintf((res[f * s->fsz + c * s->plane + k] + 1.0f) * 127.5f));
            sws_scale(s->up, (const uint8_t * const *)rd, rls, 0, n, s->gen->data, s->gen->linesize);
            paste_region(s, out, s->gen);
        }
        av_dict_set(&out->metadata, "lavfi.remix.prompt", s->prompt ? s->prompt : s->to, 0);
        if (s->from) {
            av_dict_set(&out->metadata, "lavfi.remix.from", s->from, 0);
            av_dict_set(&out->metadata, "lavfi.remix.to", s->to, 0);
            av_dict_set(&out->metadata, "lavfi.remix.located", s->located ? "1" : "0", 0);
        }
        snprintf(buf, sizeof(buf), "%g", window_strength(s));
        av_dict_set(&out->metadata, "lavfi.remix.strength", buf, 0);
        snprintf(buf, sizeof(buf), "%.4f", area);
        av_dict_set(&out->metadata, "lavfi.remix.mask_area", buf, 0);
        snprintf(buf, sizeof(buf), "%"PRIu64, s->used_seed);
        av_dict_set(&out->metadata, "lavfi.remix.seed", buf, 0);
        snprintf(buf, sizeof(buf), "%d", s->steps);
        av_dict_set(&out->metadata, "lavfi.remix.steps", buf, 0);
        snprintf(buf, sizeof(buf), "%g", s->used_churn);
        av_dict_set(&out->metadata, "lavfi.remix.churn", buf, 0);
        av_dict_set(&out->metadata, "lavfi.remix.model", av_basename(s->model->path), 0);
        snprintf(buf, sizeof(buf), "%"PRId64, s->window);
        av_dict_set(&out->metadata, "lavfi.remix.window", buf, 0);
        av_frame_free(&s->masks[i]);
        if ((ret = ff_filter_frame(outlink, out)) < 0)
            break;
    }
    for (int i = 0; i < s->nb; i++) {
        av_frame_free(&s->frames[i]);
        av_frame_free(&s->masks[i]);
    }
    /* carry the last output frames (model size) into the next window */
    {
        int last = K + s->nb, keep = FFMIN(s->overlap, last);
        for (int j = 0; j < keep; j++) {
            const int f = last - keep + j;
            memcpy(s->prev + j * s->fsz, res + f * s->fsz, s->fsz * sizeof(float));
            /* a carried frame's input is in prev_in at f >= j */
            memmove(s->prev_in + j * s->fsz, (f < K ? s->prev_in : s->clip) + f * s->fsz,
                    s->fsz * sizeof(float));
        }
        s->carried = keep;
    }
    s->nb = 0;
    s->running = 0;
    s->window++;
    return ret;
}

static int activate(AVFilterContext *ctx)
{
    RemixContext *s = ctx->priv;
    AVFilterLink *inlink = ctx->inputs[0], *outlink = ctx->outputs[0];
    AVFilterLink *masklink = ctx->nb_inputs > 1 ? ctx->inputs[1] : NULL;
    int capacity, ret, status;
    int64_t pts;

    FF_FILTER_FORWARD_STATUS_BACK_ALL(outlink, ctx);

    if (s->running) {
        ret = ff_diff_sampler_step(&s->sampler);
        if (ret < 0)
            return ret;
        if (ret > 0 && (ret = emit_window(ctx)) < 0)
            return ret;
        ff_filter_set_ready(ctx, 100);
        return 0;
    }

    capacity = s->T - s->carried;
    while (s->nb < capacity && !s->eof && ff_inlink_queued_frames(inlink)) {
        AVFrame *in, *mask = NULL;
        if (masklink && !s->masks[s->nb]) {
            /* the mask of this frame first: hold the frame until it comes */
            ret = ff_inlink_consume_frame(masklink, &mask);
            if (ret < 0)
                return ret;
            if (!ret) {
                if (ff_inlink_acknowledge_status(masklink, &status, &pts)) {
                    av_log(ctx, AV_LOG_ERROR, "The mask input ended before the video\n");
                    return AVERROR_INVALIDDATA;
                }
                ff_inlink_request_frame(masklink);
                return 0;
            }
            s->masks[s->nb] = mask;
        }
        ret = ff_inlink_consume_frame(inlink, &in);
        if (ret < 0)
            return ret;
        s->disabled[s->nb] = ctx->is_disabled;
        s->frames[s->nb++] = in;
    }
    if (!s->eof && ff_inlink_acknowledge_status(inlink, &status, &pts)) {
        s->eof = 1;
        s->eof_pts = pts;
    }
    if (s->nb == capacity || (s->eof && s->nb)) {
        ret = start_window(ctx);
        if (ret < 0)
            return ret;
        if (ret > 0 && (ret = emit_window(ctx)) < 0)
            return ret;
        ff_filter_set_ready(ctx, 100);
        return 0;
    }
    if (s->eof) {
        ff_outlink_set_status(outlink, AVERROR_EOF, s->eof_pts);
        return 0;
    }
    if (ff_outlink_frame_wanted(outlink)) {
        ff_inlink_request_frame(inlink);
        return 0;
    }
    return FFERROR_NOT_READY;
}

static const AVFilterPad remix_inputs[] = {
    {
        .name = "default",
        .type = AVMEDIA_TYPE_VIDEO,
    },
};

static const AVFilterPad remix_outputs[] = {
    {
        .name         = "default",
        .type         = AVMEDIA_TYPE_VIDEO,
        .config_props = config_output,
    },
};

const AVFilter ff_vf_remix = {
    .name          = "remix",
    .description   = NULL_IF_CONFIG_SMALL("Re-generate elements of a video from a prompt with a diffusion model."),
    .priv_size     = sizeof(RemixContext),
    .priv_class    = &remix_class,
    .init          = init,
    .uninit        = uninit,
    .activate      = activate,
    FILTER_INPUTS(remix_inputs),
    FILTER_OUTPUTS(remix_outputs),
    FILTER_QUERY_FUNC(query_formats),
    .flags         = AVFILTER_FLAG_DYNAMIC_INPUTS | AVFILTER_FLAG_SUPPORT_TIMELINE_INTERNAL,
};
