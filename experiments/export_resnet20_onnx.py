#!/usr/bin/env python3
"""Exports the pretrained CIFAR-10 ResNet-20 (../shared/models/resnet20-12fca82f.th, akamaster/pytorch_resnet_cifar10)
to ONNX with its own option-A shortcut (x[:, :, ::2, ::2] plus zero channels, written by torch.onnx as Slice + Pad).

usage: export_resnet20_onnx.py CHECKPOINT OUT.onnx [OPSET]   (Debian's python3-torch; default opset 13)
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_cifar_resnets import CifarResNet  # noqa: E402  (the same layout as the checkpoint)
import torch.nn.functional as F  # noqa: E402


class Exportable(CifarResNet):
    """The same network; the global pool is written with a fixed output size so that tracing does not see a tensor size."""

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer3(self.layer2(self.layer1(out)))
        return self.linear(F.adaptive_avg_pool2d(out, 1).flatten(1))


def main():
    checkpoint, out = sys.argv[1], sys.argv[2]
    opset = int(sys.argv[3]) if len(sys.argv) > 3 else 13
    state = torch.load(checkpoint, map_location="cpu")["state_dict"]
    state = {k.removeprefix("module."): v for k, v in state.items()}
    model = Exportable(20)
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not unexpected and all(k.endswith("num_batches_tracked") for k in missing), (missing, unexpected)
    model.eval()
    torch.onnx.export(model, torch.zeros(1, 3, 32, 32), out, opset_version=opset, input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})


if __name__ == "__main__":
    main()
