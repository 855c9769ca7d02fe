#!/bin/sh
# remix keeps the input's stream as it is (issue 3): for every pixel format
# it takes (8- and 10-bit YUV 4:2:0 and 4:2:2, packed and planar RGB), an
# odd-sized input with variable frame durations and a non-zero first pts
# comes out with the same number of frames, each with the input's pts,
# duration and size in bytes (so the same format and dimensions), in all
# three modes (prompt, mask input, from/to).  The tiny model's windows
# are 4 frames with 2 carried over: 11 frames make windows of 4, 2, 2
# and 2 new frames and a last one of 1, flushed at EOF.
# A mask of another size is an error that says so; a from word the model
# cannot locate passes its windows through with a warning and metadata;
# memory does not grow with the stream; a real-time input is waited for,
# not polled.
REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/tests/crashed.sh"
FFMPEG=${BUILD:-$REPO/build}/ffmpeg
TINY=$REPO/tests/fixtures/tiny-model.safetensors
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0

# 11 frames of 98x70, first pts 0.5 s, durations 40 ms and, every third
# frame, 53 ms more (a variable frame rate)
# (time base 1 ms)
VFR="settb=1/1000,setpts='PTS+0.5/TB+floor(N/3)*0.053/TB'"
SRC="testsrc2=s=98x70:r=25:d=0.44,$VFR"
MASK="color=white:s=98x70:r=25:d=0.44,format=gray,$VFR"
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
if [ $rc = 0 ] || crashed $rc || ! printf '%s' "$out" | grep -q "The mask is 64x64, the video 98x70"; then
    echo "FAIL [mask size]: status $rc"; printf '%s\n' "$out" | tail -n 3; fail=$((fail + 1))
else
    echo "ok   [mask size]: error 'The mask is 64x64, the video 98x70: they must match'"
fi

# a from word the model cannot locate (forced: threshold=1 and grow=0 keep
# only the contrast's largest pixel, under the 0.2 % of the frames a found
# element needs): a warning, lavfi.remix.located=0, and the frames of
# those windows are the input's, bit for bit
n=$((n + 1))
LOC="testsrc2=s=64x64:r=8:d=1,format=rgb24"
timeout 60 "$FFMPEG" -nostdin -v warning -filter_complex \
    "$LOC,remix=$REMIX:from=hippo:to=cat:threshold=1:grow=0,metadata=mode=print:key=lavfi.remix.located:file=$tmp/located.txt" \
    -f framecrc "$tmp/located.crc" 2> "$tmp/located.err"
timeout 60 "$FFMPEG" -nostdin -v error -filter_complex "$LOC" -f framecrc "$tmp/located.ref.crc"
grep -o 'located=[01]' "$tmp/located.txt" | cut -d= -f2 > "$tmp/located.flags"
grep -v '^#' "$tmp/located.crc" | cut -d, -f6 > "$tmp/out.crcs"
grep -v '^#' "$tmp/located.ref.crc" | cut -d, -f6 > "$tmp/in.crcs"
bad=$(paste -d' ' "$tmp/located.flags" "$tmp/out.crcs" "$tmp/in.crcs" | awk '$1 == 0 && $2 != $3' | wc -l)
unlocated=$(grep -c '^0$' "$tmp/located.flags")
if ! grep -q "could not locate 'hippo'; frames pass through" "$tmp/located.err" || \
        [ "$unlocated" = 0 ] || [ "$bad" != 0 ]; then
    echo "FAIL [not located]: $unlocated frames with located=0, $bad of them changed"
    tail -n 3 "$tmp/located.err"; fail=$((fail + 1))
else
    echo "ok   [not located]: warning, $unlocated frames with located=0, all the input's"
fi

# backpressure: remix holds a window's frames, not the stream's: 400
# frames of 1280x720 (550 MB of yuv420p) take no more memory than 50
n=$((n + 1))
for d in 2 16; do
    /usr/bin/time -f "%M" -o "$tmp/rss$d" timeout 120 "$FFMPEG" -nostdin -v error \
        -f lavfi -i testsrc2=s=1280x720:r=25:d=$d \
        -vf "format=yuv420p,remix=$REMIX:p=a cat:steps=1" -f null -
done
rss2=$(cat "$tmp/rss2") rss16=$(cat "$tmp/rss16")
if [ "$rss16" -gt $((rss2 + 100000)) ]; then
    echo "FAIL [memory]: max RSS $rss16 KB for 400 frames, $rss2 KB for 50"; fail=$((fail + 1))
else
    echo "ok   [memory]: max RSS $rss16 KB for 400 frames of 1280x720, $rss2 KB for 50"
fi

# no busy-waiting: fed in real time (-re, 3 s), remix waits for its input
# asleep: its CPU time stays under half the wall time (a loop polling the
# input would take all of it)
n=$((n + 1))
/usr/bin/time -f "%e %U %S" -o "$tmp/re" timeout 60 "$FFMPEG" -nostdin -v error -re \
    -f lavfi -i testsrc2=s=320x240:r=25:d=3 -vf "format=yuv420p,remix=$REMIX:p=a cat:steps=1" -f null -
if ! awk '{ exit !($2 + $3 < 0.5 * $1) }' "$tmp/re"; then
    echo "FAIL [no busy wait]: wall, user, sys: $(cat "$tmp/re")"; fail=$((fail + 1))
else
    echo "ok   [no busy wait]: wall, user, sys s: $(cat "$tmp/re")"
fi

# next_strength: windows that carry frames of the one before (window
# numbers 1 and up in lavfi.remix.window) are noised to 1 with from/to by
# default, to strength otherwise, to next_strength when it is set; the
# first window's frames do not depend on it, the later ones do
n=$((n + 1))
NS="testsrc2=s=64x64:r=8:d=1.5,format=rgb24"
ns_run() {
    timeout 60 "$FFMPEG" -nostdin -v error -filter_complex \
        "$NS,remix=$REMIX:$1,metadata=mode=print:file=$tmp/ns-$2.txt" -f framecrc "$tmp/ns-$2.crc"
    # window and strength of each frame, then the frames' checksums
    awk -F= '/lavfi.remix.strength/ { st = $2 } /lavfi.remix.window/ { print $2, st }' \
        "$tmp/ns-$2.txt" > "$tmp/ns-$2.ws"
    grep -v '^#' "$tmp/ns-$2.crc" | cut -d, -f6 > "$tmp/ns-$2.crcs"
}
ns_run "from=hippo:to=cat" fromto
ns_run "p=a cat:strength=0.7" prompt
ns_run "p=a cat:strength=0.7:next_strength=1" prompt1
# strength per window: "first later" over all frames, one line per run
ns_summary() {
    awk '$1 == 0 { a[$2] = 1 } $1 > 0 { b[$2] = 1 }
         END { for (k in a) f = f k; for (k in b) l = l k; print f, l }' "$tmp/ns-$1.ws"
}
got="$(ns_summary fromto) / $(ns_summary prompt) / $(ns_summary prompt1)"
frames=$(wc -l < "$tmp/ns-prompt.crcs")
# the tiny model: windows of 4 frames, 2 carried, so frames 0-3 are window 0
same=$(paste -d' ' "$tmp/ns-prompt.crcs" "$tmp/ns-prompt1.crcs" | head -n 4 | awk '$1 == $2' | wc -l)
later=$(paste -d' ' "$tmp/ns-prompt.crcs" "$tmp/ns-prompt1.crcs" | tail -n +5 | awk '$1 != $2' | wc -l)
if [ "$got" != "0.8 1 / 0.7 0.7 / 0.7 1" ] || [ "$frames" != 12 ] || [ "$same" != 4 ] || \
        [ "$later" != 8 ]; then
    echo "FAIL [next_strength]: strengths (first later) '$got', $frames frames," \
         "$same of the first 4 alike, $later of the others differ"
    fail=$((fail + 1))
else
    echo "ok   [next_strength]: strengths (first later) $got; next_strength=1 changes" \
         "the 8 later frames, not the first 4"
fi

echo "$((n - fail)) of $n passed"
[ $fail = 0 ]
