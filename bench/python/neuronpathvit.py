#!/usr/bin/python3
"""Python twin of NeuronpathvitBenchmark (case `neuronpathvit`: the `neuronpath` case at ViT-B/16
shapes): NeuronPath's reference loop (path/joint_attr.py, as in neuronpath.py) on the model and
image made by neuronpathvit.prepare.sh (LAMINA_BENCH_INPUT), m = LAMINA_BENCH_NP_STEPS (default
20): per block a clean forward and the m scaled runs in one batched forward/backward, then the
path-score run. Writes {"cases": {"jasPerImage": ms per image}}.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
import neuronpath  # noqa: E402
from harness import measure  # noqa: E402


def load(folder):
    d = os.path.join(folder, "vit-b16")
    manifest = json.load(open(os.path.join(d, "model.json")))
    model = torch.jit.load(os.path.join(d, "model.pt"), map_location="cpu")
    img = np.asarray(Image.open(os.path.join(folder, "images", "c0", "0.png")).convert("RGB"), dtype=np.float32) / 255.0
    x = torch.from_numpy(img).permute(2, 0, 1).unsqueeze(0)
    mean = torch.tensor(manifest["input"]["mean"]).view(1, 3, 1, 1)
    std = torch.tensor(manifest["input"]["std"]).view(1, 3, 1, 1)
    ffn = [p for p in manifest["probePoints"] if p["name"].endswith(".mlp.act")]
    return model, (x - mean) / std, len(ffn), ffn[0]["shape"][0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--models")
    ap.add_argument("--batches")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    neuronpath.M = int(os.environ.get("LAMINA_BENCH_NP_STEPS", "20"))
    model, x, depth, tokens = load(os.environ["LAMINA_BENCH_INPUT"])
    y = torch.tensor([0])
    results = {"jasPerImage": measure(lambda: neuronpath.reference_loop(model, x, y, depth, tokens))}
    with open(args.out, "w") as f:
        json.dump({"cases": results, "threads": args.threads, "torch": torch.__version__, "steps": neuronpath.M}, f, indent=1)


if __name__ == "__main__":
    main()
