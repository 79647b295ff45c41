#!/usr/bin/env python3
"""The CPU framework a researcher without a GPU would otherwise run: PyTorch timing the same work as
webgpu-hat's bench cases, driven by bench/peers/torch.ts over stdin/stdout (one JSON object a line).

First line in: {"work": {...}, "threads": N}. First line out: {"ready": true, "torch": ..., "blas": ...,
"threads": N}. Then each line in {"units": k} runs k units and answers {"ms": total milliseconds};
{"quit": true} ends. The work is what the TypeScript side describes:
  {"kind": "gemm", "form": "nn"|"nt"|"tn", "m", "n", "k"}
  {"kind": "mlp-step", "hidden": [...], "batch", "classes"}        HAT's training step, as docs/hat.md
  {"kind": "alexnet-step", "batch", "classes", "size"}               the same on the AlexNet-HAT
Timing is wall clock around the units inside this process (no pipe time)."""
import json
import math
import os
import sys
import time


def loaded_blas():
    """Which BLAS library this process actually mapped (torch.__config__ says "generic" either way on
    Debian, whose libblas.so.3 is an alternative: the reference BLAS, or OpenBLAS when installed)."""
    try:
        with open('/proc/self/maps') as f:
            libs = {line.split()[-1] for line in f if 'blas' in line.lower() or 'mkl' in line.lower()}
    except OSError:
        return 'unknown'
    names = sorted({os.path.realpath(p) for p in libs if p.startswith('/')})
    return ', '.join(os.path.join(os.path.basename(os.path.dirname(n)), os.path.basename(n)) for n in names) or 'none mapped'


def main():
    import torch
    setup = json.loads(sys.stdin.readline())
    torch.set_num_threads(int(setup['threads']))
    torch.manual_seed(0)
    work = setup['work']
    run = build(torch, work)
    run()  # one unit before anything is timed: allocations, the thread pool, BLAS initialisation
    print(json.dumps({'ready': True, 'torch': torch.__version__, 'blas': loaded_blas(), 'threads': torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        msg = json.loads(line)
        if msg.get('quit'):
            break
        units = int(msg['units'])
        t0 = time.perf_counter()
        for _ in range(units):
            run()
        print(json.dumps({'ms': (time.perf_counter() - t0) * 1000}), flush=True)


def build(torch, work):
    kind = work['kind']
    if kind == 'gemm':
        return gemm(torch, work)
    if kind == 'mlp-step':
        return hat_step(torch, mlp_layers(work['hidden']), work['batch'], work['classes'], (1, 28, 28))
    if kind == 'alexnet-step':
        return hat_step(torch, alexnet_layers(work['size']), work['batch'], work['classes'], (3, work['size'], work['size']))
    raise ValueError(f'unknown work {kind!r}')


def gemm(torch, w):
    m, n, k, form = w['m'], w['n'], w['k'], w['form']
    a = torch.rand(k, m) - 0.5 if form == 'tn' else torch.rand(m, k) - 0.5
    b = torch.rand(n, k) - 0.5 if form == 'nt' else torch.rand(k, n) - 0.5
    out = torch.empty(m, n)
    if form == 'nn':
        return lambda: torch.mm(a, b, out=out)
    if form == 'nt':
        return lambda: torch.mm(a, b.t(), out=out)
    return lambda: torch.mm(a.t(), b, out=out)


def mlp_layers(hidden):
    """(kind, units, fan-in or kernel, dropout) per gated layer, the reference's MLP."""
    layers, fan_in = [], 784
    for units in hidden:
        layers.append(('fc', units, fan_in, 0.5))
        fan_in = units
    return {'input_dropout': 0.2, 'layers': layers, 'features': fan_in}


def alexnet_layers(size):
    kernels = [size // 8, size // 10, 2]
    channels, drops = [64, 128, 256], [0.2, 0.2, 0.5]
    layers, in_c, s = [], 3, size
    for i in range(3):
        layers.append(('conv', channels[i], (in_c, kernels[i]), drops[i]))
        s = (s - kernels[i] + 1) // 2
        in_c = channels[i]
    fan_in = in_c * s * s
    for _ in range(2):
        layers.append(('fc', 2048, fan_in, 0.5))
        fan_in = 2048
    return {'input_dropout': 0.0, 'layers': layers, 'features': fan_in, 'spatial': s * s}


def hat_step(torch, net, batch, classes, input_shape, smax=400.0, c=0.75, lr=0.05, clip=10000.0, clamp=6.0):
    """One HAT training step of task 1 (under task 0's masks), as webgpu-hat's bench step times it:
    forward with gates and dropout, cross-entropy on head 1, backward, conditioning of weights and biases
    by the masks, the regulariser's gradient and the compensation of the embeddings, clipping, SGD and
    the embedding clamp. Plain tensors and autograd, the reference implementation's way."""
    F = torch.nn.functional
    params, gated = [], []
    for kind, units, fan, drop in net['layers']:
        if kind == 'conv':
            in_c, k = fan
            w = torch.empty(units, in_c, k, k).uniform_(-1, 1).div_(math.sqrt(in_c * k * k)).requires_grad_()
        else:
            w = torch.empty(units, fan).uniform_(-1, 1).div_(math.sqrt(fan)).requires_grad_()
        b = torch.zeros(units, requires_grad=True)
        e = torch.randn(units, requires_grad=True)  # task 1's embedding
        mask = torch.rand(units)                     # task 0's cumulative mask a^{<1}
        gated.append({'kind': kind, 'w': w, 'b': b, 'e': e, 'mask': mask, 'drop': drop, 'k': fan[1] if kind == 'conv' else None})
        params += [w, b, e]
    head_w = torch.empty(classes, net['features']).uniform_(-1, 1).div_(math.sqrt(net['features'])).requires_grad_()
    head_b = torch.zeros(classes, requires_grad=True)
    params += [head_w, head_b]
    x = torch.rand(batch, *input_shape)
    y = torch.randint(0, classes, (batch,))
    den = float(sum((1 - g['mask']).sum() for g in gated))
    spatial = net.get('spatial', 1)
    s_values = [1 / smax + (smax - 1 / smax) * i / 1000 for i in range(1000)]
    state = {'i': 0}

    def step():
        s = s_values[state['i'] % 1000]
        state['i'] += 1
        h = x if gated[0]['kind'] == 'conv' else x.view(batch, -1)
        if net['input_dropout']:
            h = F.dropout(h, net['input_dropout'], training=True)
        gates = []
        for g in gated:
            a = torch.sigmoid(s * g['e'])
            gates.append(a)
            if g['kind'] == 'conv':
                h = F.dropout(F.relu(F.conv2d(h, g['w'], g['b'])), g['drop'], training=True)
                h = F.max_pool2d(h, 2) * a.view(1, -1, 1, 1)
            else:
                if h.dim() > 2:
                    h = h.reshape(batch, -1)
                h = F.dropout(F.relu(F.linear(h, g['w'], g['b'])), g['drop'], training=True) * a
        loss = F.cross_entropy(F.linear(h, head_w, head_b), y)
        for p in params:
            p.grad = None
        loss.backward()
        with torch.no_grad():
            pre = None
            for g in gated:
                post = g['mask']
                if pre is None:
                    keep = (1 - post).view(-1, *([1] * (g['w'].dim() - 1)))
                elif g['kind'] == 'conv':
                    keep = (1 - torch.min(post.view(-1, 1), pre.view(1, -1))).view(post.numel(), pre.numel(), 1, 1)
                else:
                    rep = pre.repeat_interleave(spatial) if pre.numel() * spatial == g['w'].shape[1] and spatial > 1 else pre
                    keep = 1 - torch.min(post.view(-1, 1), rep.view(1, -1))
                g['w'].grad.mul_(keep)
                g['b'].grad.mul_(1 - post)
                pre = post
            for g, a in zip(gated, gates):
                e = g['e']
                e.grad.add_(c * s * a * torch.sigmoid(-s * e) * (1 - g['mask']) / den)
                e.grad.mul_(smax / s * (torch.cosh(torch.clamp(s * e, -50, 50)) + 1) / (torch.cosh(e) + 1))
            torch.nn.utils.clip_grad_norm_(params, clip)
            for p in params:
                if p.grad is not None:
                    p.add_(p.grad, alpha=-lr)
            for g in gated:
                g['e'].clamp_(-clamp, clamp)

    return step


if __name__ == '__main__':
    main()
