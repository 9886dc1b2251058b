#!/usr/bin/python3
"""Python twin of NeuronpathBenchmark (case `neuronpath`): NeuronPath's reference loop
(foundation-model-research/NeuronPath path/joint_attr.py, Wang et al. ICLR 2025) for fashion-vit
(L = 6, m = 20), on the same model.pt through its scripted trace(x, replace):

  per block l: a clean forward (the reference reruns it every block), then the m scaled runs
  batched in one forward/backward (the reference's torch.cat of the m steps), the CLS FFN row
  overwritten as x[:, 0] = tmp_score (mask '*P' + addend '+P'); JAS_l, argmax; finally the
  path-score run.

  jasPerImage        one image at a time (reference batch_size 1)
  jasPerImageBatch8  8 images per batch (reference batch_size > 1), time per image

Writes {"cases": {"<benchmark>": mean ms per image}}.
"""
import argparse
import gzip
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from harness import measure, sample_dir  # noqa: E402

M = 20


def load_images(n):
    d = os.path.join(sample_dir("sample:fashion-vit"), "..", "data", "fashion-mnist")
    with gzip.open(os.path.join(d, "test-images-idx3-ubyte.gz")) as f:
        img = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 1, 28, 28)[:n]
    with gzip.open(os.path.join(d, "test-labels-idx1-ubyte.gz")) as f:
        lab = np.frombuffer(f.read(), dtype=np.uint8, offset=8)[:n]
    return torch.from_numpy(img.astype(np.float32) / 255.0), torch.from_numpy(lab.astype(np.int64))


def reference_loop(model, x, y, depth, tokens):
    """The reference's per-batch loop; x [b, 1, 28, 28] normalised, y [b]."""
    b = x.shape[0]
    points = ["blocks.%d.mlp.act" % l for l in range(depth)]
    empty = {"_": torch.zeros(1)}
    alphas = (torch.arange(M, dtype=torch.float32) / M).repeat_interleave(b).unsqueeze(1)  # step-major like torch.cat
    xs = x.repeat(M, 1, 1, 1)
    ys = y.repeat(M)
    path, clean = [], []

    def scaled_run(vectors):
        replace = {}
        leaves = []
        for l, v in enumerate(vectors):
            mask = torch.ones(M * b, tokens, v.shape[1])
            mask[:, 0] = 0
            add = torch.zeros(M * b, tokens, v.shape[1])
            add[:, 0] = v
            add.requires_grad_(True)
            replace["*" + points[l]] = mask
            replace["+" + points[l]] = add
            leaves.append(add)
        out = model.trace(xs, replace)
        prob = torch.softmax(out["logits"], 1).gather(1, ys.unsqueeze(1)).sum()
        return [g[:, 0].reshape(M, b, -1) for g in torch.autograd.grad(prob, leaves)]

    def path_vectors(upto):
        vs = []
        for l in range(upto):
            w = clean[l]
            base = w.clone()
            base[torch.arange(b), path[l]] = 0
            vs.append(base.repeat(M, 1) + alphas * (w - base).repeat(M, 1))
        return vs

    for l in range(depth):
        with torch.no_grad():
            w = model.trace(x, empty)[points[l]][:, 0]  # the reference's clean forward per block
        vs = path_vectors(l)
        vs.append(alphas * w.repeat(M, 1))
        g = scaled_run(vs)
        ja = g[l].sum(0)
        s = w / M
        for lp in range(l):
            ja = ja + g[lp].sum(0).gather(1, path[lp].unsqueeze(1))
            s = s + clean[lp].gather(1, path[lp].unsqueeze(1)) / M
        path.append(torch.argmax(ja * s, dim=-1))
        clean.append(w)
    g = scaled_run(path_vectors(depth))
    gsum = sum(g[l].sum(0).gather(1, path[l].unsqueeze(1)) for l in range(depth))
    ssum = sum(clean[l].gather(1, path[l].unsqueeze(1)) / M for l in range(depth))
    return (gsum * ssum).squeeze(1), torch.stack(path, 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--models")
    ap.add_argument("--batches")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    d = sample_dir("sample:fashion-vit")
    manifest = json.load(open(os.path.join(d, "model.json")))
    model = torch.jit.load(os.path.join(d, "model.pt"), map_location="cpu")
    depth = len([p for p in manifest["probePoints"] if p["name"].endswith(".mlp.act")])
    tokens = [p for p in manifest["probePoints"] if p["name"].endswith(".mlp.act")][0]["shape"][0]
    raw, y = load_images(8)
    x = (raw - manifest["input"]["mean"][0]) / manifest["input"]["std"][0]
    results = {
        "jasPerImage": measure(lambda: reference_loop(model, x[:1], y[:1], depth, tokens)),
        "jasPerImageBatch8": measure(lambda: reference_loop(model, x, y, depth, tokens)) / 8,
    }
    with open(args.out, "w") as f:
        json.dump({"cases": results, "threads": args.threads, "torch": torch.__version__}, f, indent=1)


if __name__ == "__main__":
    main()
