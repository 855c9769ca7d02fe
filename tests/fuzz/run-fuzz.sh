#!/bin/sh
# Fuzz one parser with libFuzzer + ASan/UBSan:
#   tests/fuzz/run-fuzz.sh safetensors [seconds]
# Needs clang and libclang-rt-14-dev (apt-get install clang libclang-rt-14-dev)
# and a configured build (./configure && make) for libavutil.
set -e
target=$1
secs=${2:-300}
REPO=$(cd "$(dirname "$0")/../.." && pwd)
. "$REPO/config.mak" 2>/dev/null || { echo "run ./configure && make first" >&2; exit 1; }
[ -f "$REPO/tests/fuzz_$target.c" ] || { echo "no fuzz target tests/fuzz_$target.c" >&2; exit 1; }
out="$BUILD/fuzz"
mkdir -p "$out/corpus-$target"
cp "$REPO/tests/fuzz/$target"/* "$out/corpus-$target/"
clang -g -O1 -fsanitize=fuzzer,address,undefined -I"$FFBUILD" -I"$FFSRC" -I"$REPO" \
    "$REPO/tests/fuzz_$target.c" "$REPO"/libavfilter/diffusion/*.c \
    "$FFBUILD/libavutil/libavutil.a" -ldnnl -lgomp -lm -lpthread -o "$out/fuzz_$target"
"$out/fuzz_$target" -max_total_time="$secs" -max_len=65536 "$out/corpus-$target"
