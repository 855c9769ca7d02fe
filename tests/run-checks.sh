#!/bin/sh
# Run every soragen test; print one line per test and "N passed, N failed".
# Called by `make check` with the unit test binaries as arguments.
REPO=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:=$REPO/build}" "${FFBUILD:=$BUILD/ffmpeg-build}" "${PYTHON:=/usr/bin/python3}" "${JOBS:=2}"
pass=0
fail=0
logdir="$BUILD/test-logs"
# glibc serves blocks of 128 KiB and more with mmap() and unmaps them when
# freed, so each new array touches fresh pages; where a page fault is dear
# (about 20 us on the VMs this project runs on) that was most of a test's
# time: test_world.py took 4 min 52 s with it, 1 min 17 s without.  Freed
# memory stays in the process for the next allocation.
export MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=2147483647
mkdir -p "$logdir"

run() {
    name=$1; shift
    start=$(date +%s)
    if "$@" >"$logdir/$name.log" 2>&1; then
        pass=$((pass + 1)); status=PASS
    else
        fail=$((fail + 1)); status=FAIL
    fi
    echo "$status $name ($(( $(date +%s) - start )) s)"
    [ $status = FAIL ] && sed 's/^/    /' "$logdir/$name.log" | tail -n 30
    return 0
}

cd "$REPO" || exit 1
for t in "$@"; do
    run "$(basename "$t")" "$t" "$REPO/tests/fixtures"
done
for t in "$REPO"/tests/*_test.py "$REPO"/models/train/test_*.py; do
    [ -f "$t" ] && run "$(basename "$t" .py)" env OMP_NUM_THREADS=1 BUILD="$BUILD" "$PYTHON" "$t"
done
for t in "$REPO"/tests/*_test.sh; do
    [ -f "$t" ] && run "$(basename "$t" .sh)" env BUILD="$BUILD" "$t"
done
run doc-texinfo makeinfo --no-headers --force -o /dev/null "$REPO/doc/soragen.texi"

# FATE: list our tests and run each, so every one is counted
fates=$(make -s -C "$FFBUILD" fate-list 2>/dev/null | grep -E '^fate-(soragen|remix)-' || true)
[ -n "$fates" ] || { echo "FAIL fate: no soragen FATE tests found"; fail=$((fail + 1)); }
for f in $fates; do
    run "$f" make -s -C "$FFBUILD" "$f" SAMPLES=
done

echo "$pass passed, $fail failed"
[ $fail = 0 ]
