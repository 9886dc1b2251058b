#!/usr/bin/python3
"""Python twin of CraftBenchmark (case `craft`): the reference CRAFT pipeline (deel-ai/Craft's
craft_torch.py) on the same TorchScript file, data and masks as Lamina's:

  endToEnd  crops (unfold, size 10, stride 8, bilinear resize back to 28) -> g = stage3 through the
            model's scripted trace() -> spatial mean -> sklearn NMF(10) (init nndsvda, cd, tol 1e-4,
            max_iter 200) -> nmf.transform of every image's 7x7 map -> Sobol total indices with the
            unscrambled Halton masks [A; C1..Cr] (B skipped as in Lamina; N = 32) and the Jansen
            estimator, h evaluated from stage3 with run_from(). As the reference's Craft class
            does: batches of its default batch_size (64) for g and for h, and each image's
            perturbed maps built in numpy ((u * masks) @ W, moved to channels-first).
  nmf       sklearn NMF of the A in LAMINA_BENCH_INPUT (relative error written to the JSON)

Class 0 of sample:fashion-train, first LAMINA_BENCH_CRAFT_IMAGES images (default 40).
Writes {"cases": {"endToEnd": ms, "nmf": ms}, "nmfRelativeError": ..., ...}.
"""
import argparse
import gzip
import json
import os
import sys
import warnings

import numpy as np
import torch
from scipy.stats import qmc
from sklearn.decomposition import NMF

sys.path.insert(0, os.path.dirname(__file__))
from harness import measure, sample_dir  # noqa: E402

warnings.filterwarnings("ignore")
RANK, DESIGNS, PATCH, CLASS = 10, 32, 10, 0
BATCH = 64  # deel-ai/Craft's default batch_size (Craft.__init__), used for g and for h


def load_class_images(count):
    root = os.path.join(os.environ.get("LAMINA_SAMPLES", os.path.join(os.path.dirname(__file__), "..", "..", "sample-models")),
                        "data", "fashion-mnist")
    with gzip.open(os.path.join(root, "train-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    with gzip.open(os.path.join(root, "train-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    idx = np.nonzero(labels == CLASS)[0][:count]
    return images[idx].astype(np.float32) / 255.0


class Pipeline:
    def __init__(self, images):
        d = sample_dir("sample:fashion-cnn")
        with open(os.path.join(d, "model.json")) as f:
            mf = json.load(f)
        self.model = torch.jit.load(os.path.join(d, "model.pt")).eval()
        self.point = "stage3"
        self.index = torch.tensor(list(self.model.probe_points()).index(self.point))
        self.dummy = {"_": torch.zeros(1)}
        mean, std = mf["input"]["mean"][0], mf["input"]["std"][0]
        self.x = torch.from_numpy((images - mean) / std)
        self.batch = BATCH

    def g(self, x):
        out = []
        with torch.no_grad():
            for i in range(0, len(x), self.batch):
                out.append(self.model.trace(x[i:i + self.batch], self.dummy)[self.point])
        return torch.cat(out)

    def h(self, a):
        with torch.no_grad():
            return self.model.run_from(self.index, a, self.dummy)["logits"]

    def run(self):
        x = self.x
        strides = int(PATCH * 0.8)
        patches = torch.nn.functional.unfold(x, kernel_size=PATCH, stride=strides)
        patches = patches.transpose(1, 2).contiguous().view(-1, 1, PATCH, PATCH)
        patches = torch.nn.functional.interpolate(patches, size=28, mode="bilinear", align_corners=False)
        acts = self.g(patches)
        assert torch.min(acts) >= 0.0
        a = torch.mean(acts, dim=(2, 3)).numpy()
        nmf = NMF(n_components=RANK)
        nmf.fit_transform(a)
        w = nmf.components_.astype(np.float32)
        maps = self.g(x).permute(0, 2, 3, 1)
        n, hh, ww, c = maps.shape
        u_all = nmf.transform(maps.reshape(-1, c).numpy()).reshape(n, hh, ww, RANK).astype(np.float32)
        halton = qmc.Halton(2 * RANK, scramble=False).random(DESIGNS).astype(np.float32)
        a_m, b_m = halton[:, :RANK], halton[:, RANK:]
        cs = []
        for i in range(RANK):
            ci = a_m.copy()
            ci[:, i] = b_m[:, i]
            cs.append(ci)
        masks = np.concatenate([a_m] + cs)
        importances = []
        for u in u_all:
            up = u[None, :] * masks[:, None, None, :]
            ap = np.reshape(up, (-1, RANK)) @ w
            ap = np.moveaxis(np.reshape(ap, (len(masks), hh, ww, -1)), -1, 1)
            y = torch.cat([self.h(torch.tensor(ap[i:i + self.batch])) for i in range(0, len(ap), self.batch)])
            y = y[:, CLASS].numpy().astype(np.float64)
            fa = y[:DESIGNS]
            var = max(np.sum((fa - fa.mean()) ** 2) / (DESIGNS - 1), 1e-12)
            importances.append([np.sum((fa - y[(1 + i) * DESIGNS:(2 + i) * DESIGNS]) ** 2) / (2 * DESIGNS * var)
                                for i in range(RANK)])
        return np.mean(importances, axis=0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--models")
    ap.add_argument("--batches")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    count = int(os.environ.get("LAMINA_BENCH_CRAFT_IMAGES", "40"))
    pipeline = Pipeline(load_class_images(count))
    a = np.load(os.environ["LAMINA_BENCH_INPUT"])["A"]
    last = {}

    def nmf():
        m = NMF(n_components=RANK)
        u = m.fit_transform(a)
        last["error"] = float(np.linalg.norm(a - u @ m.components_) / np.linalg.norm(a))
        last["iterations"] = int(m.n_iter_)

    results = {"endToEnd": measure(pipeline.run), "nmf": measure(nmf)}
    with open(args.out, "w") as f:
        json.dump({"cases": results, "threads": args.threads, "nmfRelativeError": last["error"],
                   "nmfIterations": last["iterations"], "images": count, "torch": torch.__version__}, f, indent=1)
    print(f"craft python: nmf relative error {last['error']:.6f} after {last['iterations']} iterations", file=sys.stderr)


if __name__ == "__main__":
    main()
