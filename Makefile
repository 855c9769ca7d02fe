# soragen: FFmpeg 7.1 with the soragen filter and its diffusion engine.
#
#   make          build build/ffmpeg and build/ffprobe (runs ./configure if needed)
#   make check    build everything and run every test (unit, fuzz corpus, FATE, docs)
#   make bench    engine vs PyTorch timings
#   make eval     generate clips for a prompt set and score them

REPO  := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
-include $(REPO)/config.mak
BUILD   ?= $(REPO)/build
FFBUILD ?= $(BUILD)/ffmpeg-build
FFSRC   ?= $(BUILD)/ffmpeg-src
JOBS    ?= $(shell nproc)
PYTHON  ?= /usr/bin/python3

ENGINE_SRC := $(wildcard $(REPO)/libavfilter/diffusion/*.c)
ENGINE_HDR := $(wildcard $(REPO)/libavfilter/diffusion/*.h)
TEST_SRC   := $(wildcard $(REPO)/tests/*_test.c)
TEST_BIN   := $(patsubst $(REPO)/tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))
# helpers that tests/*_test.py drive
TOOL_SRC   := $(wildcard $(REPO)/tests/tools/*.c)
TOOL_BIN   := $(patsubst $(REPO)/tests/tools/%.c,$(BUILD)/tests/%,$(TOOL_SRC))
TEST_CFLAGS = -std=c17 -O2 -g -Wall -I$(FFBUILD) -I$(FFSRC) -I$(REPO)
TEST_LIBS   = $(FFBUILD)/libavutil/libavutil.a -ldnnl -lgomp -lsndfile \
              -lflite_cmu_us_slt -lflite_usenglish -lflite_cmulex -lflite -lm -lpthread

.PHONY: all ffmpeg check tests fate bench eval clean distclean
all: ffmpeg

$(REPO)/config.mak: $(REPO)/configure $(wildcard $(REPO)/patches/ffmpeg-7.1/*.patch)
	cd $(REPO) && ./configure

ffmpeg: $(REPO)/config.mak
	$(MAKE) -C $(FFBUILD) -j$(JOBS) ffmpeg ffprobe
	ln -sf $(FFBUILD)/ffmpeg $(BUILD)/ffmpeg
	ln -sf $(FFBUILD)/ffprobe $(BUILD)/ffprobe

# built by the FFmpeg build; order-only, so tests relink only when it changes
$(FFBUILD)/libavutil/libavutil.a: | ffmpeg
	@:

# one program of tests/ or tests/tools/ linked with the whole engine
define link_test
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(ENGINE_SRC) $(TEST_LIBS)
endef

$(BUILD)/tests/%: $(REPO)/tests/%.c $(REPO)/tests/check.h $(ENGINE_SRC) $(ENGINE_HDR) $(FFBUILD)/libavutil/libavutil.a
	$(link_test)

$(BUILD)/tests/%: $(REPO)/tests/tools/%.c $(ENGINE_SRC) $(ENGINE_HDR) $(FFBUILD)/libavutil/libavutil.a
	$(link_test)

tests: $(TEST_BIN) $(TOOL_BIN) $(BUILD)/tests/bench_engine

check: ffmpeg tests
	@BUILD=$(BUILD) FFBUILD=$(FFBUILD) FFSRC=$(FFSRC) PYTHON=$(PYTHON) JOBS=$(JOBS) \
	    $(REPO)/tests/run-checks.sh $(TEST_BIN)

$(BUILD)/tests/bench_engine: $(REPO)/tests/bench/bench_engine.c $(ENGINE_SRC) $(ENGINE_HDR) $(FFBUILD)/libavutil/libavutil.a
	$(link_test)

bench: ffmpeg $(BUILD)/tests/bench_engine
	BUILD=$(BUILD) PYTHON=$(PYTHON) $(REPO)/tests/bench.sh

eval: ffmpeg
	@test -f $(REPO)/models/train/evaluate.py || { echo "make eval: models/train/evaluate.py is missing" >&2; exit 1; }
	OMP_NUM_THREADS=$(JOBS) OMP_WAIT_POLICY=PASSIVE $(PYTHON) $(REPO)/models/train/evaluate.py --ffmpeg $(BUILD)/ffmpeg
	$(PYTHON) $(REPO)/models/train/avsync.py --ffmpeg $(BUILD)/ffmpeg --tmp $(BUILD)/avsync

clean:
	-$(MAKE) -C $(FFBUILD) clean
	rm -rf $(BUILD)/tests

distclean:
	rm -rf $(BUILD) $(REPO)/config.mak
