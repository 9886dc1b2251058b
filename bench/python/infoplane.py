#!/usr/bin/python3
"""Python twin of InfoplaneBenchmark (case `infoplane`): MI of every layer on the same
activations, with numpy implementations of the reference estimators:

  binningAllLayers  IDNNs-style binning (np.digitize on 30 edges over [-1, 1], rows made
                    contiguous and hashed with np.unique(..., axis=0) as the reference does)
  kdeAllLayers      Saxe et al.'s kde.py upper bound (pairwise squared distances, logsumexp),
                    written with numpy/scipy as a researcher would

Writes {"cases": {"<benchmark>": mean ms per call}}.
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from harness import measure  # noqa: E402


def entropy_of_rows(rows):
    _, counts = np.unique(rows, axis=0, return_counts=True)
    p = counts / counts.sum()
    return -np.sum(p * np.log2(p))


def binning(t, y, bins=30):
    edges = np.linspace(-1, 1, bins)
    digitized = np.clip(np.digitize(t, edges), 1, bins - 1)
    h_t = entropy_of_rows(digitized)
    h_t_given_y = 0.0
    for c in np.unique(y):
        mask = y == c
        h_t_given_y += mask.mean() * entropy_of_rows(digitized[mask])
    return h_t, h_t - h_t_given_y


def logsumexp(a, axis):
    m = a.max(axis=axis, keepdims=True)
    return (m + np.log(np.exp(a - m).sum(axis=axis, keepdims=True))).squeeze(axis)


def kde_entropy_upper(t, var):
    n, d = t.shape
    sq = (t * t).sum(1)
    dists = sq[:, None] + sq[None, :] - 2 * t @ t.T
    lprobs = logsumexp(-dists / (2 * var), axis=1) - np.log(n)
    return d / 2.0 + d / 2.0 * np.log(2 * np.pi * var) - lprobs.mean()


def kde(t, y, var=1e-3):
    n, d = t.shape
    h = kde_entropy_upper(t, var)
    h_given_x = d / 2.0 * (np.log(2 * np.pi * var) + 1)
    h_given_y = sum((y == c).mean() * kde_entropy_upper(t[y == c], var) for c in np.unique(y))
    return (h - h_given_x) / np.log(2), (h - h_given_y) / np.log(2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--models")
    ap.add_argument("--batches")
    args = ap.parse_args()
    data = np.load(os.environ["LAMINA_BENCH_INPUT"])
    # layers are named as in infoplane.json: layer1 ... layerK, then softmax
    layers = [data[f"layer{i}"].astype(np.float64) for i in range(1, 100) if f"layer{i}" in data]
    layers.append(data["softmax"].astype(np.float64))
    y = data["labels"]
    results = {
        "binningAllLayers": measure(lambda: [binning(t, y) for t in layers]),
        "kdeAllLayers": measure(lambda: [kde(t, y) for t in layers]),
    }
    with open(args.out, "w") as f:
        json.dump({"cases": results, "threads": args.threads, "numpy": np.__version__}, f, indent=1)


if __name__ == "__main__":
    main()
