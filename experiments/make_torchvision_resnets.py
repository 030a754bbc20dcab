#!/usr/bin/env python3
"""Writes ResNet-18/34 checkpoints in torchvision's layout (conv1 7x7/2 + bn1 + ReLU + maxpool 3/2/1; layer1-4 of
BasicBlocks conv1/bn1/conv2/bn2 with a downsample.0 (1x1 conv) / downsample.1 (BN) projection where the shape changes;
avgpool; fc) plus PyTorch's logits on a fixed input, to check `rmpsnn import --arch resnet18 --maxpool --image-size S`.

The model family is defined here (torchvision need not be installed). Weights are random (seeded), BN running statistics
are measured on a seeded random calibration batch so the logits stay O(1). Written as a plain state dict (as torchvision
publishes them) in the legacy (resnetD.th) and zip (resnetD.pt) formats; logits.json holds the input
([4, 3, SIZE, SIZE], seeded N(0, 1)) and each depth's logits.

Usage, with Debian's python3-torch:  /usr/bin/python3 experiments/make_torchvision_resnets.py OUT_DIR [DEPTH ...]  (default 18; SIZE 80)
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

from pytorch_fixtures import fixed_input, randomise, save_checkpoint, save_logits

BLOCKS = {18: [2, 2, 2, 2], 34: [3, 4, 6, 3]}
SIZE = 80


class BasicBlock(nn.Module):
    def __init__(self, in_planes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or in_planes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(in_planes, planes, 1, stride=stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(out + (x if self.downsample is None else self.downsample(x)))


class ResNet(nn.Module):
    def __init__(self, blocks, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        in_planes = 64
        for stage, (planes, n) in enumerate(zip([64, 128, 256, 512], blocks), start=1):
            layers = []
            for b in range(n):
                layers.append(BasicBlock(in_planes, planes, 2 if stage > 1 and b == 0 else 1))
                in_planes = planes
            setattr(self, f"layer{stage}", nn.Sequential(*layers))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, classes)

    def forward(self, x):
        x = self.maxpool(F.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def build(depth):
    torch.manual_seed(depth)
    return randomise(ResNet(BLOCKS[depth]), SIZE, batches=2)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    depths = [int(d) for d in sys.argv[2:]] or [18]
    os.makedirs(out, exist_ok=True)
    x = fixed_input(4, SIZE)
    logits = {}
    for depth in depths:
        model = build(depth)
        save_checkpoint(out, f"resnet{depth}", model.state_dict())
        with torch.no_grad():
            logits[f"resnet{depth}"] = model(x)
    save_logits(out, x, logits)


if __name__ == "__main__":
    main()
