#!/usr/bin/env python3
"""Exports small seeded PyTorch CNNs to ONNX for RmpSnn's importer tests.

usage: make_onnx_models.py OUT_DIR

For each model below, writes OUT_DIR/{name}-op{11,13,17}-{fold,nofold}.onnx (torch.onnx.export with
do_constant_folding on and off) and OUT_DIR/logits.json with the input batch and every model's logits. The output
bias is set to minus the mean logit over the batch, so the random networks predict several classes.
Models (channel counts 8/16/32/64 only):
  bottleneck  conv-BN-ReLU6, MobileNet-v2 inverted residual (1x1 expand + BN + ReLU6, depthwise 3x3 + BN + ReLU6,
              1x1 project + BN, add without ReLU), 1x1 conv + ReLU, average pool, x * 0.5, flatten, linear
  inception   conv-ReLU, max-pool 3/2/1, two branches (1x1 and 3x3 conv + ReLU) concatenated, x.view(N, -1),
              linear-ReLU-linear
  resnet      conv-BN-ReLU, a block with an option-A shortcut (x[:, :, ::2, ::2] + zero channels via F.pad),
              ReLU after the add, global average pool, x @ W + b (MatMul + Add)
  vgg         VGG layout (features.N, classifier.N): conv-BN-ReLU x2, max-pool, conv-BN-ReLU, max-pool,
              linear-ReLU-dropout-linear
  resnet18    torchvision ResNet-18 layout, narrow (16/32/64/64 channels): conv1-bn1-relu-maxpool, 4 stages of 2
              BasicBlocks (downsample = 1x1 conv + BN where the shape changes; one ReLU module used twice), avgpool, fc
  softmax     conv-ReLU-pool-flatten-linear-softmax (Softmax is not importable: for the error test)
  dynamic     like softmax without it, exported with dynamic height and width (for the error test)
  sigmoid     like softmax with a sigmoid instead (Sigmoid is not importable: for the error test)
  lstm        x.flatten(2) (a Reshape with an inferred dimension), an LSTM, then linear (LSTM is not importable: for the error test)
"""
import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


class Bottleneck(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU6())
        self.expand = nn.Sequential(nn.Conv2d(16, 32, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU6())
        self.depthwise = nn.Sequential(nn.Conv2d(32, 32, 3, padding=1, groups=32, bias=False), nn.BatchNorm2d(32), nn.ReLU6())
        self.project = nn.Sequential(nn.Conv2d(32, 16, 1, bias=False), nn.BatchNorm2d(16))
        self.head = nn.Sequential(nn.Conv2d(16, 16, 1), nn.ReLU())
        self.pool = nn.AvgPool2d(4)
        self.fc = nn.Linear(16 * 2 * 2, 5)

    def forward(self, x):
        x = self.stem(x)
        x = x + self.project(self.depthwise(self.expand(x)))
        x = self.pool(self.head(x)) * 0.5
        return self.fc(torch.flatten(x, 1))


class Inception(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU())
        self.pool = nn.MaxPool2d(3, 2, 1)
        self.branch1 = nn.Sequential(nn.Conv2d(16, 16, 1), nn.ReLU())
        self.branch2 = nn.Sequential(nn.Conv2d(16, 16, 3, padding=1), nn.ReLU())
        self.fc1 = nn.Linear(32 * 4 * 4, 64)
        self.fc2 = nn.Linear(64, 5)

    def forward(self, x):
        x = self.pool(self.stem(x))
        x = torch.cat([self.branch1(x), self.branch2(x)], 1)
        x = x.view(x.size(0), -1)
        return self.fc2(F.relu(self.fc1(x)))


class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.conv1 = nn.Conv2d(16, 32, 3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(32)
        self.conv2 = nn.Conv2d(32, 32, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(32)
        self.w = nn.Parameter(torch.randn(32, 5) * 0.3)
        self.b = nn.Parameter(torch.zeros(5))

    def forward(self, x):
        x = self.stem(x)
        shortcut = F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, 8, 8))
        y = F.relu(self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))) + shortcut)
        y = F.adaptive_avg_pool2d(y, 1).flatten(1)
        return y @ self.w + self.b


class Vgg(nn.Module):
    def __init__(self):
        super().__init__()
        def block(i, o):
            return [nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU()]
        self.features = nn.Sequential(*block(3, 16), *block(16, 16), nn.MaxPool2d(2), *block(16, 32), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Linear(32 * 2 * 2, 64), nn.ReLU(), nn.Dropout(0.5), nn.Linear(64, 5))
        self.fc = self.classifier[3]

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class TorchvisionBlock(nn.Module):
    def __init__(self, inplanes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = (nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))
                           if stride != 1 or inplanes != planes else None)

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(out)) + identity)


class ResNet18(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        widths, inplanes = [16, 32, 64, 64], 16
        for i, planes in enumerate(widths, start=1):
            stride = 1 if i == 1 else 2
            setattr(self, f"layer{i}", nn.Sequential(TorchvisionBlock(inplanes, planes, stride), TorchvisionBlock(planes, planes, 1)))
            inplanes = planes
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(64, 5)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


class Small(nn.Module):
    def __init__(self, head=None):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.AvgPool2d(2))
        self.classifier = nn.Linear(8 * 4 * 4, 5)
        self.head = head

    def forward(self, x):
        x = self.classifier(torch.flatten(self.features(x), 1))
        return self.head(x) if self.head else x


class Rows(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8 * 8, 16)
        self.fc = nn.Linear(16, 5)
        self.register_buffer("state", torch.zeros(1, 3, 16))   # an explicit initial state: no Expand before the LSTM

    def forward(self, x):
        out, _ = self.lstm(x.flatten(2), (self.state, self.state))   # [N, C, H*W] read as N steps of C sequences (the op matters, not the sense)
        return self.fc(out[-1])


def randomise_batchnorm(model):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.2, 0.2)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)


def centre(model, x):
    last = model.fc if hasattr(model, "fc") else model.fc2 if hasattr(model, "fc2") else None
    with torch.no_grad():
        logits = model(x)
        if last is not None:
            last.bias -= logits.mean(0)
        elif hasattr(model, "b"):
            model.b -= logits.mean(0)


def main():
    out = sys.argv[1]
    torch.manual_seed(0)
    x = torch.rand(16, 3, 8, 8)
    models = {"bottleneck": Bottleneck(), "inception": Inception(), "resnet": ResNet(), "vgg": Vgg(), "resnet18": ResNet18()}
    result = {"input_shape": list(x.shape), "input": x.flatten().tolist(), "logits": {}}
    for name, model in models.items():
        randomise_batchnorm(model)
        model.eval()
        centre(model, x)
        with torch.no_grad():
            result["logits"][name] = model(x).flatten().tolist()
        for opset in (11, 13, 17):
            for fold in (True, False):
                torch.onnx.export(model, x[:1], f"{out}/{name}-op{opset}-{'fold' if fold else 'nofold'}.onnx", opset_version=opset,
                                  do_constant_folding=fold, input_names=["image"], output_names=["logits"],
                                  dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
    torch.onnx.export(Small(nn.Softmax(1)).eval(), x[:1], f"{out}/softmax.onnx", opset_version=13, input_names=["image"], output_names=["p"])
    torch.onnx.export(Small(nn.Sigmoid()).eval(), x[:1], f"{out}/sigmoid.onnx", opset_version=13, input_names=["image"], output_names=["p"])
    torch.onnx.export(Rows().eval(), x[:1], f"{out}/lstm.onnx", opset_version=13, input_names=["image"], output_names=["logits"])
    torch.onnx.export(Small().eval(), x[:1], f"{out}/dynamic.onnx", opset_version=13, input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch", 2: "height", 3: "width"}})
    with open(f"{out}/logits.json", "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
