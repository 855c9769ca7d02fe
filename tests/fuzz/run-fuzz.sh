#!/bin/sh
# Fuzz one parser of libavfilter/diffusion with libFuzzer + ASan + UBSan.
#
#   tests/fuzz/run-fuzz.sh TARGET [SECONDS] [libFuzzer options...]
#   tests/fuzz/run-fuzz.sh safetensors 300
#
# TARGET names the harness tests/fuzz_TARGET.c (it defines
# LLVMFuzzerTestOneInput) and its committed seed corpus tests/fuzz/TARGET/.
# The harness is linked with FUZZ_SRCS, by default
# libavfilter/diffusion/TARGET.c (for model: model.c and safetensors.c);
# set FUZZ_SRCS for another parser spread over several files.  SECONDS
# defaults to 300.  Targets: safetensors, sound_bank, model.
#
# The working corpus (the seeds plus every input the fuzzer finds new
# coverage with) is $BUILD/fuzz/corpus-TARGET, and a crashing, leaking or
# slow input is saved as $BUILD/fuzz/TARGET-crash-* (or -leak-, -timeout-)
# and reproduced with:  $BUILD/fuzz/fuzz_TARGET FILE
# After a fix, add a minimized reproducer to tests/fuzz/TARGET/ so
# tests/TARGET_test.c replays it in `make check`.
#
# Needs clang and the libFuzzer runtime (apt-get install -y clang
# libclang-rt-14-dev), and libavutil: the project's FFmpeg 7.1 build if
# ./configure has run, otherwise Debian's libavutil-dev.
set -e
[ $# -ge 1 ] || { sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2; }
target=$1
secs=${2:-300}
[ $# -ge 2 ] && shift 2 || shift
REPO=$(cd "$(dirname "$0")/../.." && pwd)
[ -f "$REPO/config.mak" ] && . "$REPO/config.mak"
: "${BUILD:=$REPO/build}" "${FFBUILD:=$BUILD/ffmpeg-build}" "${FFSRC:=$BUILD/ffmpeg-src}"
: "${CLANG:=clang}"
harness="$REPO/tests/fuzz_$target.c"
seeds="$REPO/tests/fuzz/$target"
[ -f "$harness" ] || { echo "no fuzz harness $harness" >&2; exit 1; }
[ -d "$seeds" ] || { echo "no seed corpus $seeds" >&2; exit 1; }
case $target in
    model) default_srcs="libavfilter/diffusion/model.c libavfilter/diffusion/safetensors.c" ;;
    *) default_srcs=libavfilter/diffusion/$target.c ;;
esac
srcs=${FUZZ_SRCS:-$default_srcs}

if [ -f "$FFBUILD/libavutil/libavutil.a" ]; then
    avutil_cflags="-I$FFBUILD -I$FFSRC"
    avutil_libs="$FFBUILD/libavutil/libavutil.a -lm -lpthread"
elif pkg-config --exists libavutil; then
    avutil_cflags=$(pkg-config --cflags libavutil)
    avutil_libs=$(pkg-config --libs libavutil)
else
    echo "no libavutil: run ./configure && make, or apt-get install libavutil-dev" >&2
    exit 1
fi

out="$BUILD/fuzz"
mkdir -p "$out/corpus-$target"
cp "$seeds"/* "$out/corpus-$target/"
cd "$REPO"
# shellcheck disable=SC2086
$CLANG -std=c17 -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$REPO" $avutil_cflags "$harness" $srcs $avutil_libs -o "$out/fuzz_$target"
echo "fuzzing $target for $secs s; corpus $out/corpus-$target"
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
"$out/fuzz_$target" -max_total_time="$secs" -max_len=65536 -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/$target-" \
    "$@" "$out/corpus-$target"
