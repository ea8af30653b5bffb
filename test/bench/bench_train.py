#!/usr/bin/python3
"""Benchmark the engine's trainer against PyTorch (CPU, one thread, float32).

Runs bench_train (the C engine) and an equivalent PyTorch loop on the same
standardised data, architecture, epochs, batch size, optimiser (Adam) and
initialisation scheme (He uniform before relu-family activations, Glorot
uniform otherwise, zero biases); reports medians over repeats of training
throughput (samples/s = rows * epochs / training seconds), the last epoch's
mean training loss and the in-sample reconstruction MSE; then compares the
reconstruction MSE of autoencoders with PCA.  Nothing is hard-coded: every
figure printed is measured in this run.

Then the training matrix: narrow and wide networks (64 -> [16], [48,16],
[128,32,8], [256,64,16] on CSV; 784 -> [512,128,32] on the first rows of
Fashion-MNIST, given as a CSV by --fashion) at batch sizes 32, 64 and 256,
relu, Adam, each repeat running ours then PyTorch with the same seed; it
prints median samples/s, the median of the per-repeat ratios, the final
losses, and GFLOP/s (6 * sum of n_in * n_out over the layers, less
2 * n_in * n_out of the first layer, whose input gradient is not needed,
per sample) against the single-thread sgemm peak of the same OpenBLAS, and
the engine's speed with its SIMD kernels forced to the x86-64 baseline.

usage: bench_train.py BENCH_BINARY CSV [--repeats N] [--quick]
                      [--fashion CSV] [--no-quality]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn as nn


def load(csv):
    """Numeric CSV with a header; the last column (a label) is dropped."""
    data = np.loadtxt(csv, delimiter=",", skiprows=1, dtype=np.float64)
    x = data[:, :-1]
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    std[std < 1e-12] = 1.0
    return ((x - mean) / std).astype(np.float32)


def run_ours(binary, csv, hidden, epochs, batch, lr, act, seed, tied=False,
             simd="auto"):
    env = dict(os.environ)
    env["OPENBLAS_NUM_THREADS"] = "1"   # OPENBLAS_CORETYPE is kept if set
    cmd = [binary, csv, "--hidden", ",".join(map(str, hidden)),
           "--epochs", str(epochs), "--batch", str(batch), "--lr", str(lr),
           "--activation", act, "--seed", str(seed),
           "--tied", "1" if tied else "0", "--simd", simd]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True,
                         text=True).stdout
    kv = dict(f.split("=") for f in out.split())
    return {k: float(v) for k, v in kv.items()}


ACTS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid,
        "elu": nn.ELU, "leaky_relu": lambda: nn.LeakyReLU(0.01),
        "linear": None}


def build_torch(d, hidden, act):
    widths = [d] + list(hidden)
    dims = list(zip(widths[:-1], widths[1:]))
    dims += [(b, a) for a, b in reversed(dims)]
    layers = []
    for i, (a, b) in enumerate(dims):
        lin = nn.Linear(a, b)
        last = i == len(dims) - 1
        if not last and act in ("relu", "elu", "leaky_relu"):
            nn.init.kaiming_uniform_(lin.weight, nonlinearity="relu")
        else:
            nn.init.xavier_uniform_(lin.weight)
        nn.init.zeros_(lin.bias)
        layers.append(lin)
        if not last and ACTS[act] is not None:
            layers.append(ACTS[act]())
    return nn.Sequential(*layers)


def run_torch(x, hidden, epochs, batch, lr, act, seed):
    torch.manual_seed(seed)
    X = torch.from_numpy(x)
    n, d = X.shape
    model = build_torch(d, hidden, act)
    opt = torch.optim.Adam(model.parameters(), lr=lr if lr > 0 else 1e-3)
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
    with torch.no_grad():
        mse = float(((model(X) - X) ** 2).mean())
    return {"seconds": secs, "samples_per_sec": n * epochs / secs,
            "final_loss": total / n, "mse": mse}


def train_flops(d, hidden):
    """flops of one training step per sample: forward 2 m k per layer,
    backward 2 m k for the weight gradient and 2 m k for the input
    gradient (not needed for the first layer)"""
    widths = [d] + list(hidden)
    dims = list(zip(widths[:-1], widths[1:]))
    dims += [(b, a) for a, b in reversed(dims)]
    s = sum(a * b for a, b in dims)
    return 6 * s - 2 * dims[0][0] * dims[0][1]


def matrix(binary, digits_csv, fashion_csv, reps, quick):
    peak = run_peak(binary)
    print("== training matrix: relu, Adam, one thread each; ratio = median "
          "of per-repeat (ours / PyTorch) ==")
    print(f"single-thread sgemm peak (1024^3, same OpenBLAS): {peak:.1f} "
          f"GFLOP/s")
    ep = 10 if quick else 30
    cfgs = [(digits_csv, h, ep, b) for h in ([16], [48, 16], [128, 32, 8],
                                             [256, 64, 16])
            for b in (32, 64, 256)]
    if fashion_csv:
        cfgs += [(fashion_csv, [512, 128, 32], 1, b) for b in (32, 64, 256)]
    print(f"{'data':<8}{'arch':<12}{'ep':>3}{'bs':>5}  {'ours samp/s':>12}"
          f"{'torch samp/s':>13}{'ratio':>7}  {'ours GF/s':>9}{'%peak':>6}"
          f"{'torch GF/s':>11}  {'ours loss':>10}{'torch loss':>11}"
          f"  {'baseline simd':>13}")
    xs = {}
    worst = None
    for csv, hidden, epochs, batch in cfgs:
        if csv not in xs:
            xs[csv] = load(csv)
        x = xs[csv]
        n, d = x.shape
        ours, theirs, base, ratios = [], [], [], []
        for r in range(reps):
            o = run_ours(binary, csv, hidden, epochs, batch, 0, "relu",
                         42 + r)
            t = run_torch(x, hidden, epochs, batch, 0, "relu", 42 + r)
            ob = run_ours(binary, csv, hidden, epochs, batch, 0, "relu",
                          42 + r, simd="baseline")
            ours.append(o)
            theirs.append(t)
            base.append(ob)
            ratios.append(o["samples_per_sec"] / t["samples_per_sec"])
        os_, ts = med(ours, "samples_per_sec"), med(theirs, "samples_per_sec")
        bs_ = med(base, "samples_per_sec")
        ratio = statistics.median(ratios)
        worst = ratio if worst is None else min(worst, ratio)
        fl = train_flops(d, hidden)
        name = "fashion" if csv == fashion_csv else "digits"
        arch = f"{d}>" + ",".join(map(str, hidden))
        print(f"{name:<8}{arch:<12}{epochs:>3}{batch:>5}  {os_:>12.0f}"
              f"{ts:>13.0f}{ratio:>7.2f}  {os_ * fl / 1e9:>9.1f}"
              f"{100 * os_ * fl / 1e9 / peak:>5.0f}%{ts * fl / 1e9:>11.1f}"
              f"  {med(ours, 'final_loss'):>10.4f}"
              f"{med(theirs, 'final_loss'):>11.4f}  {bs_ / os_:>12.2f}x")
    print(f"(baseline simd: samples/s of the engine with its elementwise "
          f"kernels at the x86-64 baseline, relative to the default level; "
          f"worst ratio to PyTorch: {worst:.2f})")
    print()


def run_peak(binary):
    env = dict(os.environ)
    env["OPENBLAS_NUM_THREADS"] = "1"
    out = subprocess.run([binary, "--sgemm-peak"], env=env, check=True,
                         capture_output=True, text=True).stdout
    return float(out.strip().split("=")[1])


def pca_mse(x, k):
    from sklearn.decomposition import PCA
    p = PCA(n_components=k, svd_solver="full").fit(x.astype(np.float64))
    rec = p.inverse_transform(p.transform(x.astype(np.float64)))
    return float(((rec - x) ** 2).mean())


def med(rs, key):
    return statistics.median(r[key] for r in rs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("csv")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--quick", action="store_true",
                    help="fewer repeats and configurations")
    ap.add_argument("--fashion", help="Fashion-MNIST rows as a CSV (label "
                    "last) for the wide network of the training matrix")
    ap.add_argument("--no-quality", action="store_true",
                    help="skip the reconstruction-quality table")
    ap.add_argument("--no-matrix", action="store_true",
                    help="skip the training matrix")
    a = ap.parse_args()
    torch.set_num_threads(1)
    x = load(a.csv)
    n, d = x.shape
    reps = 2 if a.quick else a.repeats
    print(f"data: {a.csv}: {n} rows x {d} features (standardised); "
          f"one thread each; medians of {reps} runs; Adam, "
          f"torch {torch.__version__}")
    print()

    speed_cfgs = [([48, 16], 50, 64, "relu"), ([16], 50, 64, "relu")]
    hdr = (f"{'arch':<10}{'ep':>4}{'bs':>4}  {'ours samp/s':>12}"
           f"{'torch samp/s':>13}{'ratio':>7}  {'ours loss':>10}"
           f"{'torch loss':>11}{'diff%':>7}  {'ours mse':>9}{'torch mse':>10}")
    print("== throughput and loss (same architecture, data, epochs, batch) ==")
    print(hdr)
    for hidden, epochs, batch, act in speed_cfgs:
        ours = [run_ours(a.binary, a.csv, hidden, epochs, batch, 0, act, 42 + r)
                for r in range(reps)]
        theirs = [run_torch(x, hidden, epochs, batch, 0, act, 42 + r)
                  for r in range(reps)]
        os_, ts = med(ours, "samples_per_sec"), med(theirs, "samples_per_sec")
        ol, tl = med(ours, "final_loss"), med(theirs, "final_loss")
        om, tm = med(ours, "mse"), med(theirs, "mse")
        arch = ",".join(map(str, hidden))
        print(f"{arch:<10}{epochs:>4}{batch:>4}  {os_:>12.0f}{ts:>13.0f}"
              f"{os_ / ts:>7.2f}  {ol:>10.4f}{tl:>11.4f}"
              f"{100 * (ol - tl) / tl:>+7.1f}  {om:>9.4f}{tm:>10.4f}")
    print()

    if not a.no_matrix:
        matrix(a.binary, a.csv, a.fashion, reps, a.quick)
    if a.no_quality:
        return 0
    k = 16
    pm = pca_mse(x, k)
    print(f"== in-sample reconstruction MSE (standardised space) vs PCA-{k} ==")
    print(f"PCA-{k}: {pm:.4f} (sklearn, in-sample)")
    # (hidden, epochs, batch, lr (0: default), activation, tied)
    quality_cfgs = [
        ([16], 50, 64, 0, "relu", False),
        ([16], 50, 64, 0, "linear", False),
        ([16], 1000, 64, 0.0003, "linear", False),
        ([16], 1000, 64, 0.0003, "linear", True),
        ([48, 16], 50, 64, 0, "relu", False),
        ([48, 16], 300, 64, 0.003, "relu", False),
        ([48, 16], 300, 64, 0.003, "elu", False),
        ([48, 16], 300, 32, 0.003, "tanh", False),
    ]
    if a.quick:
        quality_cfgs = [quality_cfgs[1], quality_cfgs[3], quality_cfgs[5]]
    print("(a [16] autoencoder has a linear decoder, so its reconstructions lie "
          "in a 16-dim affine subspace,\n where PCA-16 is optimal: ratio 1.00 "
          "is the best it can reach)")
    print(f"{'arch':<10}{'act':<8}{'tied':<5}{'ep':>5}{'bs':>4}{'lr':>7}  "
          f"{'ours mse':>9}{'/PCA':>7}  {'torch mse':>9}{'/PCA':>7}")
    qreps = 1 if a.quick else 3
    for hidden, epochs, batch, lr, act, tied in quality_cfgs:
        ours = [run_ours(a.binary, a.csv, hidden, epochs, batch, lr, act,
                         42 + r, tied) for r in range(qreps)]
        om = med(ours, "mse")
        if tied:
            tcol = f"{'n/a':>9}{'':>7}"
        else:
            theirs = [run_torch(x, hidden, epochs, batch, lr, act, 42 + r)
                      for r in range(qreps)]
            tm = med(theirs, "mse")
            tcol = f"{tm:>9.4f}{tm / pm:>7.3f}"
        arch = ",".join(map(str, hidden))
        lrs = f"{lr:g}" if lr > 0 else "def"
        print(f"{arch:<10}{act:<8}{('yes' if tied else 'no'):<5}{epochs:>5}"
              f"{batch:>4}{lrs:>7}  {om:>9.4f}{om / pm:>7.3f}  {tcol}")


if __name__ == "__main__":
    sys.exit(main())
