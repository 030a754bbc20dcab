#!/usr/bin/env python3
"""Writes a few seeded images of odd sizes (PNG and JPEG) and torchvision's evaluation transform of each
(Resize(256) on the shorter side, CenterCrop(224), as uint8 RGB planar), for the comparison with RmpSnn's image reader.

Usage, with Debian's python3-torchvision:  /usr/bin/python3 experiments/torchvision_eval_transform.py OUT_DIR
Writes OUT_DIR/img{i}.{png,jpg} and OUT_DIR/transform.json ({"files": [...], "pixels": [[...], ...]}).
"""
import json
import os
import sys

import numpy as np
import torch
from PIL import Image
from torchvision import transforms

SIZES = [(300, 257), (257, 300), (640, 480), (224, 224), (500, 333)]


def main():
    out = sys.argv[1]
    rng = np.random.default_rng(0)
    transform = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224), transforms.PILToTensor()])
    files, pixels = [], []
    for i, (w, h) in enumerate(SIZES):
        # a smooth image (gradients plus a little noise): resampling differences stay small where the image is smooth
        y, x = np.mgrid[0:h, 0:w]
        rgb = np.stack([255 * x / w, 255 * y / h, 128 + 100 * np.sin(x / 17.0 + y / 23.0)], axis=-1)
        rgb = np.clip(rgb + rng.normal(0, 4, rgb.shape), 0, 255).astype(np.uint8)
        name = f"img{i}.{'png' if i % 2 == 0 else 'jpg'}"
        Image.fromarray(rgb).save(os.path.join(out, name), quality=95)
        with Image.open(os.path.join(out, name)) as img:
            pixels.append(transform(img.convert("RGB")).flatten().tolist())
        files.append(name)
    with open(os.path.join(out, "transform.json"), "w") as f:
        json.dump({"files": files, "pixels": pixels}, f)


if __name__ == "__main__":
    main()
