"""Shared by the make_*.py scripts: seeded random weights with calibrated BatchNorm statistics, and the checkpoint +
logits files that tests/RmpSnn.Tests/Import/PyTorchLogitsTests.cs compares `rmpsnn import` against."""
import json
import os

import torch
import torch.nn as nn


def randomise(model, size, batches, bias_std=None):
    """Kaiming-normal conv weights (and linear ones, with N(0, bias_std) biases, when bias_std is given), random BN
    affine, and BN running statistics measured on `batches` seeded random batches of 3 x size x size, so activations
    keep unit scale at any depth and the logits stay O(1). Returns the model in eval mode."""
    weighted = (nn.Conv2d, nn.Linear) if bias_std is not None else (nn.Conv2d,)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, weighted):
                nn.init.kaiming_normal_(m.weight)
                if bias_std is not None:
                    m.bias.normal_(0, bias_std)
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.2)
                m.momentum = None  # cumulative average over the calibration passes
        model.train()
        for _ in range(batches):
            model(torch.randn(64 if size <= 32 else 16, 3, size, size))
    return model.eval()


def fixed_input(count, size):
    """The seeded N(0, 1) input whose logits are recorded (already normalised)."""
    return torch.randn(count, 3, size, size, generator=torch.Generator().manual_seed(2020))


def save_checkpoint(out, stem, checkpoint):
    """Writes `checkpoint` twice: legacy pickle (STEM.th) and zip (STEM.pt)."""
    torch.save(checkpoint, os.path.join(out, f"{stem}.th"), _use_new_zipfile_serialization=False)
    torch.save(checkpoint, os.path.join(out, f"{stem}.pt"))


def save_logits(out, x, logits):
    """logits.json: the input and, per model name, its flattened logits."""
    with open(os.path.join(out, "logits.json"), "w") as f:
        json.dump({"input_shape": list(x.shape), "input": x.flatten().tolist(),
                   "logits": {name: value.flatten().tolist() for name, value in logits.items()}}, f)
    for name, value in logits.items():
        print(f"{name}: max |logit| {value.abs().max().item():.3g}")
