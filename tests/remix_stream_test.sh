#!/bin/sh
# remix keeps the input's stream as it is (issue 3): for every pixel format
# it takes (8- and 10-bit YUV 4:2:0 and 4:2:2, packed and planar RGB), an
# odd-sized input with variable frame durations and a non-zero first pts
# comes out with the same number of frames, each with the input's pts,
# duration and size in bytes (so the same format and dimensions), in all
# three modes (prompt, mask input, from/to).  The tiny model's windows
# are 4 frames with 2 carried over: 11 frames make windows of 4, 2, 2
# and 2 new frames and a last one of 1, flushed at EOF.
# A mask of another size is an error that says so.
REPO=$(cd "$(dirname "$0")/.." && pwd)
FFMPEG=${BUILD:-$REPO/build}/ffmpeg
TINY=$REPO/tests/fixtures/tiny-model.safetensors
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0

# 11 frames of 98x70, first pts 0.5 s, durations 40 ms and, every third
# frame, 53 ms more (a variable frame rate)
# (time base 1 ms)
SRC="testsrc2=s=98x70:r=25:d=0.44,settb=1/1000,setpts='PTS+0.5/TB+floor(N/3)*0.053/TB'"
MASK="color=white:s=98x70:r=25:d=0.44,format=gray,settb=1/1000,setpts='PTS+0.5/TB+floor(N/3)*0.053/TB'"
REMIX="model=$TINY:seed=3:steps=2:threads=1"

# framecrc columns without the checksum: stream, dts, pts, duration, size
columns() {
    grep -v '^#' "$1" | cut -d, -f1-5
}

check() {
    name=$1 fmt=$2 graph=$3
    n=$((n + 1))
    if ! timeout 120 "$FFMPEG" -nostdin -v error -filter_complex "$graph" -fps_mode passthrough \
            -f framecrc "$tmp/$name.crc" 2> "$tmp/$name.err"; then
        echo "FAIL [$name]: ffmpeg failed"; tail -n 3 "$tmp/$name.err"; fail=$((fail + 1)); return
    fi
    timeout 60 "$FFMPEG" -nostdin -v error -filter_complex "$SRC,format=$fmt" -fps_mode passthrough \
        -f framecrc "$tmp/$name.ref.crc"
    columns "$tmp/$name.crc" > "$tmp/$name.cols"
    if ! columns "$tmp/$name.ref.crc" | cmp -s - "$tmp/$name.cols"; then
        echo "FAIL [$name]: frames, timestamps or sizes differ from the input's"
        columns "$tmp/$name.ref.crc" | diff - "$tmp/$name.cols" | head -n 6
        fail=$((fail + 1)); return
    fi
    frames=$(grep -vc '^#' "$tmp/$name.crc")
    if [ "$frames" != 11 ]; then
        echo "FAIL [$name]: $frames frames, not 11"; fail=$((fail + 1)); return
    fi
    echo "ok   [$name]: 11 frames, the input's pts, durations and $fmt sizes"
}

for fmt in yuv420p yuv422p yuv420p10le yuv422p10le rgb24 gbrp; do
    check "prompt-$fmt" $fmt "$SRC,format=$fmt,remix=$REMIX:p=a cat:strength=0.7"
done
check "mask-yuv420p" yuv420p "$SRC,format=yuv420p[v];$MASK[m];[v][m]remix=$REMIX:p=a cat:mask=1"
check "mask-rgb24" rgb24 "$SRC,format=rgb24[v];$MASK[m];[v][m]remix=$REMIX:p=a cat:mask=1"
check "fromto-yuv422p10le" yuv422p10le "$SRC,format=yuv422p10le,remix=$REMIX:from=hippo:to=cat"

# a mask of another size
n=$((n + 1))
out=$(timeout 60 "$FFMPEG" -nostdin -hide_banner -filter_complex \
    "$SRC[v];color=white:s=64x64:r=25:d=0.44,format=gray[m];[v][m]remix=$REMIX:p=a cat:mask=1" \
    -f null - 2>&1)
rc=$?
case $rc in 0|124|132|134|135|136|139) bad=1 ;; *) bad=0 ;; esac
if [ $bad = 1 ] || ! printf '%s' "$out" | grep -q "The mask is 64x64, the video 98x70"; then
    echo "FAIL [mask size]: status $rc"; printf '%s\n' "$out" | tail -n 3; fail=$((fail + 1))
else
    echo "ok   [mask size]: error 'The mask is 64x64, the video 98x70: they must match'"
fi

echo "$((n - fail)) of $n passed"
[ $fail = 0 ]
