#!/usr/bin/env python3
"""Writes a CIFAR-10 VGG-9 checkpoint in torchvision's vgg*_bn layout (features.N: Conv2d with bias, BatchNorm2d, ReLU,
MaxPool2d; classifier.N: Linear, ReLU, Dropout) plus PyTorch's logits on a fixed input, to check `rmpsnn import --maxpool`
(the conv biases in front of BatchNorm are folded into the running means on import).

The layer plan is RmpSnn's vgg9: convs 32 32 M 64 64 M 128 128 M 256 M 256 M, then Linear(256, 512) ReLU Dropout
Linear(512, 512) ReLU Dropout Linear(512, 10). Weights are random (seeded); BN running statistics are measured on a
seeded random calibration batch so the logits stay O(1). Written as {'state_dict': ...} with 'module.' prefixes in
the legacy (vgg9_bn.th) and zip (vgg9_bn.pt) formats; logits.json holds the input ([8, 3, 32, 32], seeded N(0, 1)) and the logits.

Usage, with Debian's python3-torch:  /usr/bin/python3 experiments/make_vgg_bn.py OUT_DIR
"""
import os
import sys
from collections import OrderedDict

import torch
import torch.nn as nn

from pytorch_fixtures import fixed_input, randomise, save_checkpoint, save_logits

PLAN = [32, 32, "M", 64, 64, "M", 128, 128, "M", 256, "M", 256, "M"]


class Vgg9Bn(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        layers, channels = [], 3
        for v in PLAN:
            if v == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(channels, v, 3, padding=1), nn.BatchNorm2d(v), nn.ReLU(inplace=True)]
                channels = v
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Linear(channels, 512), nn.ReLU(True), nn.Dropout(),
                                        nn.Linear(512, 512), nn.ReLU(True), nn.Dropout(), nn.Linear(512, classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(9)
    model = randomise(Vgg9Bn(), 32, batches=4, bias_std=0.5)
    x = fixed_input(8, 32)
    with torch.no_grad():
        logits = model(x)
    state = OrderedDict((f"module.{k}", v.clone()) for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked"))
    save_checkpoint(out, "vgg9_bn", {"state_dict": state})
    save_logits(out, x, {"vgg9": logits})


if __name__ == "__main__":
    main()
