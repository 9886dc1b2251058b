#!/usr/bin/python3
"""Python twin of RunnerBenchmark (case `runner`): the same TorchScript files, inputs and work,
done the way a researcher would in PyTorch.

  forward                 model(x) under torch.no_grad()
  forwardCaptureAll       every probe point at once (model.trace, the hook-equivalent) under no_grad
  forwardBackwardToPoint  d softmax[:, 0].sum() / d activation at the middle startable point,
                          with torch.autograd.grad through a zero perturbation at that point

--device cuda runs it on the GPU (bench/gpu/check.sh): every tensor is made there and each call
ends with torch.cuda.synchronize(), so the time is the kernels' and not just their launch.

Prints nothing but writes {"cases": {"<benchmark>|model=<m>|batch=<b>": mean ms per call}}.
"""
import argparse
import json
import os
import re
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(__file__))
from harness import measure, sample_dir  # noqa: E402

CASES = ("forward", "forwardCaptureAll", "forwardBackwardToPoint")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--models", default="sample:fashion-cnn,sample:fashion-vit")
    ap.add_argument("--batches", default="1,32,256")
    ap.add_argument("--out", required=True)
    ap.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    torch.manual_seed(1)
    results = {}
    for model_arg in args.models.split(","):
        d = sample_dir(model_arg)
        with open(os.path.join(d, "model.json")) as f:
            manifest = json.load(f)
        model = torch.jit.load(os.path.join(d, manifest["file"]), map_location=device)
        model.eval()
        for p in model.parameters():
            p.requires_grad_(False)
        startable = [p["name"] for p in manifest["probePoints"] if p.get("startable")]
        point = startable[len(startable) // 2]
        shape = next(p["shape"] for p in manifest["probePoints"] if p["name"] == point)
        dummy = {"_": torch.zeros(1, device=device)}
        for batch in [int(b) for b in args.batches.split(",")]:
            x = torch.randn(batch, *manifest["input"]["shape"]).to(device)

            def forward():
                with torch.no_grad():
                    return model(x)

            def capture_all():
                with torch.no_grad():
                    return model.trace(x, dummy)

            def backward_to_point():
                leaf = torch.zeros(batch, *shape, device=device, requires_grad=True)
                out = model.trace(x, {"_": dummy["_"], "+" + point: leaf})
                objective = out["logits"].softmax(1)[:, 0].sum()
                return torch.autograd.grad(objective, leaf)[0]

            for name, fn in zip(CASES, (forward, capture_all, backward_to_point)):
                if not re.fullmatch(os.environ.get("LAMINA_BENCH_CASES", ".*"), name):
                    continue
                results[f"{name}|model={model_arg}|batch={batch}"] = measure(lambda fn=fn: (fn(), sync()))
    with open(args.out, "w") as f:
        json.dump({"cases": results, "threads": args.threads, "device": str(device), "torch": torch.__version__,
                   "torchPath": os.path.dirname(torch.__file__)}, f, indent=1)


if __name__ == "__main__":
    main()
