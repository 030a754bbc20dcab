#!/usr/bin/env bash
# Runs the RmpSnn test suite. Prepares what the tests read first (idempotent, fast when already done):
#   - Debian's Fashion-MNIST (apt package dataset-fashion-mnist) and DejaVu fonts for the PNG figures;
#   - Debian's python3-torch (and python3-torchvision for torchvision's own ResNet-34/VGG-16), which writes the PyTorch
#     checkpoints, ONNX files and logits the import tests compare against,
#     and python3-h5py, with which a reference NIR interpreter reads the exported NIR files;
#   - CIFAR-10/100 binaries unpacked from ../shared/data into $RMPSNN_DATA (default ./data).
set -euo pipefail
cd "$(dirname "$0")"
export RMPSNN_DATA="${RMPSNN_DATA:-$PWD/data}"

need=()
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need+=(dataset-fashion-mnist)
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
command -v xz >/dev/null || need+=(xz-utils)
/usr/bin/python3 -c 'import torch' 2>/dev/null || need+=(python3-torch)
/usr/bin/python3 -c 'import h5py' 2>/dev/null || need+=(python3-h5py)
/usr/bin/python3 -c 'import torchvision' 2>/dev/null || need+=(python3-torchvision)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "test.sh: please install: sudo apt-get install ${need[*]}" >&2; exit 1
  fi
fi

if [ -x ../shared/data/unpack ]; then
  ../shared/data/unpack "$RMPSNN_DATA" >/dev/null
elif [ ! -f "$RMPSNN_DATA/cifar-10-batches-bin/data_batch_1.bin" ]; then
  echo "test.sh: CIFAR data missing: put cifar-10-batches-bin/ and cifar-100-binary/ under $RMPSNN_DATA" >&2; exit 1
fi

dotnet test RmpSnn.slnx -c Release "$@"
