#!/bin/sh
# soragen's audio follows src_avsynctest's scheme: audio for video frame n
# is samples [rescale(n), rescale(n+1)), rescale(k) = k * sr * den / num
# rounded to nearest.  Checked frame by frame over a 10-minute stream at
# 30000/1001, where a constant 1601-sample chunk would drift 1.35 s.
REPO=$(cd "$(dirname "$0")/.." && pwd)
B=${BUILD:-$REPO/build}
TINY=$REPO/tests/fixtures/tiny-model.safetensors
out=$("$B/ffprobe" -v error -f lavfi \
    -i "soragen=model=$TINY:p=a hippo bounces:seed=1:steps=1:s=16x16:r=30000/1001:d=600:threads=1:sr=48000[out0][out1]" \
    -show_entries frame=media_type,pts,nb_samples -of csv=p=0) || { echo "ffprobe failed"; exit 1; }
printf '%s\n' "$out" | awk -F, '
function resc(k) { return int((2 * k * 48000 * 1001 + 30000) / 60000) }
$1 == "video" { if ($2 != nv) { print "video frame " nv " has pts " $2; bad++ } nv++ }
$1 == "audio" {
    if ($2 != resc(na) || $3 != resc(na + 1) - resc(na)) {
        if (bad < 5) print "audio frame " na ": pts " $2 " samples " $3 ", want " resc(na) " and " resc(na + 1) - resc(na)
        bad++
    }
    total += $3; na++
}
END {
    printf "%d video frames, %d audio frames, %d samples (want %d), %d mismatches\n", nv, na, total, resc(nv), bad
    if (nv != 17983 || na != nv || total != resc(nv)) bad++
    print (bad ? "1 failed" : "0 failed")
    exit bad ? 1 : 0
}'
