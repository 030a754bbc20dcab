#!/usr/bin/env bash
# The scaling table of docs/PERFORMANCE.md: event-engine cost against T, batch, spike rate, depth and threads, on the
# pretrained ResNet-20 and the shared VGG-16 (real weights, real images) and on random-weight ResNets for depth.
# Run it on an otherwise idle machine: the rows are compared with each other. Needs the models and conversions of experiments/results.sh (out/results/). Each step runs only when its output is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/RmpSnn.Cli -c Release -v q >/dev/null
R="dotnet src/RmpSnn.Cli/bin/Release/net10.0/RmpSnn.Cli.dll"
O=out/results; S=$O/scaling; M=$O/resnet20-pretrained.model; V=$O/vgg16bn.model
step() {   # step OUTPUT COMMAND ARGS…
  local out=$1; shift
  [ -e "$out" ] || { echo "load $(cut -d' ' -f1-3 /proc/loadavg): $*"; $R "$@"; }
}
# T × batch on the calibrated ResNet-20 (IF neurons, direct input), 1 thread
step $S/r20-T-batch/bench.json bench $M --converted $M.cal16.json --limit 256 --steps 16 64 256 --batch 1 8 32 128 \
  --engine event --threads 1 --out $S/r20-T-batch
# spike rate: the same network with act-max thresholds (sparser) and with signed neurons (denser), T = 64, B = 32
step $M.actmax.json convert $M --norm act-max --reset soft --threads 1 --out $M.actmax.json
step $S/r20-actmax/bench.json bench $M --converted $M.actmax.json --encoding direct --limit 256 --steps 64 --batch 32 --engine event --threads 1 --out $S/r20-actmax
step $S/r20-signed/bench.json bench $M --converted $M.cal16s.json --limit 256 --steps 64 --batch 32 --engine event --threads 1 --out $S/r20-signed
# depth: random-weight CIFAR ResNets of 20, 32 and 56 layers (act-max thresholds), T = 256, B = 32
step $S/depth/bench.json bench --arch resnet20 resnet32 resnet56 --batch 32 --steps 256 --engine event --threads 1 --out $S/depth
# the real VGG-16 (act-max thresholds, direct input)
step $V.actmax.json convert $V --val 5000 --norm act-max --reset soft --threads 1 --out $V.actmax.json
step $S/vgg16-T-batch/bench.json bench $V --val 5000 --converted $V.actmax.json --encoding direct --limit 64 --steps 16 64 --batch 1 32 \
  --engine event --threads 1 --out $S/vgg16-T-batch
# threads: the calibrated ResNet-20 at 2 threads (against the 1-thread rows of the first step)
step $S/r20-threads2/bench.json bench $M --converted $M.cal16.json --limit 256 --steps 64 --batch 32 128 --engine event --threads 2 --out $S/r20-threads2
