#!/usr/bin/python3
"""Reference values for sql/ae_reference.sql: a small autoencoder's initial
weights and its weights and loss after one epoch, for every activation and
both losses, computed independently of the extension's C code.

Run: /usr/bin/python3 test/reference/ae_reference.py   (needs python3-numpy)
Not run by the tests: its output is committed in test/data/ and the SQL test
compares the extension with it.

Independence: the initial weights come from a transcription of the
documented initialisation (xoshiro256** seeded by splitmix64; He uniform
before relu-family units, Glorot uniform otherwise; zero biases).  The
gradients do not come from a back-propagation written here: they are central
finite differences (h = 1e-6, float64) of the forward pass, so they depend
only on the definitions of the layers, activations and losses.  A wrong
derivative in the extension's back-propagation therefore cannot be repeated
here.

Writes, in test/data/:
  ae_reference_rows.csv     16 rows x 3 features in [0, 1] (the training rows)
  ae_reference_cases.csv    case name, the options the SQL test trains with,
                            and the mean training loss of the epoch
  ae_reference_weights.csv  case, stage (init or epoch1), layer, unit,
                            incoming weights and bias of every unit
"""
import csv
import json
import os

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
data_dir = os.path.join(here, "..", "data")

M64 = (1 << 64) - 1
N, D = 16, 3
HIDDEN = [4, 2]
SEED = 5
LR = 0.1
BATCH = 4
LEAKY_SLOPE = 0.01


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


class Xoshiro256:
    """xoshiro256** seeded by four splitmix64 outputs."""

    def __init__(self, seed):
        st = seed & M64
        self.s = []
        for _ in range(4):
            st, v = splitmix64(st)
            self.s.append(v)

    def next(self):
        s = self.s
        r = (s[1] * 5) & M64
        result = ((((r << 7) | (r >> 57)) & M64) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = ((s[3] << 45) | (s[3] >> 19)) & M64
        return result

    def uniform(self):
        return (self.next() >> 11) * (1.0 / 9007199254740992.0)


def act_fn(name, z):
    if name == "linear":
        return z
    if name == "relu":
        return np.maximum(z, 0)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "elu":
        return np.where(z > 0, z, np.expm1(np.minimum(z, 0)))
    if name == "leaky_relu":
        return np.where(z > 0, z, LEAKY_SLOPE * z)
    raise ValueError(name)


def layer_shapes():
    widths = [D] + HIDDEN
    enc = [(widths[i], widths[i + 1]) for i in range(len(HIDDEN))]
    dec = [(o, i) for (i, o) in reversed(enc)]
    return enc + dec            # (n_in, n_out) per layer


def init_params(act, out_act):
    """Weights (n_out x n_in) and zero biases per layer, as the engine draws them."""
    rng = Xoshiro256(SEED ^ 0x5EEDC0DE1A7E5)
    shapes = layer_shapes()
    ws, bs = [], []
    for l, (n_in, n_out) in enumerate(shapes):
        a = out_act if l == len(shapes) - 1 else act
        if a in ("relu", "elu", "leaky_relu"):
            limit = np.sqrt(6.0 / n_in)
        else:
            limit = np.sqrt(6.0 / (n_in + n_out))
        w = np.array([(2.0 * rng.uniform() - 1.0) * limit for _ in range(n_in * n_out)])
        ws.append(w.reshape(n_out, n_in))
        bs.append(np.zeros(n_out))
    return ws, bs


def loss_of(ws, bs, x, act, out_act, loss):
    """Mean loss of rows x (targets x) by the forward definitions alone."""
    h = x
    L = len(ws)
    for l in range(L):
        z = h @ ws[l].T + bs[l]
        if l == L - 1:
            if loss == "bce":
                # from logits: max(z, 0) - z t + log(1 + exp(-|z|))
                return np.mean(np.maximum(z, 0) - z * x + np.log1p(np.exp(-np.abs(z))))
            return np.mean((act_fn(out_act, z) - x) ** 2)
        h = act_fn(act, z)


def nearest_kink(ws, bs, x, act):
    """Smallest |pre-activation| of the hidden units (relu kinks at 0)."""
    h = x
    least = np.inf
    for l in range(len(ws) - 1):
        z = h @ ws[l].T + bs[l]
        least = min(least, np.min(np.abs(z)))
        h = act_fn(act, z)
    return least


def numeric_grad(ws, bs, x, act, out_act, loss, h=1e-6):
    gws = [np.zeros_like(w) for w in ws]
    gbs = [np.zeros_like(b) for b in bs]
    for params, grads in ((ws, gws), (bs, gbs)):
        for p, g in zip(params, grads):
            flat, gflat = p.reshape(-1), g.reshape(-1)
            for i in range(flat.size):
                keep = flat[i]
                flat[i] = keep + h
                fp = loss_of(ws, bs, x, act, out_act, loss)
                flat[i] = keep - h
                fm = loss_of(ws, bs, x, act, out_act, loss)
                flat[i] = keep
                gflat[i] = (fp - fm) / (2 * h)
    return gws, gbs


def rows():
    """16 x 3 values in [0, 1], as float32 (the aggregate keeps real)."""
    x = np.array([[((i * 37 + j * 17 + 5) % 97) / 96.0 for j in range(D)] for i in range(N)])
    return x.astype(np.float32).astype(np.float64)


def main():
    x_raw = rows()
    cases = []
    weights = []
    for loss in ("mse", "bce"):
        for act in ("linear", "relu", "sigmoid", "tanh", "elu", "leaky_relu"):
            out_act = "sigmoid" if loss == "bce" else "linear"
            scale = "none" if loss == "bce" else "standard"
            if scale == "standard":
                # sample standard deviation (n-1), like the extension
                x = (x_raw - x_raw.mean(axis=0)) / x_raw.std(axis=0, ddof=1)
            else:
                x = x_raw.copy()
            ws, bs = init_params(act, out_act)
            name = f"{act}/{loss}"
            for l, w in enumerate(ws):
                for u in range(w.shape[0]):
                    weights.append((name, "init", l + 1, u + 1, w[u].copy(), 0.0))
            total = 0.0
            for b0 in range(0, N, BATCH):
                xb = x[b0:b0 + BATCH]
                # finite differences are only defined away from a kink
                # (relu and leaky_relu at 0), where the engine's convention
                # (slope of the left side) and the difference quotient part
                if act in ("relu", "leaky_relu") and nearest_kink(ws, bs, xb, act) < 1e-4:
                    raise SystemExit(f"{name}: a pre-activation within 1e-4 of the kink; choose another SEED")
                total += loss_of(ws, bs, xb, act, out_act, loss) * len(xb)
                gws, gbs = numeric_grad(ws, bs, xb, act, out_act, loss)
                for p, g in zip(ws + bs, gws + gbs):
                    p -= LR * g
            for l, (w, b) in enumerate(zip(ws, bs)):
                for u in range(w.shape[0]):
                    weights.append((name, "epoch1", l + 1, u + 1, w[u].copy(), b[u]))
            options = {"hidden": HIDDEN, "activation": act, "loss": loss,
                       "output_activation": out_act, "scale": scale,
                       "optimizer": "sgd", "learning_rate": LR, "batch_size": BATCH,
                       "shuffle": False, "seed": SEED, "epochs": 1}
            cases.append((name, json.dumps(options), total / N))

    def arr(v):
        return "{" + ",".join(repr(float(t)) for t in v) + "}"

    with open(os.path.join(data_dir, "ae_reference_rows.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "features"])
        for i, r in enumerate(x_raw):
            w.writerow([i + 1, arr(r)])
    with open(os.path.join(data_dir, "ae_reference_cases.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "options", "loss"])
        for c in cases:
            w.writerow([c[0], c[1], repr(float(c[2]))])
    with open(os.path.join(data_dir, "ae_reference_weights.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "stage", "layer", "unit", "weights", "bias"])
        for r in weights:
            w.writerow([r[0], r[1], r[2], r[3], arr(r[4]), repr(float(r[5]))])


if __name__ == "__main__":
    main()
