#!/usr/bin/env python3
"""PyTorch reference for `rmpsnn bench MODEL`: runs the converted SNN that `rmpsnn export --format safetensors` wrote
(weights, thresholds, corrections and the graph; docs/INTEROP.md), so nothing of the conversion is re-implemented here,
on the images RmpSnn simulated, the way SpikingJelly drives single-step IF nodes: a loop over T in which each step
evaluates the graph node by node, under torch.no_grad(), direct (constant-current) input.

usage: snn_file.py SNN.safetensors IMAGES.safetensors --steps T --batch B --threads N

IMAGES.safetensors holds `images` (float32 [N, C, H, W], pixels in [0, 1]: the SNN's first convolution has the input
normalisation folded in) and `labels` (int64 [N]). Prints one JSON line: imageStepsPerSecond and imageStepsPerCpuSecond
(after a one-step warm-up), correctPerStep (images whose integrated output's argmax is the label, after each step),
spikesPerLayer (total spikes of each IF layer) and peakRssBytes.
"""
import argparse
import json
import struct
import time

import torch
import torch.nn.functional as F

DTYPES = {"F32": torch.float32, "I64": torch.int64, "F64": torch.float64, "I32": torch.int32}


def load(path):
    """A safetensors file's tensors and metadata, read with PyTorch alone."""
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    tensors = {k: torch.frombuffer(bytearray(raw[8 + n + v["data_offsets"][0]:8 + n + v["data_offsets"][1]]), dtype=DTYPES[v["dtype"]])
               .view(v["shape"]) for k, v in header.items()}
    return tensors, meta


def attribute(node, key, default=None):
    values = (node.get("attributes") or {}).get(key)
    return default if values is None else [int(v) if float(v).is_integer() else v for v in values]


def per_channel(shift, x):
    return shift.view(1, -1, *([1] * (x.dim() - 2)))


class Snn:
    """The exported graph as a per-step network with explicit IF state."""

    def __init__(self, tensors, meta):
        self.nodes = json.loads(meta["graph"])
        self.tensors = tensors
        self.soft = meta["reset"] == "soft"
        self.reset_potential = float(meta["reset_potential"])
        self.initial_potential = float(meta["initial_potential"])
        self.output = self.nodes[-1]["name"]
        self.state = {}
        for node in self.nodes:
            if node["op"] in ("MaxPoolGate",):
                raise SystemExit(f"{node['name']}: {node['op']} is not supported by this reference (use --maxpool avg)")

    def reset(self):
        self.state = {}

    def fire(self, name, current):
        threshold = float(self.tensors[f"{name}.threshold"][0])
        shift = self.tensors.get(f"{name}.current_shift")
        if shift is not None:
            current = current + per_channel(shift, current)
        v = self.state.get(name)
        if v is None:
            v = torch.full_like(current, self.initial_potential * threshold)
            potential_shift = self.tensors.get(f"{name}.potential_shift")
            if potential_shift is not None:
                v += per_channel(potential_shift, current)
        v = v + current
        spike = (v >= threshold).to(current.dtype)
        v = v - spike * threshold if self.soft else torch.where(spike > 0, torch.full_like(v, self.reset_potential * threshold), v)
        self.state[name] = v
        return spike, spike * threshold

    def step(self, frame, spikes):
        values = {}
        for node in self.nodes:
            name, op = node["name"], node["op"]
            xs = [values[i] for i in node.get("inputs") or []]
            x = xs[0] if xs else None
            if op == "Input":
                y = frame
            elif op == "Conv2d":
                y = F.conv2d(x, self.tensors[f"{name}.weight"], self.tensors.get(f"{name}.bias"), attribute(node, "stride"),
                             attribute(node, "padding"), attribute(node, "dilation"), attribute(node, "groups")[0])
                if f"{name}.bias_map" in self.tensors:
                    y = y + self.tensors[f"{name}.bias_map"]
            elif op == "Linear":
                y = F.linear(x, self.tensors[f"{name}.weight"], self.tensors.get(f"{name}.bias"))
            elif op == "IF":
                spike, y = self.fire(name, sum(xs[1:], xs[0]))
                spikes[name] = spikes.get(name, 0.0) + float(spike.sum())
            elif op == "AvgPool":
                y = F.avg_pool2d(x, attribute(node, "kernel"), attribute(node, "stride"), attribute(node, "padding"),
                                 bool(attribute(node, "ceil", [0])[0]), bool(attribute(node, "countIncludePad", [1])[0]))
            elif op == "GlobalAvgPool":
                y = F.adaptive_avg_pool2d(x, 1)
            elif op == "Flatten":
                y = x.flatten(1)
            elif op == "Reshape":
                y = x.reshape(x.shape[0], *attribute(node, "shape"))
            elif op == "Add":
                y = sum(xs[1:], xs[0])
            elif op == "Concat":
                y = torch.cat(xs, 1)
            elif op == "Pad":
                y = F.pad(x, attribute(node, "pads"))
            elif op == "Slice":
                index = [slice(None)] * x.dim()
                for axis, start, end, stride in zip(attribute(node, "axes"), attribute(node, "starts"), attribute(node, "ends"), attribute(node, "steps")):
                    index[axis] = slice(start, None if end == -1 else end, stride)
                y = x[tuple(index)]
            elif op == "Scale":
                y = x * attribute(node, "factor")[0]
            elif op in ("Identity", "Dropout"):
                y = x
            else:
                raise SystemExit(f"{name}: operation {op} is not supported by this reference")
            values[name] = y
        return values[self.output]


def simulate(snn, images, labels, steps, batch):
    correct = [0] * steps
    spikes = {}
    for start in range(0, images.shape[0], batch):
        x, y = images[start:start + batch], labels[start:start + batch]
        snn.reset()
        integrated = None
        for t in range(steps):
            out = snn.step(x, spikes)
            integrated = out if integrated is None else integrated + out
            correct[t] += int((integrated.argmax(1) == y).sum())
    return correct, spikes


def peak_rss():
    """VmHWM of this process (getrusage's ru_maxrss would include the parent's memory from before exec)."""
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmHWM:"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("snn")
    parser.add_argument("images")
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    snn = Snn(*load(args.snn))
    data, _ = load(args.images)
    images, labels = data["images"].float(), data["labels"].long()
    with torch.no_grad():
        simulate(snn, images[:args.batch], labels[:args.batch], 1, args.batch)   # warm-up
        wall, cpu = time.perf_counter(), time.process_time()
        correct, spikes = simulate(snn, images, labels, args.steps, args.batch)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    image_steps = images.shape[0] * args.steps
    print(json.dumps({"imageStepsPerSecond": image_steps / wall, "imageStepsPerCpuSecond": image_steps / cpu, "correctPerStep": correct,
                      "spikesPerLayer": spikes, "peakRssBytes": peak_rss()}))


if __name__ == "__main__":
    main()
