#!/usr/bin/env bash
# Makes the input of case `neuronpathvit` (the `neuronpath` case at ViT-B/16 shapes): a SimpleViT
# (timm layout) at 224 × 224, patch 16, dim 768, depth 12, 12 heads, MLP 3072, 1,000 classes,
# random weights (torch seed 0), exported with tools/lamina_export.py (kind vit, ~350 MB — never
# commit it), plus an image folder with one random 224 × 224 RGB image in class folder c0.
# Usage: bench/python/neuronpathvit.prepare.sh TMPDIR  → prints TMPDIR/prepare (LAMINA_BENCH_INPUT):
#   TMPDIR/prepare/vit-b16/{model.pt,model.json}, TMPDIR/prepare/images/c0/0.png
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$1/prepare"
mkdir -p "$out"
if [ ! -f "$out/vit-b16/model.json" ]; then
  PYTHONHASHSEED=0 /usr/bin/python3 - "$root" "$out" >&2 <<'PY'
import os, sys
import numpy as np
import torch
from PIL import Image
root, out = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(root, "tools"))
import lamina_export as le
torch.manual_seed(0)
vit = le.SimpleViT(img_size=224, in_chans=3, patch_size=16, dim=768, depth=12, num_heads=12,
                   mlp_ratio=4.0, num_classes=1000)
labels = ["c%d" % i for i in range(1000)]
mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
x = torch.rand(1, 3, 224, 224, generator=torch.Generator().manual_seed(1))
le.export(vit, os.path.join(out, "vit-b16"), name="vit-b16-random", kind="vit", input_shape=(3, 224, 224),
          labels=labels, mean=mean, std=std, reference_inputs=x,
          description="ViT-B/16 shapes (timm layout), random weights (seed 0): a benchmark input, not a trained model",
          command="bench/python/neuronpathvit.prepare.sh")
os.makedirs(os.path.join(out, "images", "c0"), exist_ok=True)
img = (x[0].permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
Image.fromarray(img).save(os.path.join(out, "images", "c0", "0.png"))
PY
fi
echo "$out"
