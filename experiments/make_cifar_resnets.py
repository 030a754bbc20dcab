#!/usr/bin/env python3
"""Writes CIFAR-10 ResNet checkpoints of the pretrained resnet20-12fca82f.th family (Yerlan Idelbayev's
akamaster/pytorch_resnet_cifar10 `resnet.py` layout) plus PyTorch's logits on a fixed input, to check `rmpsnn import`.

The model family is defined here: conv1 (3x3, 16, no bias) + bn1 + ReLU; three stages (16, 32, 64 channels) of n
BasicBlocks (conv1-bn1-ReLU-conv2-bn2, add the shortcut, ReLU), option-A shortcuts (x[:, :, ::2, ::2] with C/4 zero
channels on each side) where the shape changes; global average pooling; `linear` 64 -> 10. Depth = 6n + 2.

Weights are random (seeded, Kaiming-normal convs, random BN affine) and the BN running statistics are measured on a
seeded random calibration batch, so activations keep unit scale at any depth and the logits stay O(1).

Each checkpoint is {'best_prec1': 0.0, 'state_dict': OrderedDict} with 'module.'-prefixed keys and no
num_batches_tracked, like the shared one, written twice: legacy pickle (resnetD.th) and zip (resnetD.pt).
logits.json holds the input (seeded N(0, 1), shape [8, 3, 32, 32], already normalised) and each depth's logits.

Usage, with Debian's python3-torch:  /usr/bin/python3 experiments/make_cifar_resnets.py OUT_DIR [DEPTH ...]   (default 32 44 56)
"""
import os
import sys
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F

from pytorch_fixtures import fixed_input, randomise, save_checkpoint, save_logits


class ZeroPadShortcut(nn.Module):
    """Option A: subsample by 2 and add planes // 4 zero channels on each side (no parameters)."""

    def __init__(self, planes):
        super().__init__()
        self.pad = planes // 4

    def forward(self, x):
        return F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad, self.pad))


class BasicBlock(nn.Module):
    def __init__(self, in_planes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = ZeroPadShortcut(planes) if stride != 1 or in_planes != planes else nn.Identity()

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)) + self.shortcut(x))


class CifarResNet(nn.Module):
    def __init__(self, depth, classes=10):
        super().__init__()
        assert (depth - 2) % 6 == 0, "CIFAR ResNet depth must be 6n+2"
        blocks = (depth - 2) // 6
        self.conv1 = nn.Conv2d(3, 16, 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        in_planes = 16
        for stage, planes in enumerate([16, 32, 64], start=1):
            layers = []
            for b in range(blocks):
                layers.append(BasicBlock(in_planes, planes, 2 if stage > 1 and b == 0 else 1))
                in_planes = planes
            setattr(self, f"layer{stage}", nn.Sequential(*layers))
        self.linear = nn.Linear(64, classes)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer3(self.layer2(self.layer1(out)))
        out = F.avg_pool2d(out, out.size()[3]).flatten(1)
        return self.linear(out)


def build(depth, seed):
    """A seeded random network whose BN statistics are calibrated on random batches (then in eval mode)."""
    torch.manual_seed(seed)
    return randomise(CifarResNet(depth), 32, batches=4)


def checkpoint(model):
    state = OrderedDict((f"module.{k}", v.clone()) for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked"))
    return {"best_prec1": 0.0, "state_dict": state}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    depths = [int(d) for d in sys.argv[2:]] or [32, 44, 56]
    os.makedirs(out, exist_ok=True)
    x = fixed_input(8, 32)
    logits = {}
    for depth in depths:
        model = build(depth, seed=depth)
        save_checkpoint(out, f"resnet{depth}", checkpoint(model))
        with torch.no_grad():
            logits[f"resnet{depth}"] = model(x)
    save_logits(out, x, logits)


if __name__ == "__main__":
    main()
