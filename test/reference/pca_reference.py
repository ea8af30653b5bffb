#!/usr/bin/python3
"""Reference PCA values for the regression tests, computed with scikit-learn.

Reads test/data/breast_cancer.csv and writes, next to it:
  breast_cancer_pca_ref.csv   every component of the standardised data:
                              eigenvalue (n-1 divisor), variance ratio,
                              cumulative ratio, loadings
  breast_cancer_rows_ref.csv  per row: code and reconstruction error with
                              5 components (standard scaling), the whitened
                              code, and the error with 3 components and
                              centring only
  breast_cancer_cutoff_ref.csv components kept for several variance shares

"standard" scaling divides by the sample standard deviation (n-1), like R's
scale() and prcomp(scale. = TRUE).  Signs follow the extension's convention:
the largest-magnitude loading of each component is positive.

Run: /usr/bin/python3 test/reference/pca_reference.py
"""
import csv
import os

import numpy as np
from sklearn.decomposition import PCA

here = os.path.dirname(os.path.abspath(__file__))
data_dir = os.path.join(here, "..", "data")


def arr(v):
    return "{" + ",".join(repr(float(x)) for x in v) + "}"


def flip(pca):
    """Make each component's largest-magnitude loading positive."""
    comps = pca.components_.copy()
    for i, c in enumerate(comps):
        if c[np.argmax(np.abs(c))] < 0:
            comps[i] = -c
    return comps


ids, X = [], []
with open(os.path.join(data_dir, "breast_cancer.csv")) as f:
    for row in csv.DictReader(f):
        ids.append(int(row["id"]))
        X.append([float(v) for v in row["features"].strip("{}").split(",")])
X = np.array(X)
mean = X.mean(axis=0)
sd = X.std(axis=0, ddof=1)
sd[sd == 0] = 1.0
Z = (X - mean) / sd
C = X - mean

full = PCA(svd_solver="full").fit(Z)
comps = flip(full)
with open(os.path.join(data_dir, "breast_cancer_pca_ref.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["component", "eigenvalue", "variance_ratio", "cumulative", "loadings"])
    cum = np.cumsum(full.explained_variance_ratio_)
    for i in range(Z.shape[1]):
        w.writerow([i + 1, repr(full.explained_variance_[i]),
                    repr(full.explained_variance_ratio_[i]), repr(cum[i]), arr(comps[i])])


def fit_k(data, k):
    p = PCA(n_components=k, svd_solver="full").fit(data)
    V = flip(p)
    code = (data - p.mean_) @ V.T
    recon = code @ V + p.mean_
    err = ((data - recon) ** 2).mean(axis=1)
    return p, code, err


p5, code5, err5 = fit_k(Z, 5)
white5 = code5 / np.sqrt(p5.explained_variance_)
_, _, err3c = fit_k(C, 3)
with open(os.path.join(data_dir, "breast_cancer_rows_ref.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id", "score_k5", "code_k5", "white_k5", "score_center_k3"])
    for i, rid in enumerate(ids):
        w.writerow([rid, repr(err5[i]), arr(code5[i]), arr(white5[i]), repr(err3c[i])])

with open(os.path.join(data_dir, "breast_cancer_cutoff_ref.csv"), "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["variance", "components"])
    for r in (0.5, 0.8, 0.9, 0.95, 0.99):
        w.writerow([r, PCA(n_components=r, svd_solver="full").fit(Z).n_components_])
