#!/bin/sh
# `make bench` runs on every kind of model: the engine's and PyTorch's
# timing programs on the pixel and the latent fixtures, one repetition each.
# Only that they run and print their figures is checked; the figures
# themselves belong to `make bench` on an idle machine.
REPO=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:=$REPO/build}" "${PYTHON:=/usr/bin/python3}"
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
fail=0
for model in tiny tinyr tinyl; do
    for prec in f32 bf16; do
        f=$REPO/tests/fixtures/$model-model.safetensors
        for side in engine pytorch; do
            if [ $side = engine ]; then
                out=$("$BUILD/tests/bench_engine" "$f" 1 $prec 1 2>&1)
            else
                out=$("$PYTHON" "$REPO/models/train/bench.py" "$f" 1 $prec 1 2>&1)
            fi
            st=$?
            if [ $st = 0 ] && echo "$out" | grep -Eq "^$side $prec threads=1: [0-9.]+ ms/step .* frames/s"; then
                echo "ok   $model $prec $side: $out"
            else
                echo "FAIL $model $prec $side (exit $st): $out"
                fail=1
            fi
        done
    done
done
exit $fail
