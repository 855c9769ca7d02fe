/*
 * soragen model file: hyperparameters, vocabulary and weights
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

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libavutil/avstring.h"
#include "libavutil/error.h"
#include "libavutil/eval.h"
#include "libavutil/log.h"
#include "libavutil/macros.h"
#include "libavutil/mem.h"

#include "model.h"
#include "safetensors.h"

typedef struct Loader {
    const SafetensorsFile *f;
    DiffModel *m;
    void *log_ctx;
    size_t used;   /* floats of m->store handed out */
    size_t size;   /* floats of m->store */
    int nb_read;   /* tensors consumed */
} Loader;

/* Fetch a tensor of the given shape as f32 into the store. */
static int take_shape(Loader *ld, float **dst, const char *name, int ndim,
                      const int64_t *shape)
{
    const SafetensorsTensor *t;
    size_t n = 1;
    int ret;

    for (int i = 0; i < ndim; i++)
        n *= shape[i];
    ret = ff_safetensors_get(ld->f, name, ndim, shape, &t, ld->log_ctx);
    if (ret < 0)
        return ret;
    /* the store holds the file's tensors; each is taken once */
    if (n > ld->size - ld->used)
        return AVERROR_BUG;
    *dst = ld->m->store + ld->used;
    ld->used += n;
    ld->nb_read++;
    return ff_safetensors_to_f32(t, *dst);
}

static int take(Loader *ld, float **dst, const char *name, int ndim, int64_t d0, int64_t d1)
{
    const int64_t shape[2] = { d0, d1 };
    return take_shape(ld, dst, name, ndim, shape);
}

static int take_linear(Loader *ld, DiffLinearParams *p, const char *prefix, int in, int out)
{
    char name[128];
    int ret;

    p->in  = in;
    p->out = out;
    snprintf(name, sizeof(name), "%s.weight", prefix);
    if ((ret = take(ld, &p->w, name, 2, out, in)) < 0)
        return ret;
    snprintf(name, sizeof(name), "%s.bias", prefix);
    return take(ld, &p->b, name, 1, out, 0);
}

static int take_conv(Loader *ld, DiffConvParams *p, const char *prefix, int in, int out)
{
    const int64_t shape[4] = { out, in, 3, 3 };
    char name[160]; /* prefix (< 128) + suffix */
    int ret;

    p->in  = in;
    p->out = out;
    snprintf(name, sizeof(name), "%s.weight", prefix);
    if ((ret = take_shape(ld, &p->w, name, 4, shape)) < 0)
        return ret;
    snprintf(name, sizeof(name), "%s.bias", prefix);
    return take(ld, &p->b, name, 1, out, 0);
}

static int take_norm(Loader *ld, DiffGroupNormParams *p, const char *prefix, int ch)
{
    char name[160]; /* prefix (< 128) + suffix */
    int ret;

    snprintf(name, sizeof(name), "%s.weight", prefix);
    if ((ret = take(ld, &p->w, name, 1, ch, 0)) < 0)
        return ret;
    snprintf(name, sizeof(name), "%s.bias", prefix);
    return take(ld, &p->b, name, 1, ch, 0);
}

static int take_res(Loader *ld, DiffResBlockParams *p, const char *prefix, int ch)
{
    char name[128];
    int ret;

#define NM(part) (snprintf(name, sizeof(name), "%s.%s", prefix, part), name)
    if ((ret = take_norm(ld, &p->n1, NM("n1"), ch)) < 0 ||
        (ret = take_conv(ld, &p->c1, NM("c1"), ch, ch)) < 0 ||
        (ret = take_norm(ld, &p->n2, NM("n2"), ch)) < 0 ||
        (ret = take_conv(ld, &p->c2, NM("c2"), ch, ch)) < 0)
        return ret;
#undef NM
    return 0;
}

/* tensor names as models/train/autoencoder.py's state_dict under "ae." */
static int take_autoencoder(Loader *ld, DiffAutoencoderParams *a, int c1, int c2)
{
    const int L = DIFF_LATENT_CH;
    int ret;

    if ((ret = take_conv(ld, &a->enc_in, "ae.enc.conv_in", 3, c1)) < 0 ||
        (ret = take_res(ld, &a->enc_res[0], "ae.enc.res1", c1)) < 0 ||
        (ret = take_conv(ld, &a->enc_down1, "ae.enc.down1", c1, c2)) < 0 ||
        (ret = take_res(ld, &a->enc_res[1], "ae.enc.res2", c2)) < 0 ||
        (ret = take_conv(ld, &a->enc_down2, "ae.enc.down2", c2, c2)) < 0 ||
        (ret = take_res(ld, &a->enc_res[2], "ae.enc.res3", c2)) < 0 ||
        (ret = take_norm(ld, &a->enc_norm, "ae.enc.norm_out", c2)) < 0 ||
        (ret = take_conv(ld, &a->enc_out, "ae.enc.conv_out", c2, L)) < 0 ||
        (ret = take_conv(ld, &a->dec_in, "ae.dec.conv_in", L, c2)) < 0 ||
        (ret = take_res(ld, &a->dec_res[0], "ae.dec.res1", c2)) < 0 ||
        (ret = take_res(ld, &a->dec_res[1], "ae.dec.res2", c2)) < 0 ||
        (ret = take_conv(ld, &a->dec_up1, "ae.dec.up1", c2, c2)) < 0 ||
        (ret = take_res(ld, &a->dec_res[2], "ae.dec.res3", c2)) < 0 ||
        (ret = take_conv(ld, &a->dec_up2, "ae.dec.up2", c2, c1)) < 0 ||
        (ret = take_res(ld, &a->dec_res[3], "ae.dec.res4", c1)) < 0 ||
        (ret = take_norm(ld, &a->dec_norm, "ae.dec.norm_out", c1)) < 0 ||
        (ret = take_conv(ld, &a->dec_out, "ae.dec.conv_out", c1, 3)) < 0 ||
        (ret = take(ld, &a->shift, "ae.shift", 1, L, 0)) < 0 ||
        (ret = take(ld, &a->scale, "ae.scale", 1, L, 0)) < 0)
        return ret;
    return 0;
}

static int take_all(Loader *ld)
{
    DiffModel *m = ld->m;
    const DiffModelConfig *c = &m->cfg;
    const int D = c->dim, p2 = c->patch * c->patch;
    const int S = (c->size / c->patch) * (c->size / c->patch);
    const int C = c->channels;
    const int cp = (DIFF_CAMEO_SIZE / c->cameo_patch) * (DIFF_CAMEO_SIZE / c->cameo_patch);
    char name[128];
    int ret;

#define TAKE(dst, nm, nd, a, b)  if ((ret = take(ld, dst, nm, nd, a, b)) < 0) return ret
#define LIN(p, nm, in, out)      if ((ret = take_linear(ld, p, nm, in, out)) < 0) return ret
    TAKE(&m->tok_emb, "text.tok_emb.weight", 2, m->vocab_size, D);
    TAKE(&m->text_pos, "text.pos_emb", 2, c->max_tokens, D);
    for (int i = 0; i < c->text_layers; i++) {
        DiffTextLayerParams *l = &m->text_layers[i];
#define NM(fmt) (snprintf(name, sizeof(name), "text.layers.%d." fmt, i), name)
        TAKE(&l->ln1_w, NM("ln1.weight"), 1, D, 0);
        TAKE(&l->ln1_b, NM("ln1.bias"), 1, D, 0);
        LIN(&l->qkv, NM("attn.qkv"), D, 3 * D);
        LIN(&l->out, NM("attn.out"), D, D);
        TAKE(&l->ln2_w, NM("ln2.weight"), 1, D, 0);
        TAKE(&l->ln2_b, NM("ln2.bias"), 1, D, 0);
        LIN(&l->fc1, NM("mlp.fc1"), D, 4 * D);
        LIN(&l->fc2, NM("mlp.fc2"), 4 * D, D);
#undef NM
    }
    TAKE(&m->ln_f_w, "text.ln_f.weight", 1, D, 0);
    TAKE(&m->ln_f_b, "text.ln_f.bias", 1, D, 0);

    LIN(&m->patch_in, "den.patch_in", (2 * C + 1) * p2, D);
    TAKE(&m->pos_s, "den.pos_s", 2, S, D);
    TAKE(&m->pos_t, "den.pos_t", 2, c->frames, D);
    LIN(&m->cameo_in, "den.cameo_in", DIFF_CAMEO_CH * c->cameo_patch * c->cameo_patch, D);
    TAKE(&m->cameo_pos, "den.cameo_pos", 2, cp, D);
    LIN(&m->t_fc1, "den.t_fc1", DIFF_TEMB_DIM, D);
    LIN(&m->t_fc2, "den.t_fc2", D, D);
    LIN(&m->mod, "den.mod", D, 9 * D);
    LIN(&m->final_mod, "den.final_mod", D, 2 * D);
    for (int i = 0; i < c->depth; i++) {
        DiffBlockParams *b = &m->blocks[i];
#define NM(fmt) (snprintf(name, sizeof(name), "den.blocks.%d." fmt, i), name)
        TAKE(&b->mod, NM("mod"), 1, 9 * D, 0);
        LIN(&b->s_qkv, NM("s_qkv"), D, 3 * D);
        LIN(&b->s_out, NM("s_out"), D, D);
        LIN(&b->t_qkv, NM("t_qkv"), D, 3 * D);
        LIN(&b->t_out, NM("t_out"), D, D);
        LIN(&b->x_q,   NM("x_q"), D, D);
        LIN(&b->x_kv,  NM("x_kv"), D, 2 * D);
        LIN(&b->x_out, NM("x_out"), D, D);
        LIN(&b->fc1,   NM("mlp.fc1"), D, 4 * D);
        LIN(&b->fc2,   NM("mlp.fc2"), 4 * D, D);
#undef NM
    }
    LIN(&m->head, "den.head", D, C * p2);
    if (c->head_kernel == 3)
        LIN(&m->head_nb, "den.head_nb", 8 * D, C * p2);
    if (c->refine) {
        const int R = c->refine;
        DiffRefinerParams *rp = &m->refiner;
        LIN(&rp->feat, "den.refiner.feat", D, DIFF_REFINE_FEAT * p2);
        LIN(&rp->time, "den.refiner.time", D, R);
        if ((ret = take_conv(ld, &rp->conv[0], "den.refiner.conv1", 6 + DIFF_REFINE_FEAT, R)) < 0 ||
            (ret = take_conv(ld, &rp->conv[1], "den.refiner.conv2", R, R)) < 0 ||
            (ret = take_conv(ld, &rp->conv[2], "den.refiner.conv3", R, 3)) < 0)
            return ret;
    }
    LIN(&m->events, "den.events", D, DIFF_N_EVENTS);
    if (c->ae_c1 && (ret = take_autoencoder(ld, &m->ae, c->ae_c1, c->ae_c2)) < 0)
        return ret;
#undef TAKE
#undef LIN
    return 0;
}

static int meta_int(const SafetensorsFile *f, const char *key, int min, int max,
                    int *out, void *log_ctx)
{
    int64_t v;
    int ret = ff_safetensors_meta_int(f, key, min, max, &v, log_ctx);
    if (ret < 0)
        return ret;
    *out = v;
    return 0;
}

/* optional "gravity": a positive number of pixels per second squared */
static int meta_gravity(const SafetensorsFile *f, float *out, void *log_ctx)
{
    const char *s = ff_safetensors_meta_str(f, "gravity");
    char *end;
    double v;

    *out = 0;
    if (!s)
        return 0;
    v = av_strtod(s, &end);
    if (end == s || *end || !(v > 0 && v < 1e6)) {
        av_log(log_ctx, AV_LOG_ERROR, "model metadata gravity=%s is not a positive number\n", s);
        return AVERROR_INVALIDDATA;
    }
    *out = v;
    return 0;
}

/* optional "head_kernel": 1 (the default) or 3 */
static int meta_head_kernel(const SafetensorsFile *f, int *out, void *log_ctx)
{
    int ret;

    *out = 1;
    if (!ff_safetensors_meta_str(f, "head_kernel"))
        return 0;
    if ((ret = meta_int(f, "head_kernel", 1, 3, out, log_ctx)) < 0)
        return ret;
    if (*out == 2) {
        av_log(log_ctx, AV_LOG_ERROR, "model metadata head_kernel=2: only 1 and 3 exist\n");
        return AVERROR_INVALIDDATA;
    }
    return 0;
}

/* optional "channels" (3, the default: pixels; DIFF_LATENT_CH: latents),
 * "cameo_patch" (default: patch) and the autoencoder's "ae_c1", "ae_c2"
 * (a latent model has both, a pixel model neither) */
static int meta_latent(const SafetensorsFile *f, DiffModelConfig *c, void *log_ctx)
{
    int ret;

    c->channels    = 3;
    c->cameo_patch = c->patch;
    c->ae_c1 = c->ae_c2 = 0;
    if ((ff_safetensors_meta_str(f, "channels") &&
         (ret = meta_int(f, "channels", 3, DIFF_LATENT_CH, &c->channels, log_ctx)) < 0) ||
        (ff_safetensors_meta_str(f, "cameo_patch") &&
         (ret = meta_int(f, "cameo_patch", 1, DIFF_CAMEO_SIZE, &c->cameo_patch, log_ctx)) < 0) ||
        (ff_safetensors_meta_str(f, "ae_c1") &&
         (ret = meta_int(f, "ae_c1", DIFF_AE_GROUPS, 512, &c->ae_c1, log_ctx)) < 0) ||
        (ff_safetensors_meta_str(f, "ae_c2") &&
         (ret = meta_int(f, "ae_c2", DIFF_AE_GROUPS, 512, &c->ae_c2, log_ctx)) < 0))
        return ret;
    if (c->channels != 3 && c->channels != DIFF_LATENT_CH) {
        av_log(log_ctx, AV_LOG_ERROR, "model metadata channels=%d: only 3 (pixels) and %d "
               "(latents) exist\n", c->channels, DIFF_LATENT_CH);
        return AVERROR_INVALIDDATA;
    }
    if ((c->channels == DIFF_LATENT_CH) != (c->ae_c1 > 0) || !c->ae_c1 != !c->ae_c2 ||
        c->ae_c1 % DIFF_AE_GROUPS || c->ae_c2 % DIFF_AE_GROUPS) {
        av_log(log_ctx, AV_LOG_ERROR, "model metadata channels=%d, ae_c1=%d, ae_c2=%d: a "
               "latent model needs both autoencoder widths (multiples of %d), a pixel model "
               "neither\n", c->channels, c->ae_c1, c->ae_c2, DIFF_AE_GROUPS);
        return AVERROR_INVALIDDATA;
    }
    if (c->ae_c1 && c->refine) {
        av_log(log_ctx, AV_LOG_ERROR, "model metadata: a pixel refiner needs a pixel model\n");
        return AVERROR_INVALIDDATA;
    }
    c->frame_size = c->ae_c1 ? c->size * DIFF_AE_STRIDE : c->size;
    return 0;
}

/* optional "refine": channels of the pixel refiner, 0 (none, the default) or more */
static int meta_refine(const SafetensorsFile *f, int *out, void *log_ctx)
{
    *out = 0;
    if (!ff_safetensors_meta_str(f, "refine"))
        return 0;
    return meta_int(f, "refine", 0, DIFF_REFINE_MAX, out, log_ctx);
}

static int parse_vocab(DiffModel *m, const char *s, void *log_ctx)
{
    const char *p = s;
    int n = 1;

    for (const char *q = s; *q; q++)
        n += *q == ' ';
    if (n < 3 || n > 65536) {
        av_log(log_ctx, AV_LOG_ERROR, "model vocabulary has %d words\n", n);
        return AVERROR_INVALIDDATA;
    }
    m->vocab = av_calloc(n, sizeof(*m->vocab));
    if (!m->vocab)
        return AVERROR(ENOMEM);
    m->vocab_size = n;
    for (int i = 0; i < n; i++) {
        size_t len = strcspn(p, " ");
        if (!len) {
            av_log(log_ctx, AV_LOG_ERROR, "model vocabulary has an empty word at %d\n", i);
            return AVERROR_INVALIDDATA;
        }
        m->vocab[i] = av_strndup(p, len);
        if (!m->vocab[i])
            return AVERROR(ENOMEM);
        p += len + (p[len] == ' ');
    }
    return 0;
}

/* The model of a parsed file f (freed here); path names it in messages. */
static int model_from(DiffModel **pm, SafetensorsFile *f, const char *path, void *log_ctx)
{
    DiffModel *m;
    DiffModelConfig *c;
    Loader ld = { 0 };
    const char *s;
    int ret;

    *pm = NULL;
    m = av_mallocz(sizeof(*m));
    if (!m) {
        ff_safetensors_free(&f);
        return AVERROR(ENOMEM);
    }
    c = &m->cfg;
    if (!(m->path = av_strdup(path))) {
        ret = AVERROR(ENOMEM);
        goto fail;
    }

    s = ff_safetensors_meta_str(f, "format");
    if (!s || strcmp(s, DIFF_MODEL_FORMAT)) {
        av_log(log_ctx, AV_LOG_ERROR, "%s is not a %s model (metadata format=%s)\n",
               path, DIFF_MODEL_FORMAT, s ? s : "missing");
        ret = AVERROR_INVALIDDATA;
        goto fail;
    }
    s = ff_safetensors_meta_str(f, "prediction");
    if (!s || strcmp(s, "x0")) {
        av_log(log_ctx, AV_LOG_ERROR, "unsupported prediction type %s\n", s ? s : "missing");
        ret = AVERROR_INVALIDDATA;
        goto fail;
    }
    if ((ret = meta_int(f, "dim", 8, 4096, &c->dim, log_ctx)) < 0 ||
        (ret = meta_int(f, "heads", 1, 64, &c->heads, log_ctx)) < 0 ||
        (ret = meta_int(f, "depth", 1, 64, &c->depth, log_ctx)) < 0 ||
        (ret = meta_int(f, "text_layers", 1, 32, &c->text_layers, log_ctx)) < 0 ||
        (ret = meta_int(f, "text_heads", 1, 64, &c->text_heads, log_ctx)) < 0 ||
        (ret = meta_int(f, "max_tokens", 1, 256, &c->max_tokens, log_ctx)) < 0 ||
        (ret = meta_int(f, "frames", 1, 256, &c->frames, log_ctx)) < 0 ||
        (ret = meta_int(f, "size", 8, 1024, &c->size, log_ctx)) < 0 ||
        (ret = meta_int(f, "patch", 1, 64, &c->patch, log_ctx)) < 0 ||
        (ret = meta_int(f, "fps", 1, 240, &c->fps, log_ctx)) < 0 ||
        (ret = meta_head_kernel(f, &c->head_kernel, log_ctx)) < 0 ||
        (ret = meta_refine(f, &c->refine, log_ctx)) < 0 ||
        (ret = meta_gravity(f, &c->gravity, log_ctx)) < 0 ||
        (ret = meta_latent(f, c, log_ctx)) < 0)
        goto fail;
    if (c->dim % c->heads || c->dim % c->text_heads || c->size % c->patch ||
        DIFF_CAMEO_SIZE % c->cameo_patch) {
        av_log(log_ctx, AV_LOG_ERROR, "inconsistent model hyperparameters "
               "(dim %d, heads %d/%d, size %d, patch %d)\n",
               c->dim, c->heads, c->text_heads, c->size, c->patch);
        ret = AVERROR_INVALIDDATA;
        goto fail;
    }
    s = ff_safetensors_meta_str(f, "vocab");
    if (!s) {
        av_log(log_ctx, AV_LOG_ERROR, "model has no vocabulary\n");
        ret = AVERROR_INVALIDDATA;
        goto fail;
    }
    if ((ret = parse_vocab(m, s, log_ctx)) < 0)
        goto fail;

    m->text_layers = av_calloc(c->text_layers, sizeof(*m->text_layers));
    m->blocks      = av_calloc(c->depth, sizeof(*m->blocks));
    if (!m->text_layers || !m->blocks) {
        ret = AVERROR(ENOMEM);
        goto fail;
    }
    /* one store for every tensor the file holds: sized by the file, never
     * by what its metadata claims; take_all() checks each tensor's shape */
    ld.f = f;
    ld.m = m;
    ld.log_ctx = log_ctx;
    for (int i = 0; i < f->nb_tensors; i++)
        ld.size += f->tensors[i].nb_elems;
    m->store = av_malloc_array(FFMAX(ld.size, 1), sizeof(float));
    if (!m->store) {
        ret = AVERROR(ENOMEM);
        goto fail;
    }
    if ((ret = take_all(&ld)) < 0)
        goto fail;
    m->store_size = ld.used;
    if (ld.nb_read != f->nb_tensors) {
        av_log(log_ctx, AV_LOG_ERROR, "%s holds %d tensors, the architecture uses %d\n",
               path, f->nb_tensors, ld.nb_read);
        ret = AVERROR_INVALIDDATA;
        goto fail;
    }
    ff_safetensors_free(&f);
    *pm = m;
    return 0;
fail:
    ff_safetensors_free(&f);
    ff_diff_model_free(&m);
    return ret;
}

int ff_diff_model_load(DiffModel **pm, const char *path, void *log_ctx)
{
    SafetensorsFile *f = NULL;
    int ret;

    *pm = NULL;
    if ((ret = ff_safetensors_open(&f, path, log_ctx)) < 0)
        return ret;
    return model_from(pm, f, path, log_ctx);
}

int ff_diff_model_parse(DiffModel **pm, const uint8_t *buf, size_t size, const char *name,
                        void *log_ctx)
{
    SafetensorsFile *f = NULL;
    int ret;

    *pm = NULL;
    if ((ret = ff_safetensors_parse(&f, buf, size, log_ctx)) < 0)
        return ret;
    return model_from(pm, f, name, log_ctx);
}

void ff_diff_model_free(DiffModel **pm)
{
    DiffModel *m = *pm;
    if (!m)
        return;
    for (int i = 0; m->vocab && i < m->vocab_size; i++)
        av_freep(&m->vocab[i]);
    av_freep(&m->vocab);
    av_freep(&m->text_layers);
    av_freep(&m->blocks);
    av_freep(&m->store);
    av_freep(&m->path);
    av_freep(pm);
}

size_t ff_diff_model_params(const DiffModel *m)
{
    return m->store_size;
}

const char *ff_diff_model_dir(void)
{
    const char *dir = getenv("SORAGEN_MODEL_DIR");
    return dir && *dir ? dir : FFMPEG_DATADIR;
}

int ff_diff_model_open(DiffModel **pm, const char *path, void *log_ctx)
{
    char *p = path ? av_strdup(path) : av_asprintf("%s/%s", ff_diff_model_dir(), DIFF_DEFAULT_MODEL);
    int ret;

    if (!p)
        return AVERROR(ENOMEM);
    ret = ff_diff_model_load(pm, p, log_ctx);
    if (ret < 0)
        av_log(log_ctx, AV_LOG_ERROR, "Could not load the model %s%s\n", p,
               path ? "" : " (set model=FILE, or SORAGEN_MODEL_DIR)");
    else
        av_log(log_ctx, AV_LOG_VERBOSE, "model %s: %zu parameters, %d frames of %dx%d at %d fps\n",
               p, ff_diff_model_params(*pm), (*pm)->cfg.frames, (*pm)->cfg.size,
               (*pm)->cfg.size, (*pm)->cfg.fps);
    av_free(p);
    return ret;
}
