# FATE tests of the soragen filter.  Linked into FFmpeg's tests/fate/ by
# soragen's configure; references live in the soragen repo's fate/ref/.
# $(SRC_PATH)/soragen is a link to the soragen repo (fixtures, models).
#
# The pixels come from float math (oneDNN matmuls, libm): they are compared
# with CMP=stddev on 8-bit samples, not by CRC, so that another CPU or
# thread count passes while a real regression (a wrong layer, a wrong
# sampler step) fails.  Timestamps and metadata are exact (CMP=diff).
# FATE passes CMD through single quotes: prompts use "_" between words (the
# tokenizer splits on any non-letter).

SORAGEN_TINY = model=$(SRC_PATH)/soragen/tests/fixtures/tiny-model.safetensors:p=a_hippo_bounces_on_the_sand:seed=7:steps=4:threads=1:audio=0

# 8 frames through three chunks (4 frames, then 2 new + 2 carried over)
FATE_SORAGEN += fate-soragen-tiny-f32
fate-soragen-tiny-f32: CMD = ffmpeg -lavfi "soragen=$(SORAGEN_TINY):s=32x32:d=1" -f rawvideo -
fate-soragen-tiny-f32: CMP = stddev
fate-soragen-tiny-f32: CMP_UNIT = 1
fate-soragen-tiny-f32: FUZZ = 0.5

# the bf16 path against the f32 reference frames: same picture, coarser math
# (measured stddev 0.61; another seed gives 30.9)
FATE_SORAGEN += fate-soragen-tiny-bf16
fate-soragen-tiny-bf16: CMD = ffmpeg -lavfi "soragen=$(SORAGEN_TINY):s=32x32:d=1:precision=bf16" -f rawvideo -
fate-soragen-tiny-bf16: REF = $(SRC_PATH)/tests/ref/fate/soragen-tiny-f32
fate-soragen-tiny-bf16: CMP = stddev
fate-soragen-tiny-bf16: CMP_UNIT = 1
fate-soragen-tiny-bf16: FUZZ = 1.5

# output rate 24 from native 8: pts, frame count and which native frame
FATE_SORAGEN += fate-soragen-rate
fate-soragen-rate: CMD = ffmpeg -lavfi "soragen=$(SORAGEN_TINY):s=16x16:r=24:d=0.5,metadata=mode=print:key=lavfi.soragen.native_frame:file=-" -f null -
fate-soragen-rate: CMP = diff

# unbounded (d=-1, as the README's sendcmd example): frames keep coming
# through three chunks until the output stops asking
FATE_SORAGEN += fate-soragen-unbounded
fate-soragen-unbounded: CMD = ffmpeg -lavfi "soragen=$(SORAGEN_TINY):s=16x16:d=-1,metadata=mode=print:key=lavfi.soragen.native_frame:file=-" -frames:v 20 -f null -
fate-soragen-unbounded: CMP = diff

# a prompt sent by sendcmd applies from the next chunk on
FATE_SORAGEN += fate-soragen-command
fate-soragen-command: CMD = ffmpeg -lavfi "soragen=$(SORAGEN_TINY):s=16x16:d=1.5,sendcmd=f=$(SRC_PATH)/soragen/fate/soragen-command.cmd,metadata=mode=print:key=lavfi.soragen.prompt:file=-" -f null -
fate-soragen-command: CMP = diff

FATE_SORAGEN-$(call ALLYES, SORAGEN_FILTER METADATA_FILTER SENDCMD_FILTER RAWVIDEO_ENCODER \
                           RAWVIDEO_MUXER WRAPPED_AVFRAME_ENCODER NULL_MUXER) += $(FATE_SORAGEN)

FATE_FFMPEG += $(FATE_SORAGEN-yes)
fate-soragen: $(FATE_SORAGEN-yes)

# remix: the tiny model re-generates parts of testsrc2
REMIX_TINY = model=$(SRC_PATH)/soragen/tests/fixtures/tiny-model.safetensors:seed=3:steps=4:threads=1
REMIX_SRC = -f lavfi -i testsrc2=s=96x72:r=25:d=0.44
REMIX_LEFT = -f lavfi -i color=white:s=48x72:r=25:d=0.44,format=gray,pad=96:72:0:0:black

# everything outside the mask is the input, bit for bit: the right half of
# the output has the CRCs of the right half of testsrc2
FATE_REMIX += fate-remix-mask-outside-exact
fate-remix-mask-outside-exact: CMD = framecrc $(REMIX_SRC) $(REMIX_LEFT) -filter_complex "[0]format=yuv420p[v];[v][1]remix=$(REMIX_TINY):p=a_cat:mask=1,crop=48:72:48:0"

# frames the timeline disables pass untouched (the first 4 of 11 here)
FATE_REMIX += fate-remix-timeline
fate-remix-timeline: CMD = framecrc $(REMIX_SRC) -vf "format=yuv420p,remix=$(REMIX_TINY):p=a_cat:enable=trunc(n/4),select=not(trunc(n/4))"

# the whole picture from the prompt at strength 0.7, two windows
FATE_REMIX += fate-remix-full
fate-remix-full: CMD = ffmpeg $(REMIX_SRC) -vf format=yuv420p,remix=$(REMIX_TINY):p=a_cat_on_the_sand:strength=0.7 -f rawvideo -
fate-remix-full: CMP = stddev
fate-remix-full: CMP_UNIT = 1
fate-remix-full: FUZZ = 0.5

FATE_REMIX-$(call ALLYES, REMIX_FILTER TESTSRC2_FILTER COLOR_FILTER PAD_FILTER FORMAT_FILTER \
                          CROP_FILTER SELECT_FILTER LAVFI_INDEV RAWVIDEO_ENCODER \
                          RAWVIDEO_MUXER FRAMECRC_MUXER) += $(FATE_REMIX)
FATE_FFMPEG += $(FATE_REMIX-yes)
fate-remix: $(FATE_REMIX-yes)

# the audio output: 0.5 s at 30000/1001, sounds of the events the tiny model
# predicts (float math: stddev on f32 samples; another seed measures 123121
# in tiny_psnr's f32 units)
FATE_SORAGEN_AUDIO += fate-soragen-audio
fate-soragen-audio: CMD = ffmpeg -lavfi "soragen=model=$(SRC_PATH)/soragen/tests/fixtures/tiny-model.safetensors:p=a_ball_bounces:seed=7:steps=4:threads=1:s=16x16:r=30000/1001:d=0.5:cl=mono:sounds=none[v][a];[v]nullsink" -map "[a]" -f f32le -
fate-soragen-audio: CMP = stddev
fate-soragen-audio: CMP_UNIT = f32
fate-soragen-audio: FUZZ = 1000

# the same with the shipped sound bank (recorded sounds, resampled to 48 kHz)
FATE_SORAGEN_AUDIO += fate-soragen-audio-bank
fate-soragen-audio-bank: CMD = ffmpeg -lavfi "soragen=model=$(SRC_PATH)/soragen/tests/fixtures/tiny-model.safetensors:p=a_ball_bounces:seed=7:steps=4:threads=1:s=16x16:r=30000/1001:d=0.5:cl=mono:sounds=$(SRC_PATH)/soragen/models/sounds/bank.txt[v][a];[v]nullsink" -map "[a]" -f f32le -
fate-soragen-audio-bank: CMP = stddev
fate-soragen-audio-bank: CMP_UNIT = f32
fate-soragen-audio-bank: FUZZ = 1000

# event_certain with the shipped model: on a generated cat that bounces,
# the model's contact peak (0.584 at 0.25-0.375 s) is timed from two frames
# of flight a side only if event_certain lets it: with the default 0.9 the
# pictures do not show the contact in full and the track is silent; with
# 0.5 a contact sounds at 0.319 s.  (The tiny models draw no contacts.)
SORAGEN_CAT = soragen=model=$(SRC_PATH)/soragen/models/soragen.safetensors:p=a_cat_bounces_on_a_white_background:seed=103:steps=8:threads=1:s=64x64:r=8:d=1:sr=8000:cl=mono:sounds=none
FATE_SORAGEN_AUDIO += fate-soragen-event-certain
fate-soragen-event-certain: CMD = ffmpeg -lavfi "$(SORAGEN_CAT)[v][a];[v]nullsink" -map "[a]" -f f32le -
fate-soragen-event-certain: CMP = stddev
fate-soragen-event-certain: CMP_UNIT = f32
fate-soragen-event-certain: FUZZ = 1000

FATE_SORAGEN_AUDIO += fate-soragen-event-certain-low
fate-soragen-event-certain-low: CMD = ffmpeg -lavfi "$(SORAGEN_CAT):event_certain=0.5[v][a];[v]nullsink" -map "[a]" -f f32le -
fate-soragen-event-certain-low: CMP = stddev
fate-soragen-event-certain-low: CMP_UNIT = f32
fate-soragen-event-certain-low: FUZZ = 1000

FATE_SORAGEN_AUDIO-$(call ALLYES, SORAGEN_FILTER NULLSINK_FILTER PCM_F32LE_ENCODER PCM_F32LE_MUXER) += $(FATE_SORAGEN_AUDIO)
FATE_FFMPEG += $(FATE_SORAGEN_AUDIO-yes)
fate-soragen: $(FATE_SORAGEN_AUDIO-yes)

# in-betweens: rate 24 from the model's 8 on the shipped model's bouncing
# cat, the subject moved along its path (the default) or the two frames
# cross-faded.  The two outputs differ by a stddev of 9.27 (8-bit, 32x32,
# the first half second), over the FUZZ: each test fails on the other's
# frames.  With audio=0 the analyser runs for the in-betweens alone.
SORAGEN_CAT24 = soragen=model=$(SRC_PATH)/soragen/models/soragen.safetensors:p=a_cat_bounces_on_a_white_background:seed=103:steps=8:threads=1:s=32x32:r=24:d=0.5:audio=0
FATE_SORAGEN_INBETWEEN += fate-soragen-inbetween
fate-soragen-inbetween: CMD = ffmpeg -lavfi "$(SORAGEN_CAT24)" -f rawvideo -
fate-soragen-inbetween: CMP = stddev
fate-soragen-inbetween: CMP_UNIT = 1
fate-soragen-inbetween: FUZZ = 2

FATE_SORAGEN_INBETWEEN += fate-soragen-inbetween-blend
fate-soragen-inbetween-blend: CMD = ffmpeg -lavfi "$(SORAGEN_CAT24):inbetween=blend" -f rawvideo -
fate-soragen-inbetween-blend: CMP = stddev
fate-soragen-inbetween-blend: CMP_UNIT = 1
fate-soragen-inbetween-blend: FUZZ = 2

FATE_SORAGEN_INBETWEEN-$(call ALLYES, SORAGEN_FILTER RAWVIDEO_ENCODER RAWVIDEO_MUXER) += $(FATE_SORAGEN_INBETWEEN)
FATE_FFMPEG += $(FATE_SORAGEN_INBETWEEN-yes)
fate-soragen: $(FATE_SORAGEN_INBETWEEN-yes)

# from/to with complete: an orange block moving over blue (the subject the
# pictures show; the analyser sees its leading and trailing edges, its
# middle stays orange and reads as scenery).  In the first window the tiny
# model's strongest contrast lies on the blue and its parts on those edges
# carry over a quarter of it: the boxes are taken there (rows 20-31,
# cols 36-47 in frames 0-3; with complete=0 they wander above and below
# the block).  In the second the box meets the block's edge and grows to
# hold it.  show_mask outputs the boxes.
REMIX_BLOCK = -f lavfi -i "color=c=0x3060c0:s=64x64:r=8:d=1[bg];color=c=0xe08020:s=30x26:r=8:d=1[b];[bg][b]overlay=x=8+2*n:y=20,format=yuv420p[out0]"
# next_strength: with from/to the windows that carry frames of the window
# before start from noise (lavfi.remix.strength 1 from window 1 on, 0.8 in
# window 0); the metadata of each frame, not its pixels
FATE_REMIX_COMPLETE += fate-remix-next-strength
fate-remix-next-strength: CMD = ffmpeg $(REMIX_BLOCK) -vf "remix=$(REMIX_TINY):from=hippo:to=cat,metadata=mode=print:key=lavfi.remix.strength:file=-" -f null -
fate-remix-next-strength: CMP = diff

FATE_REMIX_COMPLETE += fate-remix-complete
fate-remix-complete: CMD = framecrc $(REMIX_BLOCK) -vf "remix=$(REMIX_TINY):from=hippo:to=cat:show_mask=1:complete=1"
FATE_REMIX_COMPLETE-$(call ALLYES, REMIX_FILTER COLOR_FILTER OVERLAY_FILTER FORMAT_FILTER \
                                   METADATA_FILTER LAVFI_INDEV RAWVIDEO_ENCODER FRAMECRC_MUXER \
                                   WRAPPED_AVFRAME_ENCODER NULL_MUXER) += $(FATE_REMIX_COMPLETE)
FATE_FFMPEG += $(FATE_REMIX_COMPLETE-yes)
fate-remix: $(FATE_REMIX_COMPLETE-yes)

# 10-bit 4:2:2 (a broadcast format): outside the mask still bit-exact
FATE_REMIX10 += fate-remix-mask-outside-exact-422p10
fate-remix-mask-outside-exact-422p10: CMD = framecrc -f lavfi -i testsrc2=s=96x72:r=25:d=0.44,format=yuv422p10le $(REMIX_LEFT) -filter_complex "[0][1]remix=$(REMIX_TINY):p=a_cat:mask=1,crop=48:72:48:0"
FATE_REMIX10-$(call ALLYES, REMIX_FILTER TESTSRC2_FILTER COLOR_FILTER PAD_FILTER FORMAT_FILTER \
                            CROP_FILTER LAVFI_INDEV RAWVIDEO_ENCODER FRAMECRC_MUXER) += $(FATE_REMIX10)
FATE_FFMPEG += $(FATE_REMIX10-yes)
fate-remix: $(FATE_REMIX10-yes)
