#!/usr/bin/python3
"""Golden features for TextFeatureExtractorTest, computed independently of Lamina: the bundled
tiny-llama TorchScript file run with PyTorch on each sentence alone (unpadded, batch 1, no
Lamina code), tokenised by hand from tokenizer.json (WordLevel over a Whitespace pre-tokenizer,
BOS id 1 in front as model.json says), the hidden state at the last token and the mean over the
tokens at embed, blocks.0, blocks.1. Run: /usr/bin/python3 make_golden.py > golden-tiny-llama.json
"""
import json
import os
import re

import torch

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../../../sample-models/tiny-llama")
tok = json.load(open(os.path.join(root, "tokenizer.json")))
vocab = tok["model"]["vocab"]
model = torch.jit.load(os.path.join(root, "model.pt"))
model.eval()
SENTENCES = [
    "The capital of France is Paris .",
    "the cat sat on the mat , and it was big ?",
    "One two three",
]
POINTS = ["embed", "blocks.0", "blocks.1"]
out = {"sentences": SENTENCES, "points": POINTS, "ids": [], "last": {p: [] for p in POINTS},
       "mean": {p: [] for p in POINTS}}
for s in SENTENCES:
    # HF's Whitespace pre-tokenizer: \w+|[^\w\s]+
    ids = [1] + [vocab[w] for w in re.findall(r"\w+|[^\w\s]+", s)]
    out["ids"].append(ids)
    with torch.no_grad():
        tr = model.trace(torch.tensor([ids], dtype=torch.int64), {"_": torch.zeros(1)})
    for p in POINTS:
        h = tr[p][0]
        out["last"][p].append([float(v) for v in h[-1]])
        out["mean"][p].append([float(v) for v in h.mean(0)])
print(json.dumps(out))
