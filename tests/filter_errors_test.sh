#!/bin/sh
# soragen's user-facing errors: each bad input must fail with a clear
# message (never crash, never hang), warnings must name unknown words.
REPO=$(cd "$(dirname "$0")/.." && pwd)
. "$REPO/tests/crashed.sh"
FFMPEG=${BUILD:-$REPO/build}/ffmpeg
TINY=$REPO/tests/fixtures/tiny-model.safetensors
TINY3=$REPO/tests/fixtures/tiny3-model.safetensors
TINYR=$REPO/tests/fixtures/tinyr-model.safetensors
TINYL=$REPO/tests/fixtures/tinyl-model.safetensors
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -c 300 "$TINY" > "$tmp/truncated.safetensors"
printf '\002\000\000\000\000\000\000\000{}' > "$tmp/no-metadata.safetensors"
perl -0777 -pe 's/"head_kernel":"3"/"head_kernel":"2"/' "$TINY3" > "$tmp/kernel2.safetensors"
perl -0777 -pe 's/"head_kernel":"3"/"head_kernel":"1"/' "$TINY3" > "$tmp/kernel1.safetensors"
perl -0777 -pe 's/"refine":"6"/"refine":"x"/' "$TINYR" > "$tmp/refine-x.safetensors"
# a latent model's metadata, same header length (JSON allows the spaces)
perl -0777 -pe 's/"head_kernel":"3"/"channels":"4"   /' "$TINY3" > "$tmp/latent.safetensors"
perl -0777 -pe 's/"refine":"6"/"refine":"0"/' "$TINYR" > "$tmp/refine0.safetensors"
printf '\047\000\000\000\000\000\000\000{"__metadata__":{"format":"soragen-1"}}' > "$tmp/no-prediction.safetensors"
fail=0
n=0

# expect STATUS PATTERN FILTERGRAPH: STATUS is ok or error; PATTERN must be in stderr
expect() {
    want=$1 pattern=$2 graph=$3
    n=$((n + 1))
    case $graph in
    remix*) out=$(timeout 60 "$FFMPEG" -nostdin -hide_banner -f lavfi -i testsrc2=d=0.1 -vf "$graph" -f null - 2>&1) ;;
    *)      out=$(timeout 60 "$FFMPEG" -nostdin -hide_banner -lavfi "$graph" -f null - 2>&1) ;;
    esac
    rc=$?
    if crashed $rc; then
        echo "FAIL [$graph]: crashed or hung (status $rc)"; fail=$((fail + 1)); return
    fi
    if { [ $want = ok ] && [ $rc != 0 ]; } || { [ $want = error ] && [ $rc = 0 ]; }; then
        echo "FAIL [$graph]: status $rc, wanted $want"; echo "$out" | tail -n 3; fail=$((fail + 1)); return
    fi
    if ! printf '%s' "$out" | grep -q -- "$pattern"; then
        echo "FAIL [$graph]: no message matching '$pattern'"; echo "$out" | tail -n 3; fail=$((fail + 1)); return
    fi
    echo "ok   [$graph] -> $pattern"
}

expect error "No prompt given"           "soragen=model=$TINY"
expect error "has no word the model knows" "soragen=model=$TINY:p=zebra"
expect ok    "does not know (ignored): zebra purple" "soragen=model=$TINY:p=a zebra hippo purple:d=0.25:steps=1:s=16x16"
expect error "Could not load the model"  "soragen=model=/nonexistent.safetensors:p=a hippo"
expect error "not a valid safetensors file" "soragen=model=$tmp/truncated.safetensors:p=a hippo"
expect error "not a soragen-1 model"     "soragen=model=$tmp/no-metadata.safetensors:p=a hippo"
expect error "unsupported prediction type" "soragen=model=$tmp/no-prediction.safetensors:p=a hippo"
expect ok    "lavfi.soragen.seed"        "soragen=model=$TINY3:p=hippo:d=0.125:steps=1:s=16x16,metadata=mode=print"
expect error "head_kernel=2: only 1 and 3" "soragen=model=$tmp/kernel2.safetensors:p=a hippo"
expect error "holds 75 tensors, the architecture uses 73" "soragen=model=$tmp/kernel1.safetensors:p=a hippo"
expect ok    "lavfi.soragen.seed"        "soragen=model=$TINYR:p=hippo:d=0.125:steps=1:s=16x16,metadata=mode=print"
expect error "refine='x' is not an integer" "soragen=model=$tmp/refine-x.safetensors:p=a hippo"
expect error "a latent model needs both autoencoder widths" "soragen=model=$tmp/latent.safetensors:p=a hippo"
# a latent model (its denoiser on an autoencoder's latents): both filters run it
expect ok    "lavfi.soragen.seed"        "soragen=model=$TINYL:p=hippo:d=1:steps=1:s=48x32,metadata=mode=print"
expect ok    "lavfi.remix.to"            "remix=model=$TINYL:from=hippo:to=cat:steps=1,metadata=mode=print"
expect ok    "lavfi.remix.mask_area=1.0000" "remix=model=$TINYL:prompt=a cat:strength=0.6:steps=1,metadata=mode=print"
expect error "holds 85 tensors, the architecture uses 75" "soragen=model=$tmp/refine0.safetensors:p=a hippo"
expect error "needs to=WORD"             "remix=model=$TINY:from=hippo"
expect error "Say what to generate"      "remix=model=$TINY"
expect error "next_strength 0.01: use -1 (auto) or 0.05 to 1" "remix=model=$TINY:to=hippo:next_strength=0.01"
expect error "the model does not know .zebra." "remix=model=$TINY:to=zebra"
expect error "overlap 4 must be below"   "soragen=model=$TINY:p=a hippo:overlap=4"
expect ok    "lavfi.soragen.seed"        "soragen=model=$TINY:p=hippo:d=0.125:steps=1:s=16x16,metadata=mode=print"
# churn: auto is 0.5 with Euler and 0 with Heun; an explicit churn with Heun is refused
expect ok    "lavfi.soragen.churn=0.5"   "soragen=model=$TINY:p=hippo:d=0.125:steps=2:s=16x16,metadata=mode=print"
expect ok    "lavfi.soragen.churn=0\$"   "soragen=model=$TINY:p=hippo:d=0.125:steps=2:s=16x16:sampler=heun,metadata=mode=print"
expect error "churn 0.3 needs sampler=euler" "soragen=model=$TINY:p=hippo:churn=0.3:sampler=heun"
expect error "churn 0.3 needs sampler=euler" "remix=model=$TINY:to=hippo:churn=0.3:sampler=heun"
expect error "out of range"              "soragen=model=$TINY:p=hippo:churn=1"
# a command that would pair churn with Heun is refused and sampling goes on as before
expect ok    "churn 0.4 needs sampler=euler" "soragen=model=$TINY:p=hippo:d=0.5:steps=1:s=16x16:churn=0.4,sendcmd=c='0.1 soragen sampler heun'"
# the shipped model is found with no path given (FFmpeg's datadir = models/)
expect ok    "lavfi.soragen.model=soragen.safetensors" "soragen=p=a hippo bounces:d=0.125:steps=1:s=16x16:audio=0,metadata=mode=print"
expect error "No sound bank\|Could not load the sound bank" "soragen=model=$TINY:p=hippo:sounds=/nonexistent/bank.txt"
# one output into a null sink, the other mapped: the stream must end cleanly
# (the 7.1 CLI asserted here while soragen signalled EOF one request late)
for r in 8 25 30000/1001; do
    for pair in "[v]nullsink:[a]" "[a]anullsink:[v]"; do
        sink=${pair%%:*} map=${pair#*:}
        n=$((n + 1))
        out=$(timeout 60 "$FFMPEG" -nostdin -hide_banner -lavfi \
              "soragen=model=$TINY:p=a ball bounces:d=1:steps=1:s=16x16:r=$r[v][a];$sink" \
              -map "$map" -f null - 2>&1)
        rc=$?
        if [ $rc != 0 ]; then
            echo "FAIL [r=$r $sink]: status $rc"; echo "$out" | tail -n 3; fail=$((fail + 1))
        else
            echo "ok   [r=$r $sink, $map mapped] ends cleanly"
        fi
    done
done
echo "$((n - fail)) passed, $fail failed"
[ $fail = 0 ]
