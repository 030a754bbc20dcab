#!/bin/bash
# Issue 17's real-model benchmark: three networks, T = 256, batch 32 and 128, 1 and 2 threads, each next to the PyTorch
# per-step reference on the same exported network and images; then the random-weight networks at 1 and 2 threads.
# Resumable: a finished run (its bench.json) is skipped. Prepares the models first (import, calibrated conversion).
# Usage: experiments/bench_models.sh [BIN]   (BIN: a copy of the built CLI, default the Release build)
set -e
cd "$(dirname "$0")/.."
export RMPSNN_DATA=${RMPSNN_DATA:-$PWD/data}
R=${1:-src/RmpSnn.Cli/bin/Release/net10.0/RmpSnn.Cli}
O=out/results
mkdir -p $O
[ -f $O/resnet20-pretrained.model ] || $R import ../shared/models/resnet20-12fca82f.th --arch resnet20 --dataset cifar10 --mean 0.485 0.456 0.406 --std 0.229 0.224 0.225 --out $O/resnet20-pretrained.model
[ -f $O/r20-cal16.json ] || $R convert $O/resnet20-pretrained.model --norm calibrated --calib-steps 16 --calib-images 256 --reset soft --threads 1 --out $O/r20-cal16.json
[ -f $O/vgg16bn.safetensors ] || xz -dc ../shared/models/vgg16bn-cifar10.safetensors.xz > $O/vgg16bn.safetensors
[ -f $O/vgg16bn.model ] || $R import $O/vgg16bn.safetensors --arch vgg16 --batchnorm --dataset cifar10 --out $O/vgg16bn.model
[ -f $O/vgg16-cal16.json ] || $R convert $O/vgg16bn.model --val 5000 --norm calibrated --calib-steps 16 --calib-images 256 --reset soft --threads 1 --out $O/vgg16-cal16.json
# RmpSnn-trained constrained network (no BN, no bias, average pooling): the demo's Fashion-MNIST CNN
[ -f out/demo/fmnist.model ] || $R demo
[ -f $O/fmnist-cal.json ] || $R convert out/demo/fmnist.model --threads 1 --out $O/fmnist-cal.json
for t in 1 2; do
  [ -f $O/bench-r20-t$t/bench.json ] || $R bench $O/resnet20-pretrained.model --converted $O/r20-cal16.json --limit 128 --steps 256 --batch 32 128 --threads $t --engine event --reference --out $O/bench-r20-t$t
  [ -f $O/bench-fmnist-t$t/bench.json ] || $R bench out/demo/fmnist.model --converted $O/fmnist-cal.json --limit 128 --steps 256 --batch 32 128 --threads $t --engine event --reference --out $O/bench-fmnist-t$t
  [ -f $O/bench-random-t$t/bench.json ] || $R bench --arch resnet20 vgg16 --batch 32 128 --steps 256 --threads $t --engine event --out $O/bench-random-t$t
done
for t in 1 2; do
  [ -f $O/bench-vgg16-t$t/bench.json ] || $R bench $O/vgg16bn.model --val 5000 --converted $O/vgg16-cal16.json --limit 128 --steps 256 --batch 32 128 --threads $t --engine event --reference --out $O/bench-vgg16-t$t
done
echo done
