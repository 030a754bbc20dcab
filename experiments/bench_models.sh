#!/bin/bash
# real-model benchmarks for issue 17 (one core; the other is busy with a QCFS fine-tune)
set -e
cd /work/main
export RMPSNN_DATA=/work/main/data
R=/work/bin-bench/RmpSnn.Cli
O=out/results
[ -f $O/r20-cal16.json ] || $R convert $O/resnet20-pretrained.model --norm calibrated --calib-steps 16 --calib-images 256 --reset soft --threads 1 --out $O/r20-cal16.json
[ -f $O/vgg16bn.safetensors ] || xz -dc ../shared/models/vgg16bn-cifar10.safetensors.xz > $O/vgg16bn.safetensors
[ -f $O/vgg16bn.model ] || $R import $O/vgg16bn.safetensors --arch vgg16 --batchnorm --dataset cifar10 --out $O/vgg16bn.model
[ -f $O/vgg16-cal16.json ] || $R convert $O/vgg16bn.model --val 5000 --norm calibrated --calib-steps 16 --calib-images 256 --reset soft --threads 1 --out $O/vgg16-cal16.json
[ -f $O/bench-r20-t1/bench.json ] || $R bench $O/resnet20-pretrained.model --converted $O/r20-cal16.json --limit 128 --steps 256 --batch 32 128 --threads 1 --engine event --reference --out $O/bench-r20-t1
[ -f $O/bench-vgg16-t1/bench.json ] || $R bench $O/vgg16bn.model --val 5000 --converted $O/vgg16-cal16.json --limit 128 --steps 256 --batch 32 128 --threads 1 --engine event --reference --out $O/bench-vgg16-t1
echo done
