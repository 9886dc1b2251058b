#!/usr/bin/python3
"""Python twin of LmprobeBenchmark (case `lmprobe`, issue #19): concept-depth feature extraction
from a decoder LM as the Concept-Depth repository (Luckfort/CD) does it — a forward per batch
that returns every hidden state, then each layer's state at the last token — on the same
TorchScript file (sample-models/tiny-llama/model.pt) and the same 512 texts
($LAMINA_BENCH_INPUT/texts.txt). Texts go in file order in batches of LAMINA_BENCH_LMPROBE_BATCH
(default 64), right-padded with the pad id, BOS in front; tokenisation is tiny-llama's
word-level vocabulary over HF's Whitespace split (\\w+|[^\\w\\s]+); the last real token is
gathered with lengths - 1 (right padding). `model.trace` is the file's hidden-states call (all
probe points). Points: embed, blocks.0, blocks.1 (Lamina's default for LMs).

Writes {"cases": {"extract|model=sample:tiny-llama": mean ms per call}}.
"""
import argparse
import json
import os
import re
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from harness import measure, sample_dir  # noqa: E402

POINTS = ["embed", "blocks.0", "blocks.1"]
WORD = re.compile(r"\w+|[^\w\s]+")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--models", default="")
    ap.add_argument("--batches", default="")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    d = sample_dir("sample:tiny-llama")
    manifest = json.load(open(os.path.join(d, "model.json")))
    vocab = json.load(open(os.path.join(d, "tokenizer.json")))["model"]["vocab"]
    bos, pad = manifest["tokenizer"]["bosId"], manifest["tokenizer"]["padId"]
    model = torch.jit.load(os.path.join(d, manifest["file"]))
    model.eval()
    texts = [t for t in open(os.path.join(os.environ["LAMINA_BENCH_INPUT"], "texts.txt")).read().split("\n") if t]
    batch = int(os.environ.get("LAMINA_BENCH_LMPROBE_BATCH", "64"))
    dummy = {"_": torch.zeros(1)}

    def extract():
        feats = {p: [] for p in POINTS}
        for s in range(0, len(texts), batch):
            rows = [[bos] + [vocab[w] for w in WORD.findall(t)] for t in texts[s:s + batch]]
            lengths = torch.tensor([len(r) for r in rows])
            ids = torch.full((len(rows), int(lengths.max())), pad, dtype=torch.int64)
            for i, r in enumerate(rows):
                ids[i, :len(r)] = torch.tensor(r)
            with torch.no_grad():
                hidden = model.trace(ids, dummy)
            at = torch.arange(len(rows))
            for p in POINTS:
                feats[p].append(hidden[p][at, lengths - 1].numpy())
        return {p: np.concatenate(v) for p, v in feats.items()}

    results = {}
    if re.fullmatch(os.environ.get("LAMINA_BENCH_CASES", ".*"), "extract"):
        results["extract|model=sample:tiny-llama"] = measure(extract)
    with open(args.out, "w") as f:
        json.dump({"cases": results, "threads": args.threads, "torch": torch.__version__, "batch": batch}, f, indent=1)


if __name__ == "__main__":
    main()
