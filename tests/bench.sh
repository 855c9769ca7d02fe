#!/bin/sh
# make bench: the C engine against the PyTorch reference on the same
# weights and inputs, then soragen end to end inside ffmpeg.
# Figures depend on what else runs: bench an idle machine.
set -e
REPO=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:=$REPO/build}" "${PYTHON:=/usr/bin/python3}"
MODEL=${MODEL:-$REPO/models/soragen.safetensors}
REPS=${REPS:-10}
[ -f "$MODEL" ] || { echo "bench: no model at $MODEL" >&2; exit 1; }
export OMP_WAIT_POLICY=PASSIVE
echo "model: $MODEL"
for threads in 1 2; do
    for prec in f32 bf16; do
        e=$("$BUILD/tests/bench_engine" "$MODEL" $threads $prec $REPS)
        p=$(OMP_NUM_THREADS=$threads "$PYTHON" "$REPO/models/train/bench.py" "$MODEL" $threads $prec $REPS)
        echo "$e"
        echo "$p"
        em=$(echo "$e" | sed 's/.*: \([0-9.]*\) ms\/step.*/\1/')
        pm=$(echo "$p" | sed 's/.*: \([0-9.]*\) ms\/step.*/\1/')
        awk -v a="$pm" -v b="$em" -v t=$threads -v p=$prec \
            'BEGIN { printf "ratio %s threads=%d: PyTorch / engine = %.2fx per step\n\n", p, t, a / b }'
    done
done
# soragen_run LABEL FRAMES OPTIONS: 4 s of soragen at 256x256, 20 steps, 2 threads
soragen_run() {
    start=$(date +%s.%N)
    "$BUILD/ffmpeg" -nostdin -v error -lavfi \
        "soragen=model=$MODEL:p=a hippo bounces on the sand:seed=1:d=4:s=256x256:threads=2:$3" \
        -f null -
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" -v l="$1" -v n=$2 \
        'BEGIN { printf "ffmpeg soragen %s, 256x256, 20 steps, 2 threads: %.2f s = %.2f frames/s\n", l, e - s, n / (e - s) }'
}
for prec in f32 bf16; do
    soragen_run "$prec, 4 s at 8 fps" 32 "precision=$prec"
done
# at 24 fps two frames of three are in-betweens (the subject moved, or the cross-fade)
for mode in motion blend; do
    soragen_run "f32, 4 s at 24 fps (inbetween=$mode)" 96 "r=24:inbetween=$mode"
done
# remix on a broadcast-size input (issue figure: frames per second at 1280x720)
start=$(date +%s.%N)
"$BUILD/ffmpeg" -nostdin -v error -f lavfi -i testsrc2=s=1280x720:r=25:d=2 -vf \
    "format=yuv420p,remix=model=$MODEL:p=a hippo on the sand:strength=0.6:seed=1:threads=2" -f null -
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" \
    'BEGIN { printf "ffmpeg remix f32, 50 frames of 1280x720 yuv420p, 20 steps, 2 threads: %.2f s = %.2f frames/s\n", e - s, 50 / (e - s) }'
