/*
 * Numerics of the diffusion engine against the PyTorch reference
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

/*
 * Fixtures: tests/fixtures/tiny-{model,ref}.safetensors; for a model with
 * head_kernel 3, tiny3-{model,ref}.safetensors; with head_kernel 3 and the
 * pixel refiner (refine 6), tinyr-{model,ref}.safetensors; all written by
 * models/train/make_fixtures.py.  The same tolerances hold for all three
 * (max abs error; outputs are of order 1):
 *   f32 path:  text encoder 1e-4, denoiser pass 5e-5, guided step 5e-5,
 *              4-step clips 1e-4, noise 1e-6 (measured: 1.2e-7, 4e-6, 2e-6,
 *              7e-6, 0)
 *   bf16 path: denoiser pass 0.04, guided step 0.04, 4-step clips 0.06
 *              (measured: 0.012, 0.009, 0.022; bf16 keeps 8 mantissa bits)
 * Same seed, same build: bit-identical clips (checked by running twice).
 */

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "libavutil/error.h"
#include "libavutil/log.h"
#include "libavutil/macros.h"
#include "libavutil/mem.h"

#include "libavfilter/diffusion/autoencoder.h"
#include "libavfilter/diffusion/denoiser.h"
#include "libavfilter/diffusion/model.h"
#include "libavfilter/diffusion/onednn.h"
#include "libavfilter/diffusion/rng.h"
#include "libavfilter/diffusion/safetensors.h"
#include "libavfilter/diffusion/sampler.h"
#include "libavfilter/diffusion/text_encoder.h"
#include "libavfilter/diffusion/tokenizer.h"

static int failures;

static float *ref_tensor(const SafetensorsFile *f, const char *name, int64_t *n)
{
    const SafetensorsTensor *t = ff_safetensors_find(f, name);
    float *buf;
    if (!t) {
        fprintf(stderr, "fixture %s missing\n", name);
        return NULL;
    }
    buf = av_malloc_array(t->nb_elems, sizeof(float));
    if (!buf || ff_safetensors_to_f32(t, buf) < 0) {
        av_free(buf);
        return NULL;
    }
    if (n)
        *n = t->nb_elems;
    return buf;
}

static void check(const char *what, const float *got, const float *want, int64_t n, double tol)
{
    double err = 0, scale = 0;
    int64_t at = 0, clipped = 0;
    for (int64_t i = 0; i < n; i++) {
        scale = FFMAX(scale, fabs(want[i]));
        clipped += fabs(want[i]) >= 1.0;
    }
    for (int64_t i = 0; i < n; i++) {
        double e = fabs((double)got[i] - want[i]);
        if (!(e <= err)) {
            err = e;
            at = i;
        }
    }
    if (!(err <= tol))
        failures++;
    printf("%-4s %-34s max abs err %.3g (tolerance %.3g) at %lld, max |ref| %.3g, %.0f%% at |ref| >= 1\n",
           err <= tol ? "ok" : "FAIL", what, err, tol, (long long)at, scale, 100.0 * clipped / n);
}

/* caption context + cameo tokens, as the filter builds them */
static int set_contexts(DiffDenoiser *dn, const DiffModel *m, const float *text, int len,
                        const float *cameo, int batch)
{
    const int D = m->cfg.dim, nc = ff_diff_cameo_len(m);
    float *ctx = av_malloc_array(len + nc, D * sizeof(float));
    float unc[4096];
    int pad = 0, ret;

    if (!ctx)
        return -1;
    memcpy(ctx, text, len * D * sizeof(float));
    ff_diff_cameo_tokens(m, cameo, ctx + len * D);
    ret = ff_diff_denoiser_set_context(dn, 0, ctx, len + nc);
    if (ret >= 0 && batch > 1) {
        ret = ff_diff_text_encode(m, &pad, 1, unc, NULL);
        if (ret >= 0)
            ret = ff_diff_denoiser_set_context(dn, 1, unc, 1);
    }
    av_free(ctx);
    return ret;
}

static int run_precision(const DiffModel *m, const SafetensorsFile *ref, int bf16,
                         const char *model_tag)
{
    const int T = m->cfg.frames, H = m->cfg.size, D = m->cfg.dim;
    const int64_t clip = (int64_t)T * m->cfg.channels * H * H;
    DiffDnn dnn;
    DiffDenoiser *dn = NULL;
    DiffSampler s;
    float *text = NULL, *xt, *ctx_clip, *ctx_mask, *cameo, *want_c, *want_u, *want_ev;
    float *x0 = NULL, *ev = NULL, *tval, *want_step, *out1 = NULL;
    int tokens[5] = { 3, 4, 5, 6, 8 };
    char tag[32], what[96];
    int ret;

    snprintf(tag, sizeof(tag), "%s%s", model_tag, bf16 ? "bf16" : "f32");
    xt       = ref_tensor(ref, "den/xt", NULL);
    tval     = ref_tensor(ref, "den/t", NULL);
    ctx_clip = ref_tensor(ref, "den/ctx_clip", NULL);
    ctx_mask = ref_tensor(ref, "den/ctx_mask", NULL);
    cameo    = ref_tensor(ref, "den/cameo", NULL);
    want_c   = ref_tensor(ref, "den/x0_cond", NULL);
    want_u   = ref_tensor(ref, "den/x0_uncond", NULL);
    want_ev  = ref_tensor(ref, "den/ev_cond", NULL);
    want_step = ref_tensor(ref, "step/x_next", NULL);
    text = av_malloc_array(5, D * sizeof(float));
    x0   = av_malloc_array(2 * clip, sizeof(float));
    ev   = av_malloc_array(2 * T * 2, sizeof(float));
    out1 = av_malloc_array(clip, sizeof(float));
    if (!xt || !tval || !ctx_clip || !ctx_mask || !cameo || !want_c || !want_u ||
        !want_ev || !want_step || !text || !x0 || !ev || !out1)
        return -1;

    if ((ret = ff_diff_dnn_init(&dnn, 2, NULL)) < 0 ||
        (ret = ff_diff_denoiser_init(&dn, m, &dnn, 2, bf16, NULL)) < 0 ||
        (ret = ff_diff_text_encode(m, tokens, 5, text, NULL)) < 0 ||
        (ret = set_contexts(dn, m, text, 5, cameo, 2)) < 0 ||
        (ret = ff_diff_denoiser_forward(dn, xt, tval[0], ctx_clip, ctx_mask, x0, ev)) < 0) {
        printf("FAIL %s engine setup/forward: %d\n", tag, ret);
        failures++;
        goto end;
    }
    snprintf(what, sizeof(what), "%s denoiser x0 conditional", tag);
    check(what, x0, want_c, clip, bf16 ? 0.04 : 5e-5);
    snprintf(what, sizeof(what), "%s denoiser x0 unconditional", tag);
    check(what, x0 + clip, want_u, clip, bf16 ? 0.04 : 5e-5);
    snprintf(what, sizeof(what), "%s denoiser event logits", tag);
    check(what, ev, want_ev, T * 2, bf16 ? 0.04 : 5e-5);

    for (int variant = 0; variant < 3; variant++) {
        /* Euler, Heun, and Euler with churn (fresh counter noise each step) */
        static const char *const names[] = { "sample/euler", "sample/heun", "sample/euler_churn" };
        const char *name = names[variant];
        const int method = variant == 1 ? DIFF_SAMPLER_HEUN : DIFF_SAMPLER_EULER;
        const float churn = variant == 2 ? 0.4f : 0.0f;
        float *want = ref_tensor(ref, name, NULL);
        if (!want || ff_diff_sampler_init(&s, dn) < 0) {
            failures++;
            av_free(want);
            continue;
        }
        for (int run = 0; run < 2; run++) {
            ret = ff_diff_sampler_start(&s, 1234, 5, 4, 2.5f, method, churn, ctx_clip, ctx_mask,
                                        1.0f, NULL);
            while (ret == 0)
                ret = ff_diff_sampler_step(&s);
            if (ret < 0) {
                printf("FAIL %s %s: sampler error %d\n", tag, name, ret);
                failures++;
                break;
            }
            if (!run) {
                snprintf(what, sizeof(what), "%s %s (4 steps)", tag, name);
                check(what, ff_diff_sampler_result(&s), want, clip, bf16 ? 0.06 : 1e-4);
                memcpy(out1, ff_diff_sampler_result(&s), clip * sizeof(float));
            } else {
                int same = !memcmp(out1, ff_diff_sampler_result(&s), clip * sizeof(float));
                printf("%-4s %s %s rerun bit-identical\n", same ? "ok" : "FAIL", tag, name);
                failures += !same;
            }
        }
        /* one guided Euler step of 4 from t = 0.63 is not on the 4-step grid:
         * check the step arithmetic separately from the sampler's grid */
        ff_diff_sampler_uninit(&s);
        av_free(want);
    }
    {
        /* SDEdit: 3 Euler steps over [0.6, 0] from a noised init clip */
        float *init = ref_tensor(ref, "sdedit/init", NULL), *want = ref_tensor(ref, "sdedit/out", NULL);
        if (init && want && ff_diff_sampler_init(&s, dn) >= 0) {
            ret = ff_diff_sampler_start(&s, 99, 0, 3, 2.5f, DIFF_SAMPLER_EULER, 0.0f, ctx_clip,
                                        ctx_mask, 0.6f, init);
            while (ret == 0)
                ret = ff_diff_sampler_step(&s);
            snprintf(what, sizeof(what), "%s SDEdit from t=0.6 (3 steps)", tag);
            if (ret < 0) {
                printf("FAIL %s: sampler error %d\n", what, ret);
                failures++;
            } else {
                check(what, ff_diff_sampler_result(&s), want, clip, bf16 ? 0.06 : 1e-4);
            }
            ff_diff_sampler_uninit(&s);
        } else {
            failures++;
        }
        av_free(init);
        av_free(want);
    }
    if (ff_diff_sampler_init(&s, dn) >= 0) {
        /* churn is Euler's, and below 1 */
        int heun = ff_diff_sampler_start(&s, 1, 0, 4, 2.5f, DIFF_SAMPLER_HEUN, 0.4f, NULL, NULL,
                                         1.0f, NULL);
        int one  = ff_diff_sampler_start(&s, 1, 0, 4, 2.5f, DIFF_SAMPLER_EULER, 1.0f, NULL, NULL,
                                         1.0f, NULL);
        int ok   = heun == AVERROR(EINVAL) && one == AVERROR(EINVAL);
        printf("%-4s %s sampler refuses churn with Heun (%d) and churn 1 (%d)\n",
               ok ? "ok" : "FAIL", tag, heun, one);
        failures += !ok;
        ff_diff_sampler_uninit(&s);
    } else {
        failures++;
    }
    {
        /* guided Euler update from t = 0.63 to 0.38 */
        float *step = av_malloc_array(clip, sizeof(float));
        if (step) {
            for (int64_t i = 0; i < clip; i++) {
                float g  = x0[clip + i] + 2.5f * (x0[i] - x0[clip + i]);
                float v  = (xt[i] - g) / tval[0];
                step[i]  = xt[i] + (0.38f - tval[0]) * v;
            }
            snprintf(what, sizeof(what), "%s guided Euler step", tag);
            check(what, step, want_step, clip, bf16 ? 0.04 : 5e-5);
            av_free(step);
        }
    }
end:
    ff_diff_denoiser_free(&dn);
    ff_diff_dnn_uninit(&dnn);
    av_free(text); av_free(xt); av_free(tval); av_free(ctx_clip); av_free(ctx_mask);
    av_free(cameo); av_free(want_c); av_free(want_u); av_free(want_ev); av_free(want_step);
    av_free(x0); av_free(ev); av_free(out1);
    return 0;
}

/* PREFIX-model.safetensors and PREFIX-ref.safetensors of the fixture dir */
static int open_fixture(const char *dir, const char *prefix, DiffModel **m,
                        SafetensorsFile **ref)
{
    char path[1024];

    snprintf(path, sizeof(path), "%s/%s-model.safetensors", dir, prefix);
    if (ff_diff_model_load(m, path, NULL) < 0) {
        printf("FAIL loading %s\n", path);
        return -1;
    }
    snprintf(path, sizeof(path), "%s/%s-ref.safetensors", dir, prefix);
    if (ff_safetensors_open(ref, path, NULL) < 0) {
        printf("FAIL loading %s\n", path);
        return -1;
    }
    return 0;
}

/* the frame autoencoder of a latent model: encode ae/px, decode ae/z, all
 * frames and fewer than planned; a rerun is bit-identical */
static void run_autoencoder(const DiffModel *m, const SafetensorsFile *ref)
{
    const int T = m->cfg.frames, F = m->cfg.frame_size, S = m->cfg.size;
    const int64_t npx = (int64_t)T * 3 * F * F, nz = (int64_t)T * DIFF_LATENT_CH * S * S;
    float *px = ref_tensor(ref, "ae/px", NULL), *want_z = ref_tensor(ref, "ae/z", NULL);
    float *want_px = ref_tensor(ref, "ae/decoded", NULL);
    float *z = av_malloc_array(nz, sizeof(float)), *z2 = av_malloc_array(nz, sizeof(float));
    float *out = av_malloc_array(npx, sizeof(float));
    DiffAutoencoder *ae = NULL;
    DiffDnn dnn;
    int ret, same;

    if (!px || !want_z || !want_px || !z || !z2 || !out ||
        ff_diff_dnn_init(&dnn, 2, NULL) < 0) {
        printf("FAIL autoencoder setup\n");
        failures++;
        goto end;
    }
    if ((ret = ff_diff_autoencoder_init(&ae, m, &dnn, T, NULL)) < 0 ||
        (ret = ff_diff_autoencoder_encode(ae, px, T, z)) < 0 ||
        (ret = ff_diff_autoencoder_decode(ae, want_z, T, out)) < 0) {
        printf("FAIL autoencoder: error %d\n", ret);
        failures++;
    } else {
        check("latent autoencoder encode", z, want_z, nz, 1e-4);
        check("latent autoencoder decode", out, want_px, npx, 1e-4);
        /* two frames of four: the same latents as in the full run */
        ret = ff_diff_autoencoder_encode(ae, px, 2, z2);
        same = ret >= 0 && !memcmp(z, z2, nz / T * 2 * sizeof(float));
        printf("%-4s latent autoencoder: 2 of %d frames encode as in the full batch\n",
               same ? "ok" : "FAIL", T);
        failures += !same;
        ret = ff_diff_autoencoder_encode(ae, px, T, z2);
        same = ret >= 0 && !memcmp(z, z2, nz * sizeof(float));
        printf("%-4s latent autoencoder rerun bit-identical\n", same ? "ok" : "FAIL");
        failures += !same;
        ret = ff_diff_autoencoder_encode(ae, px, T + 1, z2);
        printf("%-4s latent autoencoder refuses more frames than planned (%d)\n",
               ret == AVERROR(EINVAL) ? "ok" : "FAIL", ret);
        failures += ret != AVERROR(EINVAL);
    }
    ff_diff_autoencoder_free(&ae);
    ff_diff_dnn_uninit(&dnn);
end:
    av_free(px); av_free(want_z); av_free(want_px); av_free(z); av_free(z2); av_free(out);
}

/* both precisions on the fixture PREFIX, whose model must load with the
 * given head_kernel and refine */
static int run_variant(const char *dir, const char *prefix, int head_kernel, int refine,
                       const char *label)
{
    DiffModel *m = NULL;
    SafetensorsFile *ref = NULL;

    if (open_fixture(dir, prefix, &m, &ref) < 0)
        return -1;
    if (m->cfg.head_kernel != head_kernel || m->cfg.refine != refine) {
        printf("FAIL %s-model.safetensors loads with head_kernel %d and refine %d, not %d and %d\n",
               prefix, m->cfg.head_kernel, m->cfg.refine, head_kernel, refine);
        ff_safetensors_free(&ref);
        ff_diff_model_free(&m);
        return -1;
    }
    run_precision(m, ref, 0, label);
    run_precision(m, ref, 1, label);
    if (m->cfg.ae_c1)
        run_autoencoder(m, ref);
    ff_safetensors_free(&ref);
    ff_diff_model_free(&m);
    return 0;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "tests/fixtures";
    DiffModel *m = NULL;
    SafetensorsFile *ref = NULL;
    float *want, *got;
    int64_t n;
    int tokens[5] = { 3, 4, 5, 6, 8 };

    av_log_set_level(AV_LOG_WARNING);
    if (open_fixture(dir, "tiny", &m, &ref) < 0)
        return 1;

    want = ref_tensor(ref, "noise/seed7_stream3", &n);
    got  = av_malloc_array(n, sizeof(float));
    ff_diff_normal(got, n, 7, 3);
    check("noise (seed 7, stream 3)", got, want, n, 1e-6);
    av_free(want);
    av_free(got);

    want = ref_tensor(ref, "text/out", &n);
    got  = av_malloc_array(n, sizeof(float));
    ff_diff_text_encode(m, tokens, 5, got, NULL);
    check("text encoder", got, want, n, 1e-4);
    av_free(want);
    av_free(got);

    {
        /* tokenizer rule shared with models/train/vocab.py */
        int ids[8], trunc, n;
        char unk[64];
        n = ff_diff_tokenize(m, "A Hippo \"the cat\" zzz, bounces!on-SAND", ids, 8, unk, sizeof(unk), &trunc);
        if (n != 5 || ids[0] != 3 || ids[1] != 4 || ids[2] != 5 || ids[3] != 6 || ids[4] != 8 ||
            strcmp(unk, "zzz") || trunc) {
            printf("FAIL tokenizer: %d ids, unknown '%s'\n", n, unk);
            failures++;
        } else {
            printf("ok   tokenizer (case, punctuation, quoted dialogue, unknown words)\n");
        }
        n = ff_diff_tokenize(m, "a a a a a a a a a a", ids, 8, unk, sizeof(unk), &trunc);
        if (n != 8 || !trunc) {
            printf("FAIL tokenizer truncation: %d ids\n", n);
            failures++;
        }
    }

    run_precision(m, ref, 0, "");
    run_precision(m, ref, 1, "");
    ff_safetensors_free(&ref);
    ff_diff_model_free(&m);

    /* head_kernel 3: pixels of a patch from its token and its 8 neighbours */
    if (run_variant(dir, "tiny3", 3, 0, "k3 ") < 0)
        return 1;
    /* the pixel refiner: three 3x3 convolutions after the head */
    if (run_variant(dir, "tinyr", 3, 6, "refine ") < 0)
        return 1;
    /* a latent model: the denoiser on an autoencoder's latents */
    if (run_variant(dir, "tinyl", 3, 0, "latent ") < 0)
        return 1;
    printf("%s\n", failures ? "engine_test: FAILED" : "engine_test: passed");
    return !!failures;
}
