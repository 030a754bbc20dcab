#!/usr/bin/env bash
# Reproduces the numbers in docs/RESULTS.md (2 CPU cores: several hours). Outputs go to out/results/.
# Each step runs only when its output is missing, so an interrupted run resumes where it stopped.
# Needs: Debian's dataset-fashion-mnist, CIFAR unpacked into $RMPSNN_DATA (default ./data), ../shared/models.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/RmpSnn.Cli -c Release -v q >/dev/null
O=out/results
step() {   # step OUTPUT COMMAND ARGS…
  local out=$1; shift
  [ -e "$out" ] || /usr/bin/time -f "[$1: %e s wall, peak %M KB]" dotnet src/RmpSnn.Cli/bin/Release/net10.0/RmpSnn.Cli.dll "$@"
}

# Fashion-MNIST, small constrained CNN, full 60k training set, first 1000 test images
step $O/fmnist.model train --dataset fashion-mnist --arch smallcnn --epochs 5 --out $O/fmnist.model
step $O/fmnist.spike.json convert $O/fmnist.model --out $O/fmnist.spike.json
step $O/fmnist-spike/results.json simulate $O/fmnist.model --converted $O/fmnist.spike.json --steps 1024 --alpha 1 0.5 --limit 1000 --out $O/fmnist-spike
step $O/fmnist.pct.json convert $O/fmnist.model --norm act-pct --out $O/fmnist.pct.json
step $O/fmnist-pct/results.json simulate $O/fmnist.model --converted $O/fmnist.pct.json --steps 256 --limit 1000 --out $O/fmnist-pct
# the norm × encoding × reset × α grid (resumable by itself: a re-run continues with the next unfinished cell); 100 images × T = 128,
# then the planned 1,000 images × T = 256
/usr/bin/time -f "[sweep-1000: %e s wall, peak %M KB]" dotnet src/RmpSnn.Cli/bin/Release/net10.0/RmpSnn.Cli.dll sweep $O/fmnist.model --limit 1000 --steps 256 --chunk 8 --threads 1 --out $O/fmnist-sweep-1000
/usr/bin/time -f "[sweep: %e s wall, peak %M KB]" dotnet src/RmpSnn.Cli/bin/Release/net10.0/RmpSnn.Cli.dll sweep $O/fmnist.model --limit 100 --steps 128 --chunk 8 --threads 1 --out $O/fmnist-sweep

# CIFAR-10, the pretrained ResNet-20 (BatchNorm folded at conversion), the 1000 available test images
step $O/resnet20-pretrained.model import ../shared/models/resnet20-12fca82f.th --arch resnet20 --dataset cifar10 \
  --mean 0.485 0.456 0.406 --std 0.229 0.224 0.225 --out $O/resnet20-pretrained.model
step $O/resnet20.spike.json convert $O/resnet20-pretrained.model --out $O/resnet20.spike.json
step $O/resnet20-spike/results.json simulate $O/resnet20-pretrained.model --converted $O/resnet20.spike.json --steps 256 --out $O/resnet20-spike
step $O/resnet20.pct.json convert $O/resnet20-pretrained.model --norm act-pct --out $O/resnet20.pct.json
step $O/resnet20-pct/results.json simulate $O/resnet20-pretrained.model --converted $O/resnet20.pct.json --steps 128 --out $O/resnet20-pct
# ANN-activation thresholds, constant-current input, soft reset: reaches the ANN on all 1000 test images
step $O/resnet20.actmax.json convert $O/resnet20-pretrained.model --norm act-max --encoding direct --reset soft --out $O/resnet20.actmax.json
step $O/resnet20-actmax-direct-1000/results.json simulate $O/resnet20-pretrained.model --converted $O/resnet20.actmax.json --reset soft \
  --encoding direct --steps 256 --out $O/resnet20-actmax-direct-1000
# threshold scaling of the spike-balanced thresholds (the first 500 test images)
# the paper's long runs: spike-balanced thresholds × α ∈ {1, 0.25} to T = 2048, the first 200 test images
step $O/resnet20-spike-T2048/results.json simulate $O/resnet20-pretrained.model --converted $O/resnet20.spike.json --steps 2048 --alpha 1 0.25 \
  --limit 200 --threads 1 --engine event --out $O/resnet20-spike-T2048
step $O/resnet20-spike-alpha/results.json simulate $O/resnet20-pretrained.model --converted $O/resnet20.spike.json --steps 512 --alpha 0.5 0.25 --limit 500 --out $O/resnet20-spike-alpha

# CIFAR-10, RmpSnn-trained constrained ResNet-20 (no BN, no bias), 10 epochs, 5000 training images held out as 'val'
M=$O/resnet20-c10.model
step $M train --dataset cifar10 --arch resnet20 --epochs 10 --val 5000 --eval-split val --batch 128 --lr 0.05 --out $M
step $M.pct.json convert $M --norm act-pct --out $M.pct.json
step $O/resnet20-c10-val/results.json simulate $M --converted $M.pct.json --split val --limit 1000 --steps 256 --out $O/resnet20-c10-val

# CIFAR-10, low-latency mode: the pretrained ResNet-20 fine-tuned with QCFS activations (L = 8) for 3 epochs,
# converted with V_th = λ; simulated with direct input, soft reset, V(0) = V_th/2 (recorded in the converted JSON)
Q=$O/resnet20-qcfs8-e3.model
step $Q train --dataset cifar10 --init $O/resnet20-pretrained.model --activation qcfs --levels 8 --epochs 3 --lr 0.01 --batch 128 --threads 1 --out $Q
step $Q.snn.json convert $Q --out $Q.snn.json
step $O/resnet20-qcfs8-e3-test/results.json simulate $Q --converted $Q.snn.json --steps 64 --threads 1 --out $O/resnet20-qcfs8-e3-test

# CIFAR-10, the pretrained ResNet-20 with the default recipe (calibrated: threshold search + bias and potential fitted at
# T_cal = 16 and 32), 256 and 512 calibration images, and to T = 256
step $O/r20-fit256.json convert $O/resnet20-pretrained.model --norm calibrated --calib-steps 16 --calib-images 256 --reset soft --threads 1 --out $O/r20-fit256.json
step $O/r20-fit256/results.json simulate $O/resnet20-pretrained.model --converted $O/r20-fit256.json --steps 64 --threads 1 --engine event --out $O/r20-fit256
step $O/r20-fit512.json convert $O/resnet20-pretrained.model --norm calibrated --calib-steps 16 --calib-images 512 --reset soft --threads 1 --out $O/r20-fit512.json
step $O/r20-fit512/results.json simulate $O/resnet20-pretrained.model --converted $O/r20-fit512.json --steps 64 --threads 1 --engine event --out $O/r20-fit512
step $O/r20-fit256-T256/results.json simulate $O/resnet20-pretrained.model --converted $O/r20-fit256.json --steps 256 --threads 1 --engine event --out $O/r20-fit256-T256

# QCFS L = 4, 6 epochs, with and without the corrections on top of the clips (T_cal = 4)
Q4=$O/resnet20-qcfs4-e6.model
step $Q4 train --dataset cifar10 --init $O/resnet20-pretrained.model --activation qcfs --levels 4 --epochs 6 --lr 0.01 --batch 128 --threads 1 --out $Q4
step $Q4.snn.json convert $Q4 --threads 1 --out $Q4.snn.json
step $O/resnet20-qcfs4-e6-test/results.json simulate $Q4 --converted $Q4.snn.json --steps 32 --threads 1 --engine event --out $O/resnet20-qcfs4-e6-test
step $Q4.fit4.json convert $Q4 --norm qcfs --corrections both --calib-images 256 --calib-steps 4 --threads 1 --out $Q4.fit4.json
step $O/resnet20-qcfs4-e6-fit4-test/results.json simulate $Q4 --converted $Q4.fit4.json --steps 32 --threads 1 --engine event --out $O/resnet20-qcfs4-e6-fit4-test
# signed neurons (--neuron signed): on the clips alone, and with the corrections calibrated with signed neurons
step $O/q4e6-signed/results.json simulate $Q4 --converted $Q4.snn.json --steps 32 --threads 1 --engine event --neuron signed --out $O/q4e6-signed
step $Q4.fit4s.json convert $Q4 --norm qcfs --corrections both --calib-images 256 --calib-steps 4 --neuron signed --threads 1 --out $Q4.fit4s.json
step $O/q4e6-fit4s/results.json simulate $Q4 --converted $Q4.fit4s.json --steps 32 --threads 1 --engine event --out $O/q4e6-fit4s
# the same fine-tune distilled from the ReLU network (train --teacher), converted the same three ways
K=$O/resnet20-qcfs4-kd-e6.model
step $K train --dataset cifar10 --init $O/resnet20-pretrained.model --teacher $O/resnet20-pretrained.model --distill-weight 0.9 \
  --distill-temperature 4 --activation qcfs --levels 4 --epochs 6 --lr 0.01 --batch 128 --threads 1 --out $K
step $K.snn.json convert $K --out $K.snn.json
step $O/q4kd-if/results.json simulate $K --converted $K.snn.json --steps 32 --engine event --out $O/q4kd-if
step $O/q4kd-signed/results.json simulate $K --converted $K.snn.json --steps 32 --engine event --neuron signed --out $O/q4kd-signed
step $K.fit4s.json convert $K --norm qcfs --corrections both --calib-images 256 --calib-steps 4 --neuron signed --out $K.fit4s.json
step $O/q4kd-fit4s/results.json simulate $K --converted $K.fit4s.json --steps 32 --engine event --out $O/q4kd-fit4s
P=$O/resnet20-pretrained.model
# the pretrained ResNet-20, recipe calibrated: IF neurons, signed neurons on IF-calibrated corrections, calibrated with signed neurons
step $P.cal16.json convert $P --norm calibrated --calib-steps 16 --calib-images 256 --reset soft --threads 1 --out $P.cal16.json
for n in if signed; do
  step $O/r20-cal16-$n/results.json simulate $P --converted $P.cal16.json --steps 64 --threads 1 --engine event --neuron $n --out $O/r20-cal16-$n
done
for c in 16 8; do
  step $P.cal${c}s.json convert $P --norm calibrated --calib-steps $c --calib-images 256 --reset soft --neuron signed --threads 1 --out $P.cal${c}s.json
  step $O/r20-cal${c}s/results.json simulate $P --converted $P.cal${c}s.json --steps 64 --threads 1 --engine event --out $O/r20-cal${c}s
done
# the same recipe with burst neurons (--neuron burst), Γ = 2 and 4
for g in 2 4; do
  step $O/r20-cal16-burst$g.json convert $P --norm calibrated --calib-steps 16 --calib-images 256 --reset soft --neuron burst --max-burst $g \
    --threads 1 --out $O/r20-cal16-burst$g.json
  step $O/r20-cal16-burst$g/results.json simulate $P --converted $O/r20-cal16-burst$g.json --steps 64 --engine event --threads 1 --out $O/r20-cal16-burst$g
done

# CIFAR-10 VGG-16 with BatchNorm from ../shared/models (trained by RmpSnn, 5000 held out), recipe calibrated, T <= 128
[ -e $O/vgg16bn.safetensors ] || xz -dc ../shared/models/vgg16bn-cifar10.safetensors.xz > $O/vgg16bn.safetensors
step $O/vgg16bn.model import $O/vgg16bn.safetensors --arch vgg16 --batchnorm --dataset cifar10 --out $O/vgg16bn.model
step $O/vgg16-fit.json convert $O/vgg16bn.model --val 5000 --norm calibrated --calib-steps 16 --calib-images 256 --reset soft --threads 1 --out $O/vgg16-fit.json
step $O/vgg16-fit-test/results.json simulate $O/vgg16bn.model --val 5000 --converted $O/vgg16-fit.json --steps 128 --engine event --out $O/vgg16-fit-test
step $O/vgg16-fit-val/results.json simulate $O/vgg16bn.model --val 5000 --split val --limit 1000 --converted $O/vgg16-fit.json --steps 128 --engine event --out $O/vgg16-fit-val
# the same recipe calibrated with signed neurons
step $O/vgg16-fit16s.json convert $O/vgg16bn.model --val 5000 --norm calibrated --calib-steps 16 --calib-images 256 --reset soft --neuron signed --threads 1 --out $O/vgg16-fit16s.json
step $O/vgg16-fit16s-test/results.json simulate $O/vgg16bn.model --val 5000 --converted $O/vgg16-fit16s.json --steps 64 --threads 1 --engine event --out $O/vgg16-fit16s-test
# the calibrated recipe with burst neurons (Γ = 4) on VGG-16
step $O/vgg16-cal16-burst4.json convert $O/vgg16bn.model --val 5000 --norm calibrated --calib-steps 16 --calib-images 256 --reset soft --neuron burst \
  --max-burst 4 --threads 1 --out $O/vgg16-cal16-burst4.json
step $O/vgg16-cal16-burst4-test/results.json simulate $O/vgg16bn.model --val 5000 --converted $O/vgg16-cal16-burst4.json --steps 64 --engine event \
  --threads 1 --out $O/vgg16-cal16-burst4-test
# the fast recipe (threshold search alone) on VGG-16, test and held-out
step $O/vgg16-fast16.json convert $O/vgg16bn.model --val 5000 --recipe fast --calib-steps 16 --calib-images 256 --threads 1 --out $O/vgg16-fast16.json
step $O/vgg16-fast16-test/results.json simulate $O/vgg16bn.model --val 5000 --converted $O/vgg16-fast16.json --steps 128 --engine event --threads 1 \
  --out $O/vgg16-fast16-test
step $O/vgg16-fast16-val/results.json simulate $O/vgg16bn.model --val 5000 --split val --limit 1000 --converted $O/vgg16-fast16.json --steps 128 \
  --engine event --threads 1 --out $O/vgg16-fast16-val

# CIFAR-10, RmpSnn-trained narrow VGG-9 (VGG-16 does not fit 2 cores), 5000 training images held out, spike balancing
V=$O/vgg9-c10.model
step $V train --dataset cifar10 --arch vgg9 --epochs 15 --val 5000 --eval-split val --batch 128 --lr 0.05 --out $V
step $V.spike.json convert $V --out $V.spike.json
step $O/vgg9-spike-test/results.json simulate $V --converted $V.spike.json --steps 256 --out $O/vgg9-spike-test
step $O/vgg9-spike-val/results.json simulate $V --converted $V.spike.json --split val --limit 1000 --steps 256 --alpha 1 0.5 --out $O/vgg9-spike-val

# Sweeps on the held-out split (first 1000 of the 5000 held-out images), T = 256, Poisson input.
# The VGG-9 sweep reuses the spike-balanced thresholds above; --engine event gives the same curves up to float rounding.
mkdir -p $O/vgg9-sweep-val && cp -n $V.spike.json $O/vgg9-sweep-val/converted-spike-poisson.json
dotnet src/RmpSnn.Cli/bin/Release/net10.0/RmpSnn.Cli.dll sweep $V --norm spike act-pct --encoding poisson --alpha 1 0.8 0.6 \
  --split val --limit 1000 --steps 256 --threads 1 --engine event --out $O/vgg9-sweep-val
dotnet src/RmpSnn.Cli/bin/Release/net10.0/RmpSnn.Cli.dll sweep $M --norm spike act-pct --encoding poisson --alpha 1 0.7 \
  --split val --limit 1000 --steps 256 --threads 1 --engine event --out $O/resnet20-c10-sweep-val
# the spike-balanced thresholds of the sweep's cell on all 5,000 held-out images
step $O/resnet20-c10-spike-val-5000/results.json simulate $M --converted $O/resnet20-c10-sweep-val/converted-spike-poisson.json --split val --steps 256 \
  --threads 1 --engine event --out $O/resnet20-c10-spike-val-5000
step $O/resnet20-c10-spike-test/results.json simulate $M --converted $O/resnet20-c10-sweep-val/converted-spike-poisson.json --steps 256 \
  --threads 2 --engine event --out $O/resnet20-c10-spike-test
mkdir -p $O/vgg9-sweep-test && cp -n $V.spike.json $O/vgg9-sweep-test/converted-spike-poisson.json
dotnet src/RmpSnn.Cli/bin/Release/net10.0/RmpSnn.Cli.dll sweep $V --norm spike --encoding poisson --alpha 1 0.8 0.6 \
  --limit 500 --steps 256 --threads 1 --engine event --out $O/vgg9-sweep-test
# the same spike-balanced VGG-9 on all 5,000 held-out images
step $O/vgg9-spike-val-5000/results.json simulate $V --converted $V.spike.json --split val --steps 256 --threads 1 --engine event --out $O/vgg9-spike-val-5000
# hard vs soft at equal thresholds: balance once in the soft-reset SNN and share the thresholds
step $V.spike-shared.json convert $V --balance-reset soft --out $V.spike-shared.json
step $O/vgg9-spike-val-same-thresholds/results.json simulate $V --converted $V.spike-shared.json --split val --limit 1000 --steps 256 \
  --threads 1 --engine event --out $O/vgg9-spike-val-same-thresholds
# the paper's long runs: VGG-9, spike balancing, 200 test images, T = 2048
step $O/vgg9-spike-test-T2048/results.json simulate $V --converted $V.spike.json --limit 200 --steps 2048 --threads 1 --engine event --out $O/vgg9-spike-test-T2048
# the recipe that meets the pretrained ResNet-20's targets (calibrated, T_cal = 16), unchanged, on the constrained networks
# RmpSnn trained above: the 1,000 test images and the first 1,000 held-out images (calibration reads 256 training images)
for net in resnet20-c10 vgg9-c10; do
  N=$O/$net.model
  step $N.cal16.json convert $N --norm calibrated --calib-steps 16 --calib-images 256 --reset soft --out $N.cal16.json
  step $O/$net-cal16-test/results.json simulate $N --converted $N.cal16.json --steps 128 --engine event --out $O/$net-cal16-test
  step $O/$net-cal16-val/results.json simulate $N --converted $N.cal16.json --split val --limit 1000 --steps 128 --engine event \
    --out $O/$net-cal16-val
done
# act-pct α sweeps on the full splits; each reuses the act-pct thresholds of the held-out sweep (from training images)
sweep() {  # sweep MODEL OUT ARGS…: a resumable sweep whose act-pct cell reuses the held-out sweep's thresholds of MODEL
  local model=$1 out=$2 from; shift 2
  from=$([ "$model" = "$V" ] && echo $O/vgg9-sweep-val || echo $O/resnet20-c10-sweep-val)
  mkdir -p "$out" && cp -n $from/converted-act-pct.json "$out"/
  dotnet src/RmpSnn.Cli/bin/Release/net10.0/RmpSnn.Cli.dll sweep "$model" --norm act-pct --encoding poisson --steps 256 --threads 1 --engine event --out "$out" "$@"
}
sweep $M $O/resnet20-c10-sweep-test --alpha 1 0.7 --limit 1000
sweep $M $O/resnet20-c10-sweep-val-5000 --alpha 1 --split val
sweep $M $O/resnet20-c10-sweep-val-5000-a07 --alpha 0.7 --split val
sweep $V $O/vgg9-sweep-val-5000 --alpha 1 0.7 --split val
mkdir -p $O/vgg9-sweep-val-5000-spike-a06 && cp -n $O/vgg9-sweep-val/converted-spike-poisson.json $O/vgg9-sweep-val-5000-spike-a06/
dotnet src/RmpSnn.Cli/bin/Release/net10.0/RmpSnn.Cli.dll sweep $V --norm spike --encoding poisson --alpha 0.6 --split val --steps 256 \
  --threads 1 --engine event --out $O/vgg9-sweep-val-5000-spike-a06
# VGG-9, both norms, on all 1,000 test images (its spike cell reuses the thresholds above)
mkdir -p $O/vgg9-sweep-test-1000 && cp -n $V.spike.json $O/vgg9-sweep-test-1000/converted-spike-poisson.json
dotnet src/RmpSnn.Cli/bin/Release/net10.0/RmpSnn.Cli.dll sweep $V --norm spike act-pct --encoding poisson --alpha 1 0.8 0.6 \
  --limit 1000 --steps 256 --threads 1 --engine event --out $O/vgg9-sweep-test-1000

# CIFAR-100, constrained ResNet-20, 15 epochs, 5000 training images held out
C=$O/resnet20-c100.model
step $C train --dataset cifar100 --arch resnet20 --epochs 15 --val 5000 --eval-split val --batch 128 --lr 0.05 --threads 1 --out $C
dotnet src/RmpSnn.Cli/bin/Release/net10.0/RmpSnn.Cli.dll sweep $C --norm act-pct --encoding poisson --alpha 1 0.7 \
  --limit 500 --steps 256 --threads 1 --engine event --out $O/resnet20-c100-sweep
for split in "--limit 1000 --out $O/resnet20-c100-sweep-test-1000" "--split val --out $O/resnet20-c100-sweep-val-5000"; do
  out=${split##* }; mkdir -p $out && cp -n $O/resnet20-c100-sweep/converted-act-pct.json $out/
  dotnet src/RmpSnn.Cli/bin/Release/net10.0/RmpSnn.Cli.dll sweep $C --norm act-pct --encoding poisson --alpha 1 0.7 --steps 256 \
    --threads 1 --engine event $split
done
