#!/usr/bin/env python3
"""Exports torchvision's ResNet-34 and a narrow torchvision VGG-16 (BatchNorm, every width / 8, 512-wide head) at 224 x 224
to ONNX, with random seeded weights, for the ImageNet-size test of `rmpsnn import` + convert + simulate.

Both are torchvision's own classes (torchvision.models.resnet34 and torchvision.models.vgg.VGG with its make_layers and
the VGG-16 'D' configuration), so the layouts are exactly torchvision's: the 7x7/2 stem and 3/2 max-pool, BasicBlocks
with 1x1 + BN downsample shortcuts, adaptive average pooling; VGG's five max-pools, its AdaptiveAvgPool2d((7, 7)) and a
Linear-ReLU-Dropout head. Writes OUT/{resnet34,vgg16}.onnx (opset 13, constant folding) and OUT/logits.json with the
input ([2, 3, 224, 224], seeded N(0, 1), already normalised) and each network's logits.

Usage, with Debian's python3-torch and python3-torchvision:  /usr/bin/python3 experiments/make_torchvision_224.py OUT_DIR
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torchvision

from pytorch_fixtures import fixed_input, randomise

SIZE = 224


def narrow_vgg16(classes=10):
    cfg = [c // 8 if isinstance(c, int) else c for c in torchvision.models.vgg.cfgs["D"]]
    model = torchvision.models.vgg.VGG(torchvision.models.vgg.make_layers(cfg, batch_norm=True), num_classes=classes, init_weights=False)
    model.classifier = nn.Sequential(nn.Linear(cfg[-2] * 7 * 7, 512), nn.ReLU(True), nn.Dropout(), nn.Linear(512, 512), nn.ReLU(True),
                                     nn.Dropout(), nn.Linear(512, classes))
    return model


def main():
    out = sys.argv[1]
    torch.manual_seed(0)
    x = fixed_input(2, SIZE)
    models = {"resnet34": torchvision.models.resnet34(num_classes=10), "vgg16": narrow_vgg16()}
    result = {"input_shape": list(x.shape), "input": x.flatten().tolist(), "logits": {}}
    for name, model in models.items():
        randomise(model, SIZE, batches=2)
        with torch.no_grad():
            result["logits"][name] = model(x).flatten().tolist()
        torch.onnx.export(model, x[:1], os.path.join(out, f"{name}.onnx"), opset_version=13, input_names=["image"],
                          output_names=["logits"], dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
    with open(os.path.join(out, "logits.json"), "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
