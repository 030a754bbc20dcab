#!/usr/bin/env python3
"""A small discrete-time interpreter of NIR graphs (read with h5py), as a reference for RmpSnn's NIR export.

usage: nir_reference.py GRAPH.nir INPUT.json STEPS OUT.json

INPUT.json holds {"shape": [N, C, H, W], "frame": [...]}: the frame is fed to the Input node every step (direct input).
Each step, every node reads the sum of its incoming edges: the source's value of this step along forward edges, of the
previous step along edges that close a cycle (0 at the first step). dt = 1. Nodes: Input, Output, Conv2d, Affine,
Linear, AvgPool2d (zero padding counted), Flatten, Scale, I (v += r x), Threshold (x > threshold), IF (v += r x; spike
where v > v_threshold; then v = v_reset there). OUT.json gets {"output": [steps][N][...]}, the spikes of every IF and
Threshold node summed over the batch and all steps, and every node's type.
"""
import json
import sys

import h5py
import torch
import torch.nn.functional as F


def read(path):
    with h5py.File(path, "r") as f:
        graph = f["node"]
        assert graph["type"][()] == b"NIRGraph"
        nodes = {}
        for name, group in graph["nodes"].items():
            nodes[name] = {k: (v[()].decode() if isinstance(v[()], bytes) else v[()]) for k, v in group.items() if isinstance(v, h5py.Dataset)}
        edges = [(a.decode(), b.decode()) for a, b in graph["edges"][()]]
    return nodes, edges


def order(nodes, edges):
    """A topological order of the graph without its back edges, and the set of back edges (found by DFS from the inputs)."""
    succ = {n: [] for n in nodes}
    for a, b in edges:
        succ[a].append(b)
    state, back, post = {}, set(), []

    def visit(n):
        state[n] = 1
        for m in succ[n]:
            if state.get(m) == 1:
                back.add((n, m))
            elif m not in state:
                visit(m)
        state[n] = 2
        post.append(n)

    for n in nodes:
        if nodes[n]["type"] == "Input" and n not in state:
            visit(n)
    for n in nodes:
        if n not in state:
            visit(n)
    return post[::-1], back


def t(x):
    return torch.tensor(x, dtype=torch.float32)


def main():
    nodes, edges = read(sys.argv[1])
    with open(sys.argv[2]) as f:
        spec = json.load(f)
    frame = torch.tensor(spec["frame"], dtype=torch.float32).view(spec["shape"])
    steps = int(sys.argv[3])
    topo, back = order(nodes, edges)
    incoming = {n: [a for a, b in edges if b == n] for n in nodes}
    state = {n: None for n in nodes}
    value, previous = {}, {}
    spikes = {n: 0.0 for n in nodes if nodes[n]["type"] in ("IF", "Threshold")}
    outputs = []
    for step in range(steps):
        value = {}
        for n in topo:
            node = nodes[n]
            kind = node["type"]
            if kind == "Input":
                value[n] = frame
                continue
            parts = [(previous.get(a) if (a, n) in back else value[a]) for a in incoming[n]]
            parts = [p for p in parts if p is not None]
            x = sum(parts[1:], parts[0]) if parts else None
            if kind == "Conv2d":
                y = F.conv2d(x, t(node["weight"]), t(node["bias"]), tuple(node["stride"]), tuple(node["padding"]),
                             tuple(node["dilation"]), int(node["groups"]))
            elif kind == "Affine":
                y = x @ t(node["weight"]).T + t(node["bias"])
            elif kind == "Linear":
                y = x @ t(node["weight"]).T
            elif kind == "AvgPool2d":
                y = F.avg_pool2d(x, tuple(node["kernel_size"]), tuple(node["stride"]), tuple(node["padding"]))
            elif kind == "Flatten":
                y = x.flatten(1)
            elif kind == "Scale":
                y = x * t(node["scale"])
            elif kind == "I":
                state[n] = (torch.zeros_like(x) if state[n] is None else state[n]) + t(node["r"]) * x
                y = state[n]
            elif kind == "Threshold":
                y = (x > t(node["threshold"])).float()
                spikes[n] += float(y.sum())
            elif kind == "IF":
                v = (torch.zeros_like(x) if state[n] is None else state[n]) + t(node["r"]) * x
                fired = v > t(node["v_threshold"])
                state[n] = torch.where(fired, t(node["v_reset"]).expand_as(v), v)
                y = fired.float()
                spikes[n] += float(y.sum())
            elif kind == "Output":
                y = x
                outputs.append(x.tolist())
            else:
                raise SystemExit(f"{n}: unsupported NIR node type {kind}")
            value[n] = y
        previous = value
    with open(sys.argv[4], "w") as f:
        json.dump({"output": outputs, "spikes": spikes, "types": {n: nodes[n]["type"] for n in nodes}}, f)


if __name__ == "__main__":
    main()
