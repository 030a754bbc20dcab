#!/usr/bin/python3
"""Post-training ANN->SNN calibration prototype for CIFAR-10 ResNet-20.

SNN semantics (match the C# simulator):
  * BN folded into conv weight+bias.  Every ReLU -> IF layer (19 of them: stem, 9x block-conv1, 9x junction).
  * IF: V += I(t); s = V >= Vth; V -= Vth*s; output = Vth*s.  V(0) = v0 (absolute; = frac*Vth [+ PC term]).
  * Direct input: constant current conv1(x)+b into the stem IF every step.
  * Junction IF input = conv2(spikes)+b2 + shortcut(block-input spikes) (option A: ::2 subsample + zero pad).
  * GAP + linear applied to spikes every step, accumulated; prediction(t) = argmax(sum_{k<=t} out(k)).

Methods (see --method):  max | p999 | search | search+bc | search+bc+pc | ... (see METHODS below)
"""
import argparse, time, os, sys
import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
HERE = os.path.dirname(os.path.abspath(__file__))
MEAN = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
STD = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)


# ----------------------------------------------------------------------------- data / model
def load_bin(path, n=None):
    raw = np.fromfile(path, dtype=np.uint8).reshape(-1, 3073)
    if n is not None:
        raw = raw[:n]
    y = torch.from_numpy(raw[:, 0].astype(np.int64))
    x = torch.from_numpy(raw[:, 1:].reshape(-1, 3, 32, 32).astype(np.float32) / 255.0)
    return (x - MEAN) / STD, y


def fold(sd, conv, bn, eps=1e-5):
    w = sd[conv + '.weight']
    g, b, m, v = (sd[bn + k] for k in ('.weight', '.bias', '.running_mean', '.running_var'))
    s = g / torch.sqrt(v + eps)
    return (w * s.view(-1, 1, 1, 1)).contiguous(), (b - m * s).contiguous()


def load_model(path):
    ck = torch.load(path, map_location='cpu')
    sd = {k.replace('module.', ''): v.float() for k, v in ck['state_dict'].items()}
    convs = []  # list of (w, b, stride); index == IF layer index
    convs.append(fold(sd, 'conv1', 'bn1') + (1,))
    blocks = []
    for s in range(1, 4):
        for j in range(3):
            p = f'layer{s}.{j}'
            stride = 2 if (s > 1 and j == 0) else 1
            i1 = len(convs); convs.append(fold(sd, p + '.conv1', p + '.bn1') + (stride,))
            i2 = len(convs); convs.append(fold(sd, p + '.conv2', p + '.bn2') + (1,))
            blocks.append((i1, i2, stride))
    return dict(convs=convs, blocks=blocks, lw=sd['linear.weight'], lb=sd['linear.bias'])


def shortcut(x, stride):
    if stride == 1:
        return x
    c = x.shape[1]
    return F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, c // 2, c // 2))  # C/4 each side of 2C output = c/2


NL = 19


def forward(M, x, act, bias_delta=None, stem_cur=None, stop=None):
    """Generic forward. act(i, current) -> output of IF/ReLU layer i.  Returns logits (or None if stopped at layer
    `stop`, i.e. after act(stop, .) was called)."""
    convs = M['convs']

    def conv(i, h):
        w, b, st = convs[i]
        if bias_delta is not None and bias_delta[i] is not None:
            b = b + bias_delta[i]
        return F.conv2d(h, w, b, stride=st, padding=1)

    cur = stem_cur if stem_cur is not None else conv(0, x)
    h = act(0, cur)
    if stop == 0:
        return None
    for (i1, i2, st) in M['blocks']:
        inp = h
        o = act(i1, conv(i1, inp))
        if stop == i1:
            return None
        h = act(i2, conv(i2, o) + shortcut(inp, st))
        if stop == i2:
            return None
    return F.linear(h.mean((2, 3)), M['lw'], M['lb'])


# ----------------------------------------------------------------------------- ANN
@torch.no_grad()
def ann_eval(M, x, y, bs=250):
    correct = 0
    for k in range(0, len(x), bs):
        out = forward(M, x[k:k + bs], lambda i, c: F.relu(c))
        correct += (out.argmax(1) == y[k:k + bs]).sum().item()
    return 100.0 * correct / len(x)


@torch.no_grad()
def ann_record(M, x, bs=256):
    """Per layer: pre-activations z (N,C,H,W) and activations a = relu(z)."""
    zs = [[] for _ in range(NL)]

    def act(i, c):
        zs[i].append(c.clone())
        return F.relu(c)

    for k in range(0, len(x), bs):
        forward(M, x[k:k + bs], act)
    return [torch.cat(z) for z in zs]


# ----------------------------------------------------------------------------- SNN
class SNNParams:
    def __init__(self, th, v0frac, bias_delta=None, v0extra=None):
        self.th = th                  # list of NL tensors broadcastable to (N,C,H,W): scalar or (1,C,1,1)
        self.v0frac = v0frac          # float, V(0) = v0frac*Vth + v0extra
        self.bias_delta = bias_delta or [None] * NL   # per-channel added to conv bias
        self.v0extra = v0extra or [None] * NL         # (1,C,1,1) or (1,C,H,W) absolute potential

    def v0(self, i, shape):
        v = torch.zeros(shape) + self.v0frac * self.th[i]
        if self.v0extra[i] is not None:
            v = v + self.v0extra[i]
        return v


@torch.no_grad()
def snn_run(M, P, x, T, stop=None, probe=None, grid=None):
    """Run SNN for T steps.  If stop is None: returns logits accumulated per step, shape (T, N, 10).
    If stop=l: returns (mean input current to layer l, mean output of layer l) over T steps, each (N,C,H,W).
    If grid (1-D tensor of candidate thresholds for layer `stop`) is given, layer `stop` is simulated for every
    candidate in parallel and its mean output has shape (G,N,C,H,W); the output passed downstream is irrelevant."""
    V = [None] * NL
    stem_cur = F.conv2d(x, M['convs'][0][0],
                        M['convs'][0][1] + (P.bias_delta[0] if P.bias_delta[0] is not None else 0), padding=1)
    sum_cur = [None]
    sum_out = [None]

    def act(i, c):
        if grid is not None and i == stop:
            th = grid.view(-1, 1, 1, 1, 1)
            if V[i] is None:
                V[i] = P.v0frac * th * torch.ones((len(grid),) + tuple(c.shape))
            V[i] += c
            s = (V[i] >= th).float()
            V[i] -= th * s
            o = th * s
        else:
            th = P.th[i]
            if V[i] is None:
                V[i] = P.v0(i, c.shape)
            V[i] += c
            s = (V[i] >= th).float()
            V[i] -= th * s
            o = th * s
        if i == stop:
            sum_cur[0] = c.clone() if sum_cur[0] is None else sum_cur[0] + c
            sum_out[0] = o.clone() if sum_out[0] is None else sum_out[0] + o
            return None
        return o

    outs = []
    acc = None
    for t in range(T):
        o = forward(M, None, act, P.bias_delta, stem_cur=stem_cur, stop=stop)
        if stop is None:
            acc = o.clone() if acc is None else acc + o
            outs.append(acc.clone())
    if stop is None:
        return torch.stack(outs)
    return sum_cur[0] / T, sum_out[0] / T


@torch.no_grad()
def snn_eval(M, P, x, y, T, bs=200):
    correct = torch.zeros(T)
    for k in range(0, len(x), bs):
        acc = snn_run(M, P, x[k:k + bs], T)
        correct += (acc.argmax(2) == y[k:k + bs].view(1, -1)).float().sum(1)
    return (100.0 * correct / len(x)).tolist()


@torch.no_grad()
def snn_stats(M, P, x, T, l, bs=256, grid=None):
    """Mean input current and mean output of layer l per sample, batched."""
    cs, os_ = [], []
    for k in range(0, len(x), bs):
        c, o = snn_run(M, P, x[k:k + bs], T, stop=l, grid=grid)
        cs.append(c); os_.append(o)
    return torch.cat(cs), torch.cat(os_, dim=1 if grid is not None else 0)


# ----------------------------------------------------------------------------- threshold rules
def quant(a, th, T):
    """SNN rate approximation with V(0)=Vth/2 and constant input: Vth/T * clamp(floor(a*T/Vth+0.5),0,T)."""
    return th / T * torch.clamp(torch.floor(a * T / th + 0.5), 0, T)


def th_search(a, T, fracs, per_channel=False, subsample=2_000_000, seed=0):
    """Pick Vth minimising sum (a - quant(a))^2 over a grid Vth = frac * max."""
    if per_channel:
        C = a.shape[1]
        ac = a.transpose(0, 1).reshape(C, -1)
        mx = ac.max(1).values.clamp_min(1e-6)
        best = torch.full((C,), float('inf')); bth = mx.clone()
        for f in fracs:
            th = (mx * f).view(C, 1)
            e = ((ac - quant(ac, th, T)) ** 2).sum(1)
            m = e < best
            best[m] = e[m]; bth[m] = th.view(-1)[m]
        return bth.view(1, C, 1, 1)
    v = a.flatten()
    if v.numel() > subsample:
        g = torch.Generator().manual_seed(seed)
        v = v[torch.randint(0, v.numel(), (subsample,), generator=g)]
    mx = v.max().item()
    best, bth = float('inf'), mx
    for f in fracs:
        th = mx * f
        e = ((v - quant(v, th, T)) ** 2).sum().item()
        if e < best:
            best, bth = e, th
    return torch.tensor(bth)


def percentile(a, p, subsample=4_000_000, seed=0):
    v = a.flatten()
    if v.numel() > subsample:
        g = torch.Generator().manual_seed(seed)
        v = v[torch.randint(0, v.numel(), (subsample,), generator=g)]
    return torch.quantile(v, p / 100.0)


# ----------------------------------------------------------------------------- calibration pipeline
def calibrate(M, xc, T, method, args, log=print):
    """method: '+'-separated tokens.
      max        : Vth = max activation, V0 = 0
      p999       : Vth = 99.9th percentile, V0 = Vth/2
      search     : Vth from quantised-clip MSE search on ANN activations, V0 = Vth/2
      snnsearch  : (sequential) re-search Vth per layer against actual SNN layer output (earlier layers calibrated)
      bc / bcpre : bias correction per channel using activations / pre-activations
      pc / pcn   : potential correction per channel / per neuron
      pch        : per-channel thresholds (with search)
    """
    toks = method.split('+')
    t0 = time.time()
    zs = ann_record(M, xc)
    acts = [F.relu(z) for z in zs]
    fracs = torch.arange(args.grid_lo, 1.0 + 1e-9, args.grid_step).tolist()
    per_ch = 'pch' in toks
    if 'max' in toks:
        th = [a.max() for a in acts]; v0f = 0.0
    elif 'p999' in toks:
        th = [percentile(a, 99.9) for a in acts]; v0f = 0.5
    else:
        Ts = max(1, int(round(T * args.search_scale)))
        th = [th_search(a, Ts, fracs, per_channel=per_ch) for a in acts]; v0f = 0.5
    P = SNNParams(th, v0f)
    seq = [t for t in toks if t in ('snnsearch', 'bc', 'bcpre', 'pc', 'pcn', 'bc2')]
    if seq:
        for l in range(NL):
            C = acts[l].shape[1]
            if 'snnsearch' in toks:
                base = P.th[l].mean().item() if per_ch else P.th[l].item()
                mxl = acts[l].max().item()
                grid = torch.tensor(sorted(set([base * f for f in args.snn_grid]))).clamp(max=mxl)
                _, o = snn_stats(M, P, xc, T, l, grid=grid)
                err = ((o - acts[l].unsqueeze(0)) ** 2).flatten(1).sum(1)
                k = int(err.argmin())
                if not per_ch:
                    P.th[l] = grid[k].clone()
                log(f'  L{l:2d} snnsearch: th {base:.4f} -> {grid[k]:.4f} (errs {[round(e, 1) for e in (err / err.min()).tolist()]})')
            nbc = 2 if 'bc2' in toks else (1 if ('bc' in toks or 'bcpre' in toks) else 0)
            for it in range(nbc):
                c, o = snn_stats(M, P, xc, T, l)
                if 'bcpre' in toks:
                    d = (zs[l] - c).mean((0, 2, 3))
                else:
                    d = (acts[l] - o).mean((0, 2, 3))
                P.bias_delta[l] = d if P.bias_delta[l] is None else P.bias_delta[l] + d
                log(f'  L{l:2d} bc it{it}: |delta| mean {d.abs().mean():.4f}  act-err before {(acts[l]-o).mean():+.4f}')
            if 'pc' in toks or 'pcn' in toks:
                c, o = snn_stats(M, P, xc, T, l)
                e = (acts[l] - o)
                e = e.mean(0, keepdim=True) if 'pcn' in toks else e.mean((0, 2, 3), keepdim=True)
                P.v0extra[l] = T * e if P.v0extra[l] is None else P.v0extra[l] + T * e
                log(f'  L{l:2d} pc: mean|T*e| {(T*e).abs().mean():.4f}  (th {P.th[l].mean():.4f})')
    return P, time.time() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--method', default='search+bc+pc')
    ap.add_argument('--model', default='/work/shared/models/resnet20-12fca82f.th')
    ap.add_argument('--data', default='/work/main/data/cifar-10-batches-bin')
    ap.add_argument('--ncal', type=int, default=256)
    ap.add_argument('--calT', type=str, default='32', help="comma list of calibration T's, or 'each' = 8,16,32,64")
    ap.add_argument('--evalT', type=int, default=64)
    ap.add_argument('--ntest', type=int, default=1000)
    ap.add_argument('--grid_lo', type=float, default=0.05)
    ap.add_argument('--grid_step', type=float, default=0.01)
    ap.add_argument('--search_scale', type=float, default=1.0, help='search Vth with quantiser at T*search_scale')
    ap.add_argument('--snn_grid', type=lambda s: [float(v) for v in s.split(',')], default=[0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.15],
                    help='snnsearch: candidate multiples of the ANN-searched Vth')
    ap.add_argument('--save', default='', help='torch.save calibrated params (th, bias_delta, v0) to this path')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--verbose', action='store_true')
    args = ap.parse_args()
    torch.manual_seed(args.seed); np.random.seed(args.seed)
    M = load_model(args.model)
    xc, _ = load_bin(os.path.join(args.data, 'data_batch_1.bin'), args.ncal)  # calibration: first ncal train images
    xt, yt = load_bin(os.path.join(args.data, 'test_batch_first1000.bin'), args.ntest)
    print(f'ANN accuracy on {len(xt)} test images: {ann_eval(M, xt, yt):.2f} %', flush=True)
    calTs = [8, 16, 32, 64] if args.calT == 'each' else [int(t) for t in args.calT.split(',')]
    show = [t for t in (1, 2, 4, 8, 16, 32, 64, 128, 256) if t <= args.evalT]
    print(f'method={args.method} ncal={args.ncal} calT={calTs} evalT={args.evalT} search_scale={args.search_scale}')
    print('| calib T | ' + ' | '.join(f'T={t}' for t in show) + ' | calib s | eval s |')
    print('|---' * (len(show) + 3) + '|', flush=True)
    for cT in calTs:
        P, tc = calibrate(M, xc, cT, args.method, args, log=(print if args.verbose else (lambda *a: None)))
        if args.save:
            torch.save({'T': cT, 'th': [t.clone() for t in P.th], 'v0frac': P.v0frac, 'bias_delta': P.bias_delta,
                        'v0extra': P.v0extra, 'method': args.method, 'search_scale': args.search_scale},
                       args.save.replace('.pt', f'_T{cT}.pt'))
        t1 = time.time()
        acc = snn_eval(M, P, xt, yt, args.evalT)
        te = time.time() - t1
        print(f'| {cT} | ' + ' | '.join(f'{acc[t-1]:.1f}' for t in show) + f' | {tc:.0f} | {te:.0f} |', flush=True)


if __name__ == '__main__':
    main()
