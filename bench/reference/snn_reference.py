#!/usr/bin/env python3
"""PyTorch reference for `rmpsnn bench`: the same CIFAR-shaped networks (resnet20 / vgg16 variants: no BatchNorm,
no bias, average pooling, option-A shortcuts) with act-max thresholds from random calibration images, simulated the way
SpikingJelly's single-step IF nodes are driven: a loop over T where each step runs x_t -> conv -> IF (soft reset) layer
by layer, under torch.no_grad(). Direct (constant-current) input. Prints one JSON line with images*steps per second
of wall time and per second of process CPU time (user + system)."""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class IF(nn.Module):
    """Integrate-and-fire with soft reset (V -= V_th); spikes carry amplitude V_th, as in RmpSnn."""

    def __init__(self):
        super().__init__()
        self.threshold = None
        self.v = None
        self.calibrating = False

    def reset(self):
        self.v = None

    def forward(self, x):
        if self.calibrating:               # ANN pass: record act-max of the ReLU
            y = F.relu(x)
            m = float(y.max())
            self.threshold = m if self.threshold is None else max(self.threshold, m)
            return y
        if self.v is None:
            self.v = torch.zeros_like(x)
        self.v.add_(x)
        spike = (self.v >= self.threshold).to(x.dtype)
        self.v.sub_(spike * self.threshold)
        return spike * self.threshold


def conv(cin, cout, stride=1, k=3):
    return nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, bias=False)


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1, self.n1, self.c2, self.junction = conv(cin, cout, stride), IF(), conv(cout, cout), IF()
        self.stride, self.pad = stride, (cout - cin) // 2

    def forward(self, x):
        s = x if self.stride == 1 and self.pad == 0 else F.pad(x[:, :, ::self.stride, ::self.stride], (0, 0, 0, 0, self.pad, self.pad))
        return self.junction(self.c2(self.n1(self.c1(x))) + s)


def resnet20(classes=10):
    layers, cin = [conv(3, 16), IF()], 16
    for s, width in enumerate([16, 32, 64]):
        for b in range(3):
            layers.append(Block(cin, width, 2 if s > 0 and b == 0 else 1))
            cin = width
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, classes, bias=False)]
    return nn.Sequential(*layers)


def vgg16(classes=10):
    cfg, layers, cin = [64, 64, 'P', 128, 128, 'P', 256, 256, 256, 'P', 512, 512, 512, 'P', 512, 512, 512, 'P'], [], 3
    for c in cfg:
        if c == 'P':
            layers.append(nn.AvgPool2d(2))
        else:
            layers += [conv(cin, c), IF()]
            cin = c
    layers += [nn.Flatten(), nn.Linear(512, 512, bias=False), IF(), nn.Linear(512, 512, bias=False), IF(), nn.Linear(512, classes, bias=False)]
    return nn.Sequential(*layers)


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument('--arch', default='resnet20', choices=['resnet20', 'vgg16'])
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--steps', type=int, default=64)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    net = {'resnet20': resnet20, 'vgg16': vgg16}[a.arch]().eval()
    neurons = [m for m in net.modules() if isinstance(m, IF)]
    with torch.no_grad():
        for n in neurons:
            n.calibrating = True
        net(torch.rand(64, 3, 32, 32))
        for n in neurons:
            n.calibrating = False
        x = torch.rand(a.batch, 3, 32, 32)

        def simulate(steps):
            for n in neurons:
                n.reset()
            out = 0
            for _ in range(steps):
                out = out + net(x)
            return out

        simulate(1)                                    # warm-up
        start, cpu_start = time.perf_counter(), time.process_time()
        simulate(a.steps)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    print(json.dumps({'arch': a.arch, 'batch': a.batch, 'steps': a.steps, 'threads': torch.get_num_threads(),
                      'torch': torch.__version__, 'seconds': seconds, 'cpuSeconds': cpu_seconds, 'imageStepsPerSecond': a.batch * a.steps / seconds,
                      'imageStepsPerCpuSecond': a.batch * a.steps / cpu_seconds}))


if __name__ == '__main__':
    main()
