#!/usr/bin/python3
"""Exports a torchvision classifier with random weights (seeded) in Lamina's convention, for the
`runner` case of bench/compare.sh: `export_torchvision.py resnet50 OUTDIR`. Never committed;
compare.sh writes it into its temp folder (LAMINA_BENCH_MODELS=torchvision:resnet50)."""
import os
import sys

import torch
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from lamina_export import export  # noqa: E402

# "auto" (graph export) rather than the hand-written "resnet" kind: its references are computed
# without oneDNN, whose convolution input gradients on Debian's torch 1.13 here are ~1 % off and
# failed the export's own check (grad.input 6.9e-6 vs tolerance 1.0e-6 on resnet50)
KINDS = {"resnet18": "auto", "resnet34": "auto", "resnet50": "auto", "resnet101": "auto"}


def main():
    name, out = sys.argv[1], sys.argv[2]
    if name not in KINDS:
        raise SystemExit("export_torchvision.py: %s is not one of %s" % (name, sorted(KINDS)))
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(num_classes=1000)  # random weights: nothing is downloaded
    model.eval()
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    x = torch.randn(2, 3, 224, 224)
    export(model, out, name=name, kind=KINDS[name], input_shape=(3, 224, 224),
           labels=["class %d" % i for i in range(1000)], mean=mean, std=std, reference_inputs=x,
           description="torchvision %s, random weights (benchmark only)" % name,
           command="bench/python/export_torchvision.py %s OUTDIR" % name)
    print(out)


if __name__ == "__main__":
    main()
