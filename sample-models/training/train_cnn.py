#!/usr/bin/python3
"""Train the staged CNN sample models (fashion-cnn, mnist-cnn) on CPU and export them.

Exact commands (from the repository root, after sample-models/data/extract_subsets.py):

    /usr/bin/python3 sample-models/training/train_cnn.py --dataset fashion
    /usr/bin/python3 sample-models/training/train_cnn.py --dataset mnist

Architecture: nn.Sequential(OrderedDict) whose children are the Lamina probe points
    stage1  Conv(1->32,3x3,p1) ReLU Conv(32->32) ReLU MaxPool2      -> 32x14x14
    stage2  Conv(32->64) ReLU Conv(64->64) ReLU MaxPool2             -> 64x7x7
    stage3  Conv(64->128,3x3,p1) ReLU                                -> 128x7x7 (post-ReLU)
    gap     AdaptiveAvgPool2d(1) Flatten                             -> 128
    fc      Linear(128->10)
No BatchNorm and no Dropout: train/eval behaviour is identical (the Java side runs the
TorchScript module in training mode to get gradients).
"""
import argparse
import os
import sys
from collections import OrderedDict

# libgomp: sleep instead of spin-waiting, so that other processes on a small shared machine do
# not slow training down by an order of magnitude (set before torch is imported).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

DEFAULTS = {  # per data set: epochs, batch, lr, flip
    "fashion": dict(epochs=24, batch=128, lr=2e-3, flip=True),
    "mnist": dict(epochs=20, batch=64, lr=2e-3, flip=False),
}


def build_cnn(num_classes=10):
    model = nn.Sequential(OrderedDict([
        ("stage1", nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2))),
        ("stage2", nn.Sequential(
            nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
            nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(),
            nn.MaxPool2d(2))),
        ("stage3", nn.Sequential(
            nn.Conv2d(64, 128, 3, padding=1), nn.ReLU())),
        ("gap", nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())),
        ("fc", nn.Linear(128, num_classes)),
    ]))
    # He (Kaiming) initialisation: without BatchNorm, PyTorch's default conv init shrinks the
    # signal through the five ReLU convs and training starts very slowly.
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
            nn.init.zeros_(m.bias)
    return model


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", choices=sorted(DEFAULTS), required=True)
    ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument("--batch", type=int, default=None)
    ap.add_argument("--lr", type=float, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=None, help="output dir (default sample-models/<dataset>-cnn)")
    ap.add_argument("--no-export", action="store_true", help="train and evaluate only")
    args = ap.parse_args(argv)
    cfg = dict(DEFAULTS[args.dataset])
    for k in ("epochs", "batch", "lr"):
        if getattr(args, k) is not None:
            cfg[k] = getattr(args, k)

    common.setup(args.seed)
    _, labels, train_desc, test_desc, _ = common.DATASETS[args.dataset]
    xtr_u8, ytr = common.load_split(args.dataset, "train")
    xte_u8, yte = common.load_split(args.dataset, "test")
    mean, std = common.mean_std(xtr_u8)
    print(f"{args.dataset}: train {len(ytr)}, test {len(yte)}, mean {mean}, std {std}, cfg {cfg}")
    xtr, xte = common.normalise(xtr_u8, mean, std), common.normalise(xte_u8, mean, std)
    ytr_t = torch.from_numpy(ytr)

    model = build_cnn(len(labels))
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"])
    secs = common.train(model, opt, xtr, ytr_t, epochs=cfg["epochs"], batch=cfg["batch"],
                        seed=args.seed, base_lr=cfg["lr"], warmup_steps=100, flip=cfg["flip"],
                        pad=2, fill=(0.0 - mean) / std, xte=xte, yte=yte)
    acc, per_class = common.evaluate(model.eval(), xte, yte)
    print(f"trained in {secs:.0f}s; eager test accuracy {acc:.4f}")
    if args.no_export:
        return

    name = f"{args.dataset}-cnn"
    out = args.out or os.path.join(common.SAMPLE_MODELS, name)
    command = f"/usr/bin/python3 sample-models/training/train_cnn.py --dataset {args.dataset}"
    if args.seed != 0:
        command += f" --seed {args.seed}"
    training = {
        "dataset": train_desc,
        "testData": test_desc,
        "epochs": cfg["epochs"],
        "seed": args.seed,
        "batchSize": cfg["batch"],
        "optimizer": f"Adam(lr={cfg['lr']:g}, 100-step linear warmup, cosine decay to 0)",
        "augmentation": "random crop 28x28 from 2-pixel padding"
                        + (" + horizontal flip (p=0.5)" if cfg["flip"] else ""),
        "trainSeconds": round(secs, 1),
        "hardware": "CPU, 2 threads",
        "command": command,
    }
    what = "Fashion-MNIST clothing" if args.dataset == "fashion" else "MNIST handwritten digits"
    description = (f"Small staged CNN (stage1/stage2/stage3/gap/fc, no BatchNorm/Dropout) trained on "
                   f"the committed {what} sample subset. stage3 = 128x7x7 post-ReLU feature map "
                   f"(the CRAFT/CHM-Corr cut point).")
    pt, acc, per_class = common.export_and_verify(
        model, out, name=name, kind="sequential", labels=labels, mean=mean, std=std,
        xte=xte, yte=yte, description=description, training=training, command=command)
    print(f"exported {pt}; TorchScript test accuracy {acc:.4f}; per class {per_class}")


if __name__ == "__main__":
    main()
