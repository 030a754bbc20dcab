#!/usr/bin/env bash
# The RMP paper's experiment on the shared CIFAR-10 VGG-16 (issue 19): recipe `paper` (spike-based V_in^max balancing per
# reset mode on training images, Poisson input), hard and soft reset, α = 1, 0.8, 0.6, 0.4, to T = 2048, on the first 500
# test images and the first 500 of the 5,000 held-out images. About 15 CPU-hours per split on this machine, so the images
# are split into shards: each shard is one step that runs only when its file is missing, so the script resumes where it
# stopped, and shards may run on several machines (copy the shard files into one folder before the merge).
# Needs out/results/vgg16bn.model (experiments/results.sh imports it from ../shared/models).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/RmpSnn.Cli -c Release -v q >/dev/null
R="dotnet src/RmpSnn.Cli/bin/Release/net10.0/RmpSnn.Cli.dll"
V=out/results/vgg16bn.model; O=out/results/vgg16-paper; N=${SHARDS:-20}
step() {   # step OUTPUT COMMAND ARGS…
  local out=$1; shift
  [ -e "$out" ] || { echo "$(date +%T) load $(cut -d' ' -f1-3 /proc/loadavg): $*"; /usr/bin/time -f "[$1: %e s wall, peak %M KB]" $R "$@"; }
}
step $O/paper.json convert $V --val 5000 --recipe paper --threads 1 --out $O/paper.json
for split in test val; do
  for i in $(seq 0 $((N - 1))); do
    step $O/$split-shards/shard-$i-of-$N.json simulate $V --val 5000 --split $split --limit 500 --converted $O/paper.json \
      --steps 2048 --alpha 1 0.8 0.6 0.4 --engine event --threads 1 --shard $i/$N --out $O/$split-shards
  done
  step $O/$split/results.json merge $O/$split-shards --out $O/$split
done
