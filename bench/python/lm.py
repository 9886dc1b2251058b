#!/usr/bin/python3
"""Python twin of LmBenchmark (case `lm`): the forward of the TorchScript language model in
LAMINA_BENCH_INPUT (bench/python/lm.prepare.sh) on token ids [batch, 128] (default batch 8; the
same seeded ids as the Java side: id = 4 + (i * 7919) % (vocab - 4) over the flat index i), as a
researcher would call it: model(ids) under torch.no_grad().

Writes {"cases": {"forward|batch=<b>": mean ms per call}}.
"""
import argparse
import json
import os
import re
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from harness import measure  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--models", default="")
    ap.add_argument("--batches", default="8")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    d = os.environ["LAMINA_BENCH_INPUT"]
    with open(os.path.join(d, "model.json")) as f:
        manifest = json.load(f)
    model = torch.jit.load(os.path.join(d, manifest["file"]))
    model.eval()
    vocab, seq = manifest["input"]["vocabSize"], manifest["input"]["maxLength"]
    results = {}
    for batch in [int(b) for b in os.environ.get("LAMINA_BENCH_LM_BATCHES", "8").split(",")]:
        ids = (4 + (torch.arange(batch * seq, dtype=torch.int64) * 7919) % (vocab - 4)).reshape(batch, seq)

        def forward():
            with torch.no_grad():
                return model(ids)

        if re.fullmatch(os.environ.get("LAMINA_BENCH_CASES", ".*"), "forward"):
            results[f"forward|batch={batch}"] = measure(forward)
    with open(args.out, "w") as f:
        json.dump({"cases": results, "threads": args.threads, "torch": torch.__version__}, f, indent=1)


if __name__ == "__main__":
    main()
