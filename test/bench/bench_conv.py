#!/usr/bin/python3
"""Convolutional autoencoder training: the engine against PyTorch (CPU, one
thread each, float32), on the first rows of Fashion-MNIST (28x28x1, pixels
/ 255).  The architecture is the Keras example's, mirrored as the engine
does: 3x3 'same' convolutions with 16 and 8 filters, each followed by 2x2
max pooling (a 7x7x8 code), then 3x3x8 + upsample 2, 3x3x16 + upsample 2
and a 3x3x1 sigmoid output; relu, MSE, Adam 0.001, He / Glorot uniform
initialisation with zero biases, the same batch size and epochs.  Each
repeat runs ours then PyTorch with the same seed; it prints the median
samples/s of each, the median of the per-repeat ratios, GFLOP/s and the
last epoch's loss.  Nothing is hard-coded: every figure is measured in
this run.

GFLOP/s count the convolutions' multiply-adds only (pooling, upsampling,
activations and the optimiser are free): per sample and layer 2 h w k^2
c_in c_out forward, as much for the filter gradient and, except for the
first layer, for the input gradient.

usage: bench_conv.py BENCH_BINARY FASHION_CSV [--repeats N] [--epochs N]
                     [--batch N ...]
"""

import argparse
import os
import statistics
import subprocess
import time

import numpy as np
import torch
import torch.nn as nn

BLOCKS = [(16, 3, 2), (8, 3, 2)]


def layers(h=28, w=28, c=1):
    """(h, w, c_in, c_out, k) of every convolution, in order."""
    out = []
    for f, k, p in BLOCKS:
        out.append((h, w, c, f, k))
        c, h, w = f, h // p, w // p
    for f, k, p in reversed(BLOCKS):
        out.append((h, w, c, f, k))
        c, h, w = f, h * p, w * p
    out.append((h, w, c, 1, BLOCKS[0][1]))
    return out


def train_flops():
    s = 0
    for i, (h, w, ci, co, k) in enumerate(layers()):
        f = 2 * h * w * k * k * ci * co
        s += f * (2 if i == 0 else 3)
    return s


def build_torch():
    mods = []
    c = 1
    for f, k, p in BLOCKS:
        mods += [nn.Conv2d(c, f, k, padding=k // 2), nn.ReLU(), nn.MaxPool2d(p)]
        c = f
    for f, k, p in reversed(BLOCKS):
        mods += [nn.Conv2d(c, f, k, padding=k // 2), nn.ReLU(),
                 nn.Upsample(scale_factor=p, mode="nearest")]
        c = f
    mods += [nn.Conv2d(c, 1, BLOCKS[0][1], padding=BLOCKS[0][1] // 2), nn.Sigmoid()]
    for m in mods:
        if isinstance(m, nn.Conv2d):
            if m.out_channels == 1:
                nn.init.xavier_uniform_(m.weight)
            else:
                nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")
            nn.init.zeros_(m.bias)
    return nn.Sequential(*mods)


def run_torch(x, epochs, batch, seed):
    torch.manual_seed(seed)
    X = torch.from_numpy(x).reshape(-1, 1, 28, 28)
    n = X.shape[0]
    model = build_torch()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    lossf = nn.MSELoss()
    t0 = time.perf_counter()
    for _ in range(epochs):
        perm = torch.randperm(n)
        total = 0.0
        for i in range(0, n, batch):
            xb = X[perm[i:i + batch]]
            loss = lossf(model(xb), xb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * xb.shape[0]
    secs = time.perf_counter() - t0
    return {"samples_per_sec": n * epochs / secs, "final_loss": total / n}


def run_ours(binary, csv, epochs, batch, seed):
    env = dict(os.environ)
    env["OPENBLAS_NUM_THREADS"] = "1"
    cmd = [binary, csv, "--hidden", "none", "--input-shape", "28,28,1",
           "--conv", ",".join(f"{f}:{k}:{p}" for f, k, p in BLOCKS),
           "--output", "sigmoid", "--scale", "max", "--epochs", str(epochs),
           "--batch", str(batch), "--seed", str(seed)]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True,
                         text=True).stdout
    return {k: float(v) for k, v in (f.split("=") for f in out.split())}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("csv")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch", type=int, nargs="+", default=[32, 128])
    a = ap.parse_args()
    torch.set_num_threads(1)
    data = np.loadtxt(a.csv, delimiter=",", skiprows=1, dtype=np.float32)
    x = data[:, :-1] / data[:, :-1].max()
    fl = train_flops()
    print(f"Convolutional autoencoder on {x.shape[0]} Fashion-MNIST images "
          f"(28x28x1; conv {BLOCKS}), {a.epochs} epochs, one thread each, "
          f"median of {a.repeats}; {fl / 1e6:.1f} MFLOP per sample per step")
    print(f"{'batch':>5} {'ours samples/s':>15} {'PyTorch samples/s':>18} "
          f"{'ratio':>6} {'ours GFLOP/s':>13} {'PyTorch GFLOP/s':>16} "
          f"{'ours loss':>10} {'PyTorch loss':>13}")
    for b in a.batch:
        ours, theirs, ratios = [], [], []
        for r in range(a.repeats):
            o = run_ours(a.binary, a.csv, a.epochs, b, 42 + r)
            t = run_torch(x, a.epochs, b, 42 + r)
            ours.append(o)
            theirs.append(t)
            ratios.append(o["samples_per_sec"] / t["samples_per_sec"])
        os_ = statistics.median(v["samples_per_sec"] for v in ours)
        ts = statistics.median(v["samples_per_sec"] for v in theirs)
        print(f"{b:>5} {os_:>15.0f} {ts:>18.0f} {statistics.median(ratios):>6.2f} "
              f"{os_ * fl / 1e9:>13.2f} {ts * fl / 1e9:>16.2f} "
              f"{statistics.median(v['final_loss'] for v in ours):>10.4f} "
              f"{statistics.median(v['final_loss'] for v in theirs):>13.4f}")


if __name__ == "__main__":
    main()
