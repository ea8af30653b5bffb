#!/usr/bin/python3
"""Reference negative ELBO of a variational autoencoder on digits, with PyTorch.

Trains the VAE that test/scripts/vae_reference.sh trains in the extension,
with the same architecture, objective, optimiser, batch size and epochs:

  data       test/data/digits.csv, the 64 pixels divided by 16 (in [0, 1])
  encoder    64 -> 32 (relu) -> mu (4, linear) and log sigma^2 (4, linear,
             from the 32 units)
  decoder    4 -> 32 (relu) -> 64 (sigmoid): a Bernoulli decoder
  objective  per row: binary cross-entropy summed over the 64 pixels plus
             KL(N(mu, sigma^2) || N(0, I)) (beta 1), averaged over the batch
  optimiser  Adam, learning rate 0.001, batches of 64 rows shuffled every
             epoch, 30 epochs

and reports, for seeds 1..5, the mean negative ELBO of the training rows
after training (16 samples of the code per row) and the mean training loss
of the last epoch.  The extension's initial weights, shuffling and noise
differ (different generators), so the two are compared as distributions:
the script writes test/reference/vae_reference.out, which
test/scripts/vae_reference.sh reads.

Run: /usr/bin/python3 test/reference/vae_reference.py
"""
import csv
import os

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

here = os.path.dirname(os.path.abspath(__file__))
data_path = os.path.join(here, "..", "data", "digits.csv")
out_path = os.path.join(here, "vae_reference.out")

EPOCHS = 30
BATCH = 64
LR = 1e-3
HIDDEN = 32
CODE = 4
SAMPLES = 16
SEEDS = [1, 2, 3, 4, 5]


class VAE(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.enc = nn.Linear(d, HIDDEN)
        self.mu = nn.Linear(HIDDEN, CODE)
        self.logvar = nn.Linear(HIDDEN, CODE)
        self.dec1 = nn.Linear(CODE, HIDDEN)
        self.dec2 = nn.Linear(HIDDEN, d)

    def encode(self, x):
        h = F.relu(self.enc(x))
        return self.mu(h), self.logvar(h)

    def decode_logits(self, z):
        return self.dec2(F.relu(self.dec1(z)))


def neg_elbo(model, x, eps):
    """Per-row BCE summed over features plus KL, averaged over rows."""
    mu, lv = model.encode(x)
    z = mu + torch.exp(0.5 * lv) * eps
    logits = model.decode_logits(z)
    recon = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
    kl = 0.5 * (mu.pow(2) + lv.exp() - 1 - lv).sum(1)
    return (recon + kl).mean()


def main():
    with open(data_path) as f:
        rows = list(csv.reader(f))[1:]
    x = torch.tensor(np.array([[float(v) / 16.0 for v in r[:64]] for r in rows]),
                     dtype=torch.float32)
    n = x.shape[0]
    torch.set_num_threads(1)
    results = []
    for seed in SEEDS:
        torch.manual_seed(seed)
        model = VAE(64)
        opt = torch.optim.Adam(model.parameters(), lr=LR)
        last = 0.0
        for _ in range(EPOCHS):
            perm = torch.randperm(n)
            total = 0.0
            for b in range(0, n, BATCH):
                xb = x[perm[b:b + BATCH]]
                loss = neg_elbo(model, xb, torch.randn(xb.shape[0], CODE))
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += loss.item() * xb.shape[0]
            last = total / n
        with torch.no_grad():
            ev = np.mean([neg_elbo(model, x, torch.randn(n, CODE)).item()
                          for _ in range(SAMPLES)])
        results.append((seed, ev, last))
    with open(out_path, "w") as f:
        f.write("# PyTorch %s, written by test/reference/vae_reference.py\n" % torch.__version__)
        f.write("# seed, mean negative ELBO after training (16 samples/row), last epoch's training loss\n")
        for seed, ev, last in results:
            f.write("%d %.4f %.4f\n" % (seed, ev, last))
    for r in results:
        print("seed %d: neg ELBO %.4f, last epoch loss %.4f" % r)


if __name__ == "__main__":
    main()
