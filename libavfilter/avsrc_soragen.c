/*
 * soragen: text-to-video generation source
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
 * Generate video from a text prompt with a flow-matching diffusion model
 * (libavfilter/diffusion/).  The clip is generated in chunks of the model's
 * native frame count; each chunk after the first continues the previous
 * one through its last frames (context frames), so a stream can be as long
 * as wanted.  One network evaluation runs per activation, so commands are
 * served between steps and the graph never waits on a busy loop.
 */

#include <errno.h>
#include <float.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

#include "libavutil/avassert.h"
#include "libavutil/avstring.h"
#include "libavutil/channel_layout.h"
#include "libavutil/cpu.h"
#include "libavutil/mem.h"
#include "libavutil/opt.h"
#include "libavutil/random_seed.h"
#include "libswresample/swresample.h"

#include <sndfile.h>
#include "libavutil/internal.h"
#include "audio.h"
#include "avfilter.h"
#include "filters.h"
#include "formats.h"
#include "video.h"

#include "diffusion/audio_render.h"
#include "diffusion/autoencoder.h"
#include "diffusion/denoiser.h"
#include "diffusion/dialogue.h"
#include "diffusion/events.h"
#include "diffusion/footsteps.h"
#include "diffusion/inbetween.h"
#include "diffusion/model.h"
#include "diffusion/onednn.h"
#include "diffusion/sampler.h"
#include "diffusion/sound_bank.h"
#include "diffusion/text_encoder.h"
#include "diffusion/tokenizer.h"


enum { PRECISION_F32, PRECISION_BF16 };
enum { INBETWEEN_BLEND, INBETWEEN_MOTION };

typedef struct SoragenContext {
    const AVClass *class;

    /* options */
    char *prompt;
    int w, h;
    AVRational frame_rate;
    int64_t duration;
    int64_t seed;
    int steps;
    float guidance;
    int method;
    float churn;
    char *model_path;
    int threads;
    int precision;
    int overlap;
    int inbetween;
    int audio;
    int sample_rate;
    AVChannelLayout ch_layout;
    float event_threshold;
    float event_confirmed;
    float event_certain;
    char *sounds_path;
    char *stems;

    /* engine */
    DiffModel *model;
    DiffDnn dnn;
    DiffDenoiser *dn;
    DiffSampler sampler;
    int dnn_ready, sampler_ready;
    int batch;
    uint64_t used_seed;
    int tokens[256];
    int nb_tokens;
    int context_dirty;
    char *chunk_prompt;      /* prompt of the newest chunk */
    char *prev_prompt;       /* prompt of the chunk before it */
    int64_t chunk_start;     /* first native frame of the newest chunk */

    /* native frames: [cap][3][size][size] in [-1, 1], first is native index base */
    float *hist;
    float *hist_events;      /* [cap][2] event probabilities */
    int cap;
    int64_t base, nb_native;
    int64_t events_upto;     /* native frames whose events are known */
    int analyse;             /* the analyser runs: for the sounds, or for in-betweens */
    uint8_t *hist_mask;      /* [cap][size][size] the subject's pixels (in-betweens) */
    DiffPose *hist_pose;     /* [cap] the subject's pose */
    float *hist_contact;     /* [cap][2] contact after the frame: fraction (< 0: none), level */
    uint8_t *fg;             /* [cap][size][size] the analyser's foreground */
    float *between;          /* [3][size][size] an in-between frame */
    uint8_t *between_masks;  /* [2][size][size] its scratch */
    DiffSubjectSeen subject_seen; /* the event analyser's last sight of the subject */
    DiffFootsteps walk;           /* the footfalls counted since a walk began */
    int64_t chunk;           /* chunks started */
    int running;
    float *ctx_clip, *ctx_mask; /* the denoiser's clip: pixels or latents */
    DiffAutoencoder *ae;        /* latent models: frames <-> latents */
    float *decoded;             /* latent models: the chunk's frames */

    /* output */
    int64_t pts, nb_frames;

    /* audio: events of the generated frames, sounds of the prompt */
    DiffEvent *events;
    int nb_events, events_cap;
    DiffSound sounds[2];
    int64_t nb_events_total;
    DiffSoundBank *bank;
    DiffDialogue *dialogue;
    char *dialogue_text;
    double dialogue_start;     /* seconds */
    float *speech;             /* the dialogue at the output rate */
    int speech_len;
    float *extra;
    SNDFILE *stem_file[2];
    FILE *event_log;
    float *stem_buf;
    float *bank_audio[DIFF_BANK_MAX_ENTRIES];   /* entries at the output rate */
    int bank_len[DIFF_BANK_MAX_ENTRIES];
    int *xi, *yi;            /* bilinear source indices and 8-bit weights */
    uint8_t *xw, *yw;
} SoragenContext;

/* native frames the event analyser looks at before the frames whose events
 * it times (ff_diff_find_events(); after them: ff_diff_events_after()) */
#define EVENT_HISTORY   4
/* native frames before the first whose events are being found that are
 * still held: a contact is often found from the interval after its own
 * (the model hints a generated landing a frame late) and its landing
 * from up to two intervals on, so the frames, and the audio under them,
 * go out this far behind what the analyser has timed */
#define EVENT_HOLD      2

/* native frames that may go out, their events final: EVENT_HOLD behind
 * those the analyser has timed, all of them once it has timed the last */
static int64_t released(const SoragenContext *s)
{
    return s->events_upto == s->nb_native ? s->events_upto :
           FFMAX(s->events_upto - EVENT_HOLD, 0);
}

#define OFFSET(x) offsetof(SoragenContext, x)
#define V AV_OPT_FLAG_VIDEO_PARAM | AV_OPT_FLAG_FILTERING_PARAM
#define A AV_OPT_FLAG_AUDIO_PARAM | AV_OPT_FLAG_FILTERING_PARAM
#define R AV_OPT_FLAG_RUNTIME_PARAM

static const AVOption soragen_options[] = {
    { "prompt",    "describe the clip",                  OFFSET(prompt),     AV_OPT_TYPE_STRING,     { .str = NULL },  0, 0, V | R },
    { "p",         "describe the clip",                  OFFSET(prompt),     AV_OPT_TYPE_STRING,     { .str = NULL },  0, 0, V | R },
    { "size",      "set output frame size",              OFFSET(w),          AV_OPT_TYPE_IMAGE_SIZE, { .str = "256x256" }, 0, 0, V },
    { "s",         "set output frame size",              OFFSET(w),          AV_OPT_TYPE_IMAGE_SIZE, { .str = "256x256" }, 0, 0, V },
    { "rate",      "set output frame rate",              OFFSET(frame_rate), AV_OPT_TYPE_VIDEO_RATE, { .str = "8" },   0, INT_MAX, V },
    { "r",         "set output frame rate",              OFFSET(frame_rate), AV_OPT_TYPE_VIDEO_RATE, { .str = "8" },   0, INT_MAX, V },
    { "duration",  "set duration, negative: unbounded",  OFFSET(duration),   AV_OPT_TYPE_DURATION,   { .i64 = 2000000 }, INT64_MIN, INT64_MAX, V },
    { "d",         "set duration, negative: unbounded",  OFFSET(duration),   AV_OPT_TYPE_DURATION,   { .i64 = 2000000 }, INT64_MIN, INT64_MAX, V },
    { "seed",      "set noise seed, -1: random",         OFFSET(seed),       AV_OPT_TYPE_INT64,      { .i64 = -1 },    -1, UINT32_MAX, V | R },
    { "steps",     "set sampling steps per chunk",       OFFSET(steps),      AV_OPT_TYPE_INT,        { .i64 = 20 },    1, 1000, V | R },
    { "guidance",  "set classifier-free guidance scale", OFFSET(guidance),   AV_OPT_TYPE_FLOAT,      { .dbl = 3.0 },   0, 30, V | R },
    { "sampler",   "set the sampling method",            OFFSET(method),     AV_OPT_TYPE_INT,        { .i64 = DIFF_SAMPLER_EULER }, 0, 1, V | R, .unit = "sampler" },
        { "euler", "first order",  0, AV_OPT_TYPE_CONST, { .i64 = DIFF_SAMPLER_EULER }, 0, 0, V | R, .unit = "sampler" },
        { "heun",  "second order", 0, AV_OPT_TYPE_CONST, { .i64 = DIFF_SAMPLER_HEUN },  0, 0, V | R, .unit = "sampler" },
    { "churn",     "set fresh noise per sampling step, -1: auto", OFFSET(churn), AV_OPT_TYPE_FLOAT, { .dbl = -1 }, -1, 0.99, V | R },
    { "model",     "set the model file",                 OFFSET(model_path), AV_OPT_TYPE_STRING,     { .str = NULL },  0, 0, V },
    { "threads",   "set engine threads, 0: all cores",   OFFSET(threads),    AV_OPT_TYPE_INT,        { .i64 = 0 },     0, 256, V },
    { "precision", "set the network's arithmetic",       OFFSET(precision),  AV_OPT_TYPE_INT,        { .i64 = PRECISION_F32 }, 0, 1, V, .unit = "precision" },
        { "f32",   "32-bit float",      0, AV_OPT_TYPE_CONST, { .i64 = PRECISION_F32 },  0, 0, V, .unit = "precision" },
        { "bf16",  "bfloat16 matmuls",  0, AV_OPT_TYPE_CONST, { .i64 = PRECISION_BF16 }, 0, 0, V, .unit = "precision" },
    { "overlap",   "set context frames carried into each next chunk", OFFSET(overlap), AV_OPT_TYPE_INT, { .i64 = 2 }, 1, 4, V },
    { "inbetween", "set how frames between the model's are made", OFFSET(inbetween), AV_OPT_TYPE_INT, { .i64 = INBETWEEN_MOTION }, 0, 1, V, .unit = "inbetween" },
        { "blend",  "cross-fade the two frames",             0, AV_OPT_TYPE_CONST, { .i64 = INBETWEEN_BLEND },  0, 0, V, .unit = "inbetween" },
        { "motion", "move the subject along its path",       0, AV_OPT_TYPE_CONST, { .i64 = INBETWEEN_MOTION }, 0, 0, V, .unit = "inbetween" },
    { "audio",     "add the audio output",                OFFSET(audio),      AV_OPT_TYPE_BOOL,   { .i64 = 1 },     0, 1, V | A },
    { "sample_rate", "set the audio sample rate",         OFFSET(sample_rate), AV_OPT_TYPE_INT,   { .i64 = 48000 }, 8000, 384000, A },
    { "sr",        "set the audio sample rate",           OFFSET(sample_rate), AV_OPT_TYPE_INT,   { .i64 = 48000 }, 8000, 384000, A },
    { "channel_layout", "set the audio channel layout",   OFFSET(ch_layout),  AV_OPT_TYPE_CHLAYOUT, { .str = "stereo" }, 0, 0, A },
    { "cl",        "set the audio channel layout",        OFFSET(ch_layout),  AV_OPT_TYPE_CHLAYOUT, { .str = "stereo" }, 0, 0, A },
    { "event_threshold", "model probability that makes a sound", OFFSET(event_threshold), AV_OPT_TYPE_FLOAT, { .dbl = 0.5 }, 0.01, 1, A },
    { "event_confirmed", "model probability that makes a sound where the picture shows the contact", OFFSET(event_confirmed), AV_OPT_TYPE_FLOAT, { .dbl = 0.05 }, 0.01, 1, A },
    { "event_certain", "model probability at which a contact may be timed from two frames a side", OFFSET(event_certain), AV_OPT_TYPE_FLOAT, { .dbl = 0.9 }, 0.01, 1, A },
    { "sounds",    "sound bank manifest, none: synthesis only", OFFSET(sounds_path), AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, A },
    { "stems",     "debug: write PREFIX-contact.wav, PREFIX-footfall.wav and PREFIX-events.txt", OFFSET(stems), AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, A },
    { NULL }
};

AVFILTER_DEFINE_CLASS(soragen);

/* Tokenize s->prompt into s->tokens; errors if no known word remains. */
static int parse_prompt(AVFilterContext *ctx, const char *prompt, int *tokens, int *nb)
{
    SoragenContext *s = ctx->priv;
    char unknown[512];
    int truncated;

    if (!prompt || !*prompt) {
        av_log(ctx, AV_LOG_ERROR, "No prompt given: set prompt='a hippo bounces on the sand'\n");
        return AVERROR(EINVAL);
    }
    *nb = ff_diff_tokenize(s->model, prompt, tokens, s->model->cfg.max_tokens,
                           unknown, sizeof(unknown), &truncated);
    if (unknown[0])
        av_log(ctx, AV_LOG_WARNING, "Words the model does not know (ignored): %s\n", unknown);
    if (truncated)
        av_log(ctx, AV_LOG_WARNING, "Prompt is longer than %d known words; the rest is ignored\n",
               s->model->cfg.max_tokens);
    if (!*nb) {
        av_log(ctx, AV_LOG_ERROR, "The prompt '%s' has no word the model knows\n", prompt);
        return AVERROR(EINVAL);
    }
    return 0;
}

static int resample(AVFilterContext *ctx, const float *samples, int nb_samples, int in_rate,
                    int rate, float **out, int *len);

static int update_context(AVFilterContext *ctx)
{
    SoragenContext *s = ctx->priv;
    const int D = s->model->cfg.dim;
    float *text = av_malloc_array(s->nb_tokens, D * sizeof(float));
    int pad = 0, ret;

    if (!text)
        return AVERROR(ENOMEM);
    ret = ff_diff_text_encode(s->model, s->tokens, s->nb_tokens, text, ctx);
    if (ret >= 0)
        ret = ff_diff_denoiser_set_context(s->dn, 0, text, s->nb_tokens);
    if (ret >= 0 && s->batch > 1) {
        ret = ff_diff_text_encode(s->model, &pad, 1, text, ctx);
        if (ret >= 0)
            ret = ff_diff_denoiser_set_context(s->dn, 1, text, 1);
    }
    av_free(text);
    if (ret >= 0) {
        char line[1024];
        size_t len = ff_diff_dialogue_text(s->prompt, line, sizeof(line));
        if (len && (!s->dialogue_text || strcmp(line, s->dialogue_text))) {
            ff_diff_dialogue_free(&s->dialogue);
            av_freep(&s->speech);
            av_freep(&s->dialogue_text);
            if ((ret = ff_diff_dialogue_speak(&s->dialogue, line, ctx)) < 0)
                return ret;
            if (!(s->dialogue_text = av_strdup(line)))
                return AVERROR(ENOMEM);
            s->dialogue_start = (double)s->nb_native / s->model->cfg.fps + 0.1;
            if (s->audio && (ret = resample(ctx, s->dialogue->samples, s->dialogue->nb_samples,
                                            s->dialogue->sample_rate, s->sample_rate,
                                            &s->speech, &s->speech_len)) < 0)
                return ret;
            av_log(ctx, AV_LOG_VERBOSE, "dialogue '%s': %.2f s from %.2f s\n", line,
                   (double)s->dialogue->nb_samples / s->dialogue->sample_rate, s->dialogue_start);
        } else if (!len) {
            ff_diff_dialogue_free(&s->dialogue);
            av_freep(&s->speech);
            av_freep(&s->dialogue_text);
        }
    }
    if (ret >= 0) {
        const char *words[256];
        for (int i = 0; i < s->nb_tokens; i++)
            words[i] = s->model->vocab[s->tokens[i]];
        ff_diff_sounds_for_words(words, s->nb_tokens, s->sounds);
        for (int k = 0; k < 2 && s->bank; k++) {
            const DiffBankEntry *e = ff_diff_sound_bank_find(s->bank, k, words, s->nb_tokens);
            if (e) {
                DiffSound *d = &s->sounds[k];
                int idx = e - s->bank->entries;
                d->samples    = s->bank_audio[idx];
                d->nb_samples = s->bank_len[idx];
                d->attack     = lrintf(e->attack_ms * s->sample_rate / 1000.0f);
                d->gain       = e->gain;
                d->length     = (float)(d->nb_samples - d->attack) / s->sample_rate;
                av_log(ctx, AV_LOG_VERBOSE, "%s sound: %s (%s, %s)\n",
                       k ? "footfall" : "contact", e->name, e->source, e->licence);
            }
        }
        s->context_dirty = 0;
    }
    return ret;
}

/* a bank sound at the output rate, through libswresample */
static int resample(AVFilterContext *ctx, const float *samples, int nb_samples, int in_rate,
                    int rate, float **out, int *len)
{
    AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
    SwrContext *swr = NULL;
    int cap = av_rescale(nb_samples, rate, in_rate) + 64, n, m;
    const uint8_t *in[1] = { (const uint8_t *)samples };
    uint8_t *dst[1];
    int ret;

    ret = swr_alloc_set_opts2(&swr, &mono, AV_SAMPLE_FMT_FLT, rate, &mono, AV_SAMPLE_FMT_FLT,
                              in_rate, 0, ctx);
    if (ret < 0 || (ret = swr_init(swr)) < 0) {
        swr_free(&swr);
        return ret;
    }
    *out = av_malloc_array(cap, sizeof(float));
    if (!*out) {
        swr_free(&swr);
        return AVERROR(ENOMEM);
    }
    dst[0] = (uint8_t *)*out;
    n = swr_convert(swr, dst, cap, in, nb_samples);
    dst[0] = (uint8_t *)(*out + FFMAX(n, 0));
    m = n < 0 ? n : swr_convert(swr, dst, cap - n, NULL, 0);
    swr_free(&swr);
    if (n < 0 || m < 0)
        return n < 0 ? n : m;
    *len = n + m;
    return 0;
}

static int config_audio(AVFilterLink *outlink)
{
    AVFilterContext *ctx = outlink->src;
    SoragenContext *s = ctx->priv;
    int ret;

    outlink->time_base = (AVRational){ 1, s->sample_rate };
    for (int i = 0; s->bank && i < s->bank->nb_entries; i++) {
        const DiffBankEntry *e = &s->bank->entries[i];
        av_freep(&s->bank_audio[i]);
        if ((ret = resample(ctx, e->samples, e->nb_samples, e->sample_rate, s->sample_rate,
                            &s->bank_audio[i], &s->bank_len[i])) < 0)
            return ret;
    }
    s->context_dirty = 1; /* pick the sounds again at the new rate */
    if (s->stems && !s->event_log) {
        static const char *names[2] = { "contact", "footfall" };
        char *path;
        for (int k = 0; k < 2; k++) {
            SF_INFO info = { .samplerate = s->sample_rate, .channels = 1,
                             .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
            if (!(path = av_asprintf("%s-%s.wav", s->stems, names[k])))
                return AVERROR(ENOMEM);
            s->stem_file[k] = sf_open(path, SFM_WRITE, &info);
            if (!s->stem_file[k]) {
                av_log(ctx, AV_LOG_ERROR, "Cannot write the stem %s: %s\n", path, sf_strerror(NULL));
                av_free(path);
                return AVERROR(EIO);
            }
            av_free(path);
        }
        if (!(path = av_asprintf("%s-events.txt", s->stems)))
            return AVERROR(ENOMEM);
        s->event_log = fopen(path, "w");
        if (!s->event_log) {
            ret = AVERROR(errno);
            av_log(ctx, AV_LOG_ERROR, "Cannot write %s: %s\n", path, av_err2str(ret));
            av_free(path);
            return ret;
        }
        av_free(path);
        fprintf(s->event_log, "# time_s kind strength refined\n");
    }
    return 0;
}

static int query_formats(AVFilterContext *ctx)
{
    SoragenContext *s = ctx->priv;
    static const enum AVPixelFormat pix_fmts[] = { AV_PIX_FMT_RGB24, AV_PIX_FMT_NONE };
    static const enum AVSampleFormat sample_fmts[] = { AV_SAMPLE_FMT_FLT, AV_SAMPLE_FMT_NONE };
    AVFilterChannelLayouts *layouts = NULL;
    int rates[] = { s->sample_rate, -1 };
    int ret;

    if ((ret = ff_formats_ref(ff_make_format_list(pix_fmts), &ctx->outputs[0]->incfg.formats)) < 0)
        return ret;
    if (ctx->nb_outputs < 2)
        return 0;
    if ((ret = ff_formats_ref(ff_make_format_list(sample_fmts), &ctx->outputs[1]->incfg.formats)) < 0 ||
        (ret = ff_formats_ref(ff_make_format_list(rates), &ctx->outputs[1]->incfg.samplerates)) < 0 ||
        (ret = ff_add_channel_layout(&layouts, &s->ch_layout)) < 0)
        return ret;
    return ff_channel_layouts_ref(layouts, &ctx->outputs[1]->incfg.channel_layouts);
}

static av_cold int init(AVFilterContext *ctx)
{
    SoragenContext *s = ctx->priv;
    float churn;
    int ret;

    if ((ret = ff_diff_model_open(&s->model, s->model_path, ctx)) < 0)
        return ret;
    if ((ret = parse_prompt(ctx, s->prompt, s->tokens, &s->nb_tokens)) < 0)
        return ret;
    if (s->overlap >= s->model->cfg.frames) {
        av_log(ctx, AV_LOG_ERROR, "overlap %d must be below the model's %d frames per chunk\n",
               s->overlap, s->model->cfg.frames);
        return AVERROR(EINVAL);
    }
    if (s->frame_rate.num <= 0 || s->frame_rate.den <= 0) {
        av_log(ctx, AV_LOG_ERROR, "Invalid frame rate %d/%d\n", s->frame_rate.num, s->frame_rate.den);
        return AVERROR(EINVAL);
    }
    if ((ret = ff_diff_sampler_churn(s->churn, s->method, &churn, ctx)) < 0)
        return ret;
    s->used_seed = s->seed >= 0 ? s->seed : av_get_random_seed();
    if (s->audio && !(s->sounds_path && !strcmp(s->sounds_path, "none"))) {
        char *bank = s->sounds_path ? av_strdup(s->sounds_path) :
                     av_asprintf("%s/sounds/bank.txt", ff_diff_model_dir());
        if (!bank)
            return AVERROR(ENOMEM);
        ret = ff_diff_sound_bank_load(&s->bank, bank, ctx);
        if (ret < 0 && s->sounds_path) {
            av_log(ctx, AV_LOG_ERROR, "Could not load the sound bank %s\n", bank);
            av_free(bank);
            return ret;
        }
        if (ret < 0)
            av_log(ctx, AV_LOG_WARNING, "No sound bank at %s: every sound is synthesised\n", bank);
        av_free(bank);
    }
    if (s->audio) {
        AVFilterPad pad = {
            .name         = "audio",
            .type         = AVMEDIA_TYPE_AUDIO,
            .config_props = config_audio,
        };
        if ((ret = ff_append_outpad(ctx, &pad)) < 0)
            return ret;
    }
    s->batch = s->guidance == 1.0f ? 1 : 2;
    s->context_dirty = 1;
    return 0;
}

static av_cold void uninit(AVFilterContext *ctx)
{
    SoragenContext *s = ctx->priv;

    if (s->sampler_ready)
        ff_diff_sampler_uninit(&s->sampler);
    ff_diff_denoiser_free(&s->dn);
    if (s->dnn_ready)
        ff_diff_dnn_uninit(&s->dnn);
    ff_diff_model_free(&s->model);
    av_freep(&s->hist);
    av_freep(&s->hist_events);
    av_freep(&s->hist_mask);
    av_freep(&s->hist_pose);
    av_freep(&s->hist_contact);
    av_freep(&s->fg);
    av_freep(&s->between);
    av_freep(&s->between_masks);
    av_freep(&s->ctx_clip);
    av_freep(&s->ctx_mask);
    av_freep(&s->decoded);
    ff_diff_autoencoder_free(&s->ae);
    av_freep(&s->chunk_prompt);
    av_freep(&s->prev_prompt);
    for (int k = 0; k < 2; k++)
        if (s->stem_file[k])
            sf_close(s->stem_file[k]);
    if (s->event_log)
        fclose(s->event_log);
    av_freep(&s->stem_buf);
    ff_diff_dialogue_free(&s->dialogue);
    av_freep(&s->dialogue_text);
    av_freep(&s->speech);
    av_freep(&s->extra);
    av_freep(&s->events);
    for (int i = 0; i < DIFF_BANK_MAX_ENTRIES; i++)
        av_freep(&s->bank_audio[i]);
    ff_diff_sound_bank_free(&s->bank);
    av_freep(&s->xi);
    av_freep(&s->yi);
    av_freep(&s->xw);
    av_freep(&s->yw);
}

/* bilinear resampling tables from n source samples to m output samples */
static int make_table(int n, int m, int **idx, uint8_t **w)
{
    *idx = av_malloc_array(m, sizeof(**idx));
    *w   = av_malloc(m);
    if (!*idx || !*w)
        return AVERROR(ENOMEM);
    for (int i = 0; i < m; i++) {
        double x = (i + 0.5) * n / m - 0.5;
        int x0 = floor(x);
        double f = x - x0;
        if (x0 < 0) {
            x0 = 0;
            f  = 0;
        } else if (x0 >= n - 1) {
            x0 = n - 2 < 0 ? 0 : n - 2;
            f  = n > 1 ? 1 : 0;
        }
        (*idx)[i] = x0;
        (*w)[i]   = lrint(f * 255);
    }
    return 0;
}

static int config_props(AVFilterLink *outlink)
{
    AVFilterContext *ctx = outlink->src;
    SoragenContext *s = ctx->priv;
    FilterLink *l = ff_filter_link(outlink);
    const DiffModelConfig *c = &s->model->cfg;
    const size_t fsz = (size_t)3 * c->frame_size * c->frame_size;
    int ret;

    outlink->w = s->w;
    outlink->h = s->h;
    outlink->time_base = av_inv_q(s->frame_rate);
    outlink->sample_aspect_ratio = (AVRational){ 1, 1 };
    l->frame_rate = s->frame_rate;
    s->nb_frames = s->duration < 0 ? -1 :
                   av_rescale_q_rnd(s->duration, AV_TIME_BASE_Q, outlink->time_base, AV_ROUND_UP);

    if ((ret = make_table(c->frame_size, s->w, &s->xi, &s->xw)) < 0 ||
        (ret = make_table(c->frame_size, s->h, &s->yi, &s->yw)) < 0)
        return ret;

    if (!s->dnn_ready) {
        int threads = s->threads ? s->threads : av_cpu_count();
        if ((ret = ff_diff_dnn_init(&s->dnn, threads, ctx)) < 0)
            return ret;
        s->dnn_ready = 1;
        ret = ff_diff_denoiser_init(&s->dn, s->model, &s->dnn, s->batch,
                                    s->precision == PRECISION_BF16, ctx);
        if (ret < 0)
            return ret;
        if ((ret = ff_diff_sampler_init(&s->sampler, s->dn)) < 0)
            return ret;
        s->sampler_ready = 1;
        s->cap = 3 * c->frames;
        s->hist        = av_malloc_array(s->cap, fsz * sizeof(float));
        s->hist_events = av_malloc_array(s->cap, DIFF_N_EVENTS * sizeof(float));
        /* the denoiser's clip: pixels, or a latent model's latents */
        s->ctx_clip    = av_calloc(s->sampler.clip, sizeof(float));
        s->ctx_mask    = av_calloc(c->frames * s->sampler.plane, sizeof(float));
        if (!s->hist || !s->hist_events || !s->ctx_clip || !s->ctx_mask)
            return AVERROR(ENOMEM);
        /* frames between the model's (an output rate not its own) with the
         * subject moved need the analyser's subject and contacts */
        s->analyse = s->audio || (s->inbetween == INBETWEEN_MOTION &&
                                  av_cmp_q(s->frame_rate, (AVRational){ c->fps, 1 }));
        if (s->inbetween == INBETWEEN_MOTION && s->analyse) {
            const size_t plane = (size_t)c->frame_size * c->frame_size;
            s->hist_mask    = av_malloc_array(s->cap, plane);
            s->hist_pose    = av_calloc(s->cap, sizeof(*s->hist_pose));
            s->hist_contact = av_malloc_array(s->cap, 2 * sizeof(float));
            s->fg           = av_malloc_array(s->cap, plane);
            s->between      = av_malloc_array(plane, 3 * sizeof(float));
            s->between_masks = av_malloc_array(plane, 2);
            if (!s->hist_mask || !s->hist_pose || !s->hist_contact || !s->fg || !s->between ||
                !s->between_masks)
                return AVERROR(ENOMEM);
        }
        if (c->ae_c1) {
            if ((ret = ff_diff_autoencoder_init(&s->ae, s->model, &s->dnn, c->frames, ctx)) < 0)
                return ret;
            if (!(s->decoded = av_malloc_array(c->frames, fsz * sizeof(float))))
                return AVERROR(ENOMEM);
        }
    }
    return 0;
}

/* native position of output frame n: integer part and 8-bit fraction */
static void native_pos(const SoragenContext *s, int64_t n, int64_t *i0, int *frac)
{
    int64_t num = n * s->model->cfg.fps * s->frame_rate.den;
    int64_t den = s->frame_rate.num;
    *i0   = num / den;
    *frac = (int)(((num % den) * 256 + den / 2) / den);
    if (*frac == 256) {
        (*i0)++;
        *frac = 0;
    }
}

static int start_chunk(AVFilterContext *ctx)
{
    SoragenContext *s = ctx->priv;
    const DiffModelConfig *c = &s->model->cfg;
    const size_t plane = s->sampler.plane, fsz = (size_t)3 * c->frame_size * c->frame_size;
    const size_t csz = s->sampler.clip / c->frames; /* floats of a frame of the clip */
    const int known = s->chunk ? s->overlap : 0;
    float churn;
    int ret;

    if (s->context_dirty && (ret = update_context(ctx)) < 0)
        return ret;
    av_freep(&s->prev_prompt);
    s->prev_prompt  = s->chunk_prompt;
    s->chunk_prompt = av_strdup(s->prompt);
    if (!s->chunk_prompt)
        return AVERROR(ENOMEM);
    s->chunk_start = s->nb_native;
    memset(s->ctx_clip, 0, c->frames * csz * sizeof(float));
    memset(s->ctx_mask, 0, c->frames * plane * sizeof(float));
    if (known) {
        /* the last frames made are this chunk's first, known in whole */
        int64_t src = s->nb_native - known - s->base;
        av_assert0(src >= 0 && src + known <= s->cap);
        if (!s->ae)
            memcpy(s->ctx_clip, s->hist + src * fsz, known * fsz * sizeof(float));
        else if ((ret = ff_diff_autoencoder_encode(s->ae, s->hist + src * fsz, known,
                                                   s->ctx_clip)) < 0)
            return ret;
        for (size_t i = 0; i < known * plane; i++)
            s->ctx_mask[i] = 1.0f;
    }
    if ((ret = ff_diff_sampler_churn(s->churn, s->method, &churn, ctx)) < 0)
        return ret;
    ret = ff_diff_sampler_start(&s->sampler, s->used_seed, s->chunk, s->steps,
                                s->batch > 1 ? s->guidance : 1.0f, s->method, churn,
                                s->ctx_clip, s->ctx_mask, 1.0f, NULL);
    if (ret < 0)
        return ret;
    av_log(ctx, AV_LOG_DEBUG, "chunk %"PRId64": native frames from %"PRId64", %d context\n",
           s->chunk, s->nb_native, known);
    s->running = 1;
    return 0;
}

static int finish_chunk(AVFilterContext *ctx, int64_t needed)
{
    SoragenContext *s = ctx->priv;
    const DiffModelConfig *c = &s->model->cfg;
    const size_t fsz = (size_t)3 * c->frame_size * c->frame_size;
    const int known = s->chunk ? s->overlap : 0, fresh = c->frames - known;
    const float *clip = ff_diff_sampler_result(&s->sampler);
    const int64_t total = s->nb_native + fresh;
    int64_t drop = FFMIN(needed, s->nb_native - s->overlap);
    int ret;

    if (s->ae) {
        /* a latent model's clip: its decoder draws the frames */
        if ((ret = ff_diff_autoencoder_decode(s->ae, clip, c->frames, s->decoded)) < 0)
            return ret;
        clip = s->decoded;
    }

    /* keep what output frames, the next chunk's context and the event
     * analyser (four frames before the first without events) still need */
    if (s->analyse)
        drop = FFMIN(drop, s->events_upto - EVENT_HISTORY);
    drop -= s->base;
    if (drop > 0) {
        int64_t keep = s->nb_native - s->base - drop;
        memmove(s->hist, s->hist + drop * fsz, keep * fsz * sizeof(float));
        memmove(s->hist_events, s->hist_events + drop * DIFF_N_EVENTS,
                keep * DIFF_N_EVENTS * sizeof(float));
        if (s->hist_mask) {
            const size_t plane = (size_t)c->frame_size * c->frame_size;
            memmove(s->hist_mask, s->hist_mask + drop * plane, keep * plane);
            memmove(s->hist_pose, s->hist_pose + drop, keep * sizeof(*s->hist_pose));
            memmove(s->hist_contact, s->hist_contact + 2 * drop, keep * 2 * sizeof(float));
        }
        s->base += drop;
    }
    av_assert0(total - s->base <= s->cap);
    for (int f = 0; f < fresh; f++) {
        int64_t dst = s->nb_native - s->base + f;
        memcpy(s->hist + dst * fsz, clip + (known + f) * fsz, fsz * sizeof(float));
        for (int e = 0; e < DIFF_N_EVENTS; e++) {
            float logit = s->sampler.events[(known + f) * DIFF_N_EVENTS + e];
            s->hist_events[dst * DIFF_N_EVENTS + e] = 1.0f / (1.0f + expf(-logit));
        }
    }
    if (s->analyse) {
        /* a contact in a chunk's last frames is timed from the bounce or
         * rest after it: their events wait for the next chunk (and their
         * frames with them), unless this chunk ends the stream */
        int64_t upto = total - ff_diff_events_after(c->fps), from = s->events_upto, a0;
        const double out_to = (double)released(s) / c->fps;
        float prob[256 * DIFF_N_EVENTS], y[DIFF_SUBJECT_MAX_FRAMES];
        DiffEvent found[256 * DIFF_N_EVENTS];
        int n;

        if (s->nb_frames >= 0) {
            int64_t i0;
            int frac;
            native_pos(s, s->nb_frames - 1, &i0, &frac);
            if (total >= i0 + !!frac + 1)
                upto = total;
        }
        upto = FFMAX(upto, from);
        a0   = FFMAX(s->base, from - EVENT_HISTORY);
        av_assert0(upto - from <= 256);
        for (int64_t f = from; f < upto; f++)
            for (int e = 0; e < DIFF_N_EVENTS; e++)
                prob[(f - from) * DIFF_N_EVENTS + e] = s->hist_events[(f - s->base) * DIFF_N_EVENTS + e];
        /* the subject of each frame: its track for the events, and for
         * the in-betweens its masks and poses */
        if (s->hist_mask) {
            const size_t plane = (size_t)c->frame_size * c->frame_size;
            DiffPixelGroup boxes[DIFF_SUBJECT_MAX_FRAMES];

            ret = ff_diff_subject_boxes(s->hist + (a0 - s->base) * fsz, total - a0, c->frame_size,
                                        &s->subject_seen, y, boxes, s->fg);
            if (ret < 0)
                return ret;
            ff_diff_subject_poses(y + (from - a0), boxes + (from - a0), s->fg + (from - a0) * plane,
                                  upto - from, c->frame_size, s->hist_mask + (from - s->base) * plane,
                                  s->hist_pose + (from - s->base));
        } else if ((ret = ff_diff_subject_track(s->hist + (a0 - s->base) * fsz, total - a0,
                                                c->frame_size, &s->subject_seen, y)) < 0) {
            return ret;
        }
        if (av_log_get_level() >= AV_LOG_TRACE) {
            /* what the analyser saw: the subject's vertical centre per
             * native frame (-1: unseen) and the model's contact chance
             * (-1 on the frames before and after the ones it times, which
             * it reads as context; a frame is logged again by each chunk
             * that reads it) */
            for (int64_t f = a0; f < total; f++)
                av_log(ctx, AV_LOG_TRACE, "analyser frame %"PRId64": y %.2f contact %.3f\n", f,
                       y[f - a0], f >= from && f < upto ? prob[(f - from) * DIFF_N_EVENTS] : -1.0f);
        }
        n = ff_diff_find_events(y, from - a0, upto - from, total - upto,
                                c->frame_size, from, c->fps, c->gravity, prob, s->event_threshold,
                                FFMIN(s->event_confirmed, s->event_threshold), s->event_certain,
                                &s->subject_seen, found, FF_ARRAY_ELEMS(found));
        if (n < 0)
            return n;
        /* (the contacts above also time the in-betweens; the steps are sounds only) */
        if (s->audio) {
            ret = ff_diff_footsteps(&s->walk, prob, upto - from, from, c->fps, s->event_threshold,
                                    found + n, FF_ARRAY_ELEMS(found) - n);
            if (ret < 0)
                return ret;
            n += ret;
        }
        /* a contact the pictures time: the in-betweens touch down then
         * (the interval just before from may get one now) */
        if (s->hist_mask) {
            const int64_t f0 = FFMAX(s->base, from - 1);
            ff_diff_inbetween_no_contacts(s->hist_contact + 2 * (from - s->base), upto - from);
            ff_diff_inbetween_contacts(found, n, f0, upto - f0, c->fps,
                                       s->hist_contact + 2 * (f0 - s->base));
        }
        /* a contact found in frames already out (the hold was not
         * enough) sounds at once, whole, rather than cut */
        for (int i = 0; i < n; i++) {
            if (found[i].time < out_to) {
                av_log(ctx, AV_LOG_VERBOSE, "contact at %.3f s found after its frames went "
                       "out; it sounds at %.3f s\n", found[i].time, out_to);
                found[i].time = out_to;
            }
        }
        /* the last chunk runs past a set duration: events after the
         * stream's end are never heard, and are not listed */
        if (s->nb_frames >= 0) {
            const double end = (double)s->nb_frames * s->frame_rate.den / s->frame_rate.num;
            int kept = 0;
            for (int i = 0; i < n; i++)
                if (found[i].time < end)
                    found[kept++] = found[i];
            n = kept;
        }
        if (!s->audio)
            n = 0;
        if (s->nb_events + n > s->events_cap) {
            int cap = FFMAX(2 * s->events_cap, s->nb_events + n + 16);
            void *tmp = av_realloc_array(s->events, cap, sizeof(*s->events));
            if (!tmp)
                return AVERROR(ENOMEM);
            s->events = tmp;
            s->events_cap = cap;
        }
        memcpy(s->events + s->nb_events, found, n * sizeof(*found));
        for (int i = 0; s->event_log && i < n; i++)
            fprintf(s->event_log, "%.6f %s %.3f %d\n", found[i].time,
                    found[i].kind == DIFF_EVENT_CONTACT ? "contact" : "footfall",
                    found[i].strength, found[i].refined);
        s->nb_events += n;
        s->nb_events_total += n;
        s->events_upto = upto;
    }
    s->nb_native += fresh;
    s->chunk++;
    s->running = 0;
    return 0;
}

/* samples before video frame n: rescale(n) = n * sr / fps, exactly */
static int64_t audio_pos(const SoragenContext *s, int64_t n)
{
    return av_rescale(n, (int64_t)s->sample_rate * s->frame_rate.den, s->frame_rate.num);
}

static int output_audio(AVFilterContext *ctx, int64_t n)
{
    SoragenContext *s = ctx->priv;
    AVFilterLink *outlink = ctx->outputs[1];
    const int64_t start = audio_pos(s, n), end = audio_pos(s, n + 1);
    const double now = (double)start / s->sample_rate;
    AVFrame *out;
    int keep = 0;

    /* events whose sound has ended are dropped */
    for (int i = 0; i < s->nb_events; i++)
        if (s->events[i].time + s->sounds[s->events[i].kind].length >= now)
            s->events[keep++] = s->events[i];
    s->nb_events = keep;
    if (end == start)
        return 0;
    out = ff_get_audio_buffer(outlink, end - start);
    if (!out)
        return AVERROR(ENOMEM);
    if (s->speech) {
        int64_t first = llrint(s->dialogue_start * s->sample_rate);
        float *tmp = av_realloc(s->extra, (end - start) * sizeof(float));
        if (!tmp) {
            av_frame_free(&out);
            return AVERROR(ENOMEM);
        }
        s->extra = tmp;
        for (int64_t i = start; i < end; i++)
            tmp[i - start] = i >= first && i - first < s->speech_len ? s->speech[i - first] : 0.0f;
    }
    ff_diff_render_events(s->events, s->nb_events, s->sounds, s->sample_rate,
                          s->ch_layout.nb_channels, s->used_seed, start, end - start,
                          s->speech ? s->extra : NULL, (float *)out->data[0]);
    out->pts = start;
    out->duration = end - start;
    if (s->event_log) {
        /* one stem per sound class: that class's events alone, mono */
        DiffEvent *sel = av_malloc_array(FFMAX(s->nb_events, 1), sizeof(*sel));
        float *buf = av_realloc(s->stem_buf, (end - start) * sizeof(float));
        if (!sel || !buf) {
            av_free(sel);
            av_frame_free(&out);
            return AVERROR(ENOMEM);
        }
        s->stem_buf = buf;
        for (int k = 0; k < 2; k++) {
            int n = 0;
            for (int i = 0; i < s->nb_events; i++)
                if (s->events[i].kind == k)
                    sel[n++] = s->events[i];
            ff_diff_render_events(sel, n, s->sounds, s->sample_rate, 1, s->used_seed, start,
                                  end - start, NULL, buf);
            sf_writef_float(s->stem_file[k], buf, end - start);
        }
        av_free(sel);
    }
    return ff_filter_frame(outlink, out);
}

static inline uint8_t to_u8(float v)
{
    int x = lrintf((v + 1.0f) * 127.5f);
    return av_clip_uint8(x);
}

static int output_frame(AVFilterContext *ctx, AVFilterLink *outlink, int64_t i0, int frac)
{
    SoragenContext *s = ctx->priv;
    const DiffModelConfig *c = &s->model->cfg;
    const int n = c->frame_size;
    const size_t plane = (size_t)n * n;
    const float *f0 = s->hist + (i0 - s->base) * 3 * plane;
    const float *f1 = frac ? f0 + 3 * plane : f0;
    float ft = frac / 256.0f;
    AVFrame *out = ff_get_video_buffer(outlink, s->w, s->h);
    char buf[64];
    int ret, moved = 0;

    if (!out)
        return AVERROR(ENOMEM);
    if (frac && s->hist_mask) {
        /* the subject moved to where it is between the two frames */
        const int64_t k = i0 - s->base, nb = s->events_upto - s->base;
        const double G = c->gravity > 0 ? c->gravity / ((double)c->fps * c->fps) : 0;
        float x, y;
        ff_diff_subject_path(s->hist_pose, nb, k, s->hist_contact + 2 * k, G, ft, &x, &y);
        moved = ff_diff_inbetween(f0, f1, s->hist_mask + k * plane,
                                  s->hist_mask + (k + 1) * plane, &s->hist_pose[k],
                                  &s->hist_pose[k + 1], x, y, n, ft, s->between_masks,
                                  s->between);
        av_log(ctx, AV_LOG_TRACE, "in-between %"PRId64" + %.3f: subject at %.2f, %.2f%s\n",
               i0, ft, x, y, moved ? "" : " (cross-faded)");
        f0 = f1 = s->between;
        ft = 0;
    }
    for (int y = 0; y < s->h; y++) {
        uint8_t *dst = out->data[0] + y * out->linesize[0];
        const int sy = s->yi[y], sy1 = FFMIN(sy + 1, n - 1);
        const float wy = s->yw[y] / 255.0f;
        for (int x = 0; x < s->w; x++) {
            const int sx = s->xi[x], sx1 = FFMIN(sx + 1, n - 1);
            const float wx = s->xw[x] / 255.0f;
            for (int ch = 0; ch < 3; ch++) {
                const float *p0 = f0 + ch * plane, *p1 = f1 + ch * plane;
                float a0 = (p0[sy * n + sx]  * (1 - wx) + p0[sy * n + sx1]  * wx) * (1 - wy) +
                           (p0[sy1 * n + sx] * (1 - wx) + p0[sy1 * n + sx1] * wx) * wy;
                float a1 = (p1[sy * n + sx]  * (1 - wx) + p1[sy * n + sx1]  * wx) * (1 - wy) +
                           (p1[sy1 * n + sx] * (1 - wx) + p1[sy1 * n + sx1] * wx) * wy;
                dst[3 * x + ch] = to_u8(a0 + (a1 - a0) * ft);
            }
        }
    }
    out->pts = s->pts++;
    out->duration = 1;
    av_dict_set(&out->metadata, "lavfi.soragen.prompt",
                i0 < s->chunk_start && s->prev_prompt ? s->prev_prompt : s->chunk_prompt, 0);
    snprintf(buf, sizeof(buf), "%"PRIu64, s->used_seed);
    av_dict_set(&out->metadata, "lavfi.soragen.seed", buf, 0);
    snprintf(buf, sizeof(buf), "%d", s->steps);
    av_dict_set(&out->metadata, "lavfi.soragen.steps", buf, 0);
    snprintf(buf, sizeof(buf), "%g", s->guidance);
    av_dict_set(&out->metadata, "lavfi.soragen.guidance", buf, 0);
    snprintf(buf, sizeof(buf), "%g", s->sampler.churn);
    av_dict_set(&out->metadata, "lavfi.soragen.churn", buf, 0);
    av_dict_set(&out->metadata, "lavfi.soragen.model", av_basename(s->model->path), 0);
    snprintf(buf, sizeof(buf), "%"PRId64, i0);
    av_dict_set(&out->metadata, "lavfi.soragen.native_frame", buf, 0);
    if (frac)
        av_dict_set(&out->metadata, "lavfi.soragen.inbetween", moved ? "motion" : "blend", 0);
    if (s->dialogue) {
        double t0 = (double)(s->pts - 1) * s->frame_rate.den / s->frame_rate.num - s->dialogue_start;
        double t1 = t0 + (double)s->frame_rate.den / s->frame_rate.num;
        snprintf(buf, sizeof(buf), "%.3f", ff_diff_dialogue_mouth(s->dialogue, t0, t1));
        av_dict_set(&out->metadata, "lavfi.soragen.mouth", buf, 0);
    }
    snprintf(buf, sizeof(buf), "%.3f", s->hist_events[(i0 - s->base) * DIFF_N_EVENTS]);
    av_dict_set(&out->metadata, "lavfi.soragen.contact", buf, 0);
    snprintf(buf, sizeof(buf), "%.3f", s->hist_events[(i0 - s->base) * DIFF_N_EVENTS + 1]);
    av_dict_set(&out->metadata, "lavfi.soragen.footfall", buf, 0);
    ret = ff_filter_frame(outlink, out);
    if (ret >= 0 && s->audio)
        ret = output_audio(ctx, s->pts - 1);
    return ret;
}

static int set_eof(AVFilterContext *ctx)
{
    SoragenContext *s = ctx->priv;

    ff_outlink_set_status(ctx->outputs[0], AVERROR_EOF, s->pts);
    if (s->audio)
        ff_outlink_set_status(ctx->outputs[1], AVERROR_EOF, audio_pos(s, s->pts));
    return 0;
}

static int activate(AVFilterContext *ctx)
{
    SoragenContext *s = ctx->priv;
    AVFilterLink *outlink = ctx->outputs[0];
    int64_t i0;
    int frac, ret;

    if (!ff_outlink_frame_wanted(outlink) &&
        !(s->audio && ff_outlink_frame_wanted(ctx->outputs[1])))
        return FFERROR_NOT_READY;
    if (s->nb_frames >= 0 && s->pts >= s->nb_frames)
        return set_eof(ctx);
    native_pos(s, s->pts, &i0, &frac);
    if (i0 + !!frac < (s->analyse ? released(s) : s->nb_native)) {
        if ((ret = output_frame(ctx, outlink, i0, frac)) < 0)
            return ret;
        /* EOF with the last frame, not at the next request: the 7.1 CLI
         * asserts when a sink that asked for a frame gets EOF instead
         * (avfilter_graph_request_oldest() then returns EAGAIN on a graph
         * without inputs), as with soragen's video into nullsink */
        return s->nb_frames >= 0 && s->pts >= s->nb_frames ? set_eof(ctx) : 0;
    }

    /* the frame is not generated yet: one network evaluation, then come back */
    if (!s->running && (ret = start_chunk(ctx)) < 0)
        return ret;
    ret = ff_diff_sampler_step(&s->sampler);
    if (ret < 0)
        return ret;
    if (ret > 0 && (ret = finish_chunk(ctx, i0)) < 0)
        return ret;
    ff_filter_set_ready(ctx, 100);
    return 0;
}

static int process_command(AVFilterContext *ctx, const char *cmd, const char *args,
                           char *res, int res_len, int flags)
{
    SoragenContext *s = ctx->priv;
    int tokens[256], nb, ret;

    if (!strcmp(cmd, "prompt") || !strcmp(cmd, "p")) {
        if ((ret = parse_prompt(ctx, args, tokens, &nb)) < 0)
            return ret; /* keep the current prompt */
        if ((ret = ff_filter_process_command(ctx, cmd, args, res, res_len, flags)) < 0)
            return ret;
        memcpy(s->tokens, tokens, nb * sizeof(*tokens));
        s->nb_tokens = nb;
        s->context_dirty = 1;
        av_log(ctx, AV_LOG_VERBOSE, "prompt '%s' from chunk %"PRId64"\n",
               s->prompt, s->chunk + s->running);
        return 0;
    }
    if (!strcmp(cmd, "guidance") && s->batch < 2) {
        av_log(ctx, AV_LOG_ERROR, "guidance was 1 at start: the unguided plan cannot change it\n");
        return AVERROR(EINVAL);
    }
    if (!strcmp(cmd, "churn") || !strcmp(cmd, "sampler")) {
        float churn_was = s->churn, churn;
        int method_was = s->method;
        if ((ret = ff_filter_process_command(ctx, cmd, args, res, res_len, flags)) < 0)
            return ret;
        if ((ret = ff_diff_sampler_churn(s->churn, s->method, &churn, ctx)) < 0) {
            s->churn  = churn_was; /* keep sampling as before */
            s->method = method_was;
        }
        return ret;
    }
    ret = ff_filter_process_command(ctx, cmd, args, res, res_len, flags);
    if (ret >= 0 && !strcmp(cmd, "seed") && s->seed >= 0)
        s->used_seed = s->seed;
    return ret;
}

static const AVFilterPad soragen_outputs[] = {
    {
        .name          = "video",
        .type          = AVMEDIA_TYPE_VIDEO,
        .config_props  = config_props,
    },
};

const AVFilter ff_avsrc_soragen = {
    .name            = "soragen",
    .description     = NULL_IF_CONFIG_SMALL("Generate video from a text prompt with a diffusion model."),
    .priv_size       = sizeof(SoragenContext),
    .priv_class      = &soragen_class,
    .init            = init,
    .uninit          = uninit,
    .activate        = activate,
    .inputs          = NULL,
    FILTER_OUTPUTS(soragen_outputs),
    FILTER_QUERY_FUNC(query_formats),
    .flags           = AVFILTER_FLAG_DYNAMIC_OUTPUTS,
    .process_command = process_command,
};
