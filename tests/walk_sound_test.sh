#!/bin/sh
# A walk sounds its steps (issue 4: "footsteps as the subject walks"): the
# shipped model gives a walking subject's frames a footfall probability of
# about 0.4 on every frame (it knows the walk, not the frames its feet
# land on; the world it learned from walks at 2.5-4 steps a second, 0.31-0.5
# of the frames at 8 fps), and the filter turns that rate into steps
# (libavfilter/diffusion/footsteps.c).  Checked with the debug stems: a
# dog walking for 3 s gets steps 0.25-0.4 s apart (the world's cadences)
# at strength 1, and its footfall stem is not silent; a hippo bouncing
# gets none.
REPO=$(cd "$(dirname "$0")/.." && pwd)
FFMPEG=${BUILD:-$REPO/build}/ffmpeg
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

run() {
    timeout 120 "$FFMPEG" -nostdin -v error -lavfi \
        "soragen=p=$1:seed=5:d=3:s=64x64:threads=2:stems=$tmp/$2[v][a]" \
        -map "[v]" -f null - -map "[a]" -f null -
    rc=$?
    if [ $rc != 0 ]; then
        echo "FAIL [$2]: ffmpeg status $rc"; fail=$((fail + 1)); return 1
    fi
}

if run "a dog walks on the grass" walk; then
    steps=$(awk '$2 == "footfall"' "$tmp/walk-events.txt" | wc -l)
    odd=$(awk '$2 == "footfall" {
                   if ($3 != "1.000") bad++
                   if (n++ && ($1 - t < 0.25 || $1 - t > 0.4)) bad++
                   t = $1
               } END { print bad + 0 }' "$tmp/walk-events.txt")
    peak=$("$FFMPEG" -nostdin -hide_banner -i "$tmp/walk-footfall.wav" -af astats -f null - 2>&1 |
           awk '/Peak level dB/ { print $NF; exit }')
    if [ "$steps" -lt 8 ] || [ "$odd" != 0 ] || ! awk -v p="$peak" 'BEGIN { exit !(p > -40) }'; then
        echo "FAIL [walk]: $steps steps, $odd odd (strength or spacing), footfall stem peak $peak dB"
        cat "$tmp/walk-events.txt"; fail=$((fail + 1))
    else
        echo "ok   [walk]: $steps steps in 3 s, 0.25-0.4 s apart, footfall stem peak $peak dB"
    fi
fi

if run "a hippo bounces on the sand" bounce; then
    steps=$(awk '$2 == "footfall"' "$tmp/bounce-events.txt" | wc -l)
    if [ "$steps" != 0 ]; then
        echo "FAIL [bounce]: $steps footfalls"; fail=$((fail + 1))
    else
        echo "ok   [bounce]: no footfalls"
    fi
fi

[ $fail = 0 ]
