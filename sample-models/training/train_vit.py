#!/usr/bin/python3
"""Train the fashion-vit sample model on CPU and export it.

Exact command (from the repository root, after sample-models/data/extract_subsets.py):

    /usr/bin/python3 sample-models/training/train_vit.py

Architecture: tools/lamina_export.SimpleViT (timm attribute layout, pre-LN, GELU, no dropout):
patch 4 -> 7x7 patches + CLS = 50 tokens, embed dim 64, depth 6, 4 heads, MLP ratio 4.
AdamW + linear warmup / cosine decay, label smoothing 0.1, random crop (pad 2) + h-flip.
"""
import argparse
import inspect
import os
import sys

# libgomp: sleep instead of spin-waiting, so that other processes on a small shared machine do
# not slow training down by an order of magnitude (set before torch is imported).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

CFG = dict(patch=4, dim=64, depth=6, heads=4, mlp_ratio=4.0,
           epochs=14, batch=128, lr=2e-3, weight_decay=0.05, warmup_epochs=2, label_smoothing=0.1)


def build_vit(cfg, num_classes=10):
    lx = common.import_exporter()
    params = inspect.signature(lx.SimpleViT).parameters
    dim_kw = "dim" if "dim" in params else "embed_dim"
    return lx.SimpleViT(img_size=28, in_chans=1, patch_size=cfg["patch"], num_heads=cfg["heads"],
                        depth=cfg["depth"], mlp_ratio=cfg["mlp_ratio"], num_classes=num_classes,
                        **{dim_kw: cfg["dim"]})


def param_groups(model, weight_decay):
    """No weight decay on biases, LayerNorm weights, cls token and position embedding."""
    decay, no_decay = [], []
    for n, p in model.named_parameters():
        (no_decay if p.ndim < 2 or n in ("cls_token", "pos_embed") else decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay},
            {"params": no_decay, "weight_decay": 0.0}]


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=CFG["epochs"])
    ap.add_argument("--lr", type=float, default=CFG["lr"])
    ap.add_argument("--dim", type=int, default=CFG["dim"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=None, help="output dir (default sample-models/fashion-vit)")
    ap.add_argument("--no-export", action="store_true", help="train and evaluate only")
    args = ap.parse_args(argv)
    cfg = dict(CFG, epochs=args.epochs, lr=args.lr, dim=args.dim)

    common.setup(args.seed)
    _, labels, train_desc, test_desc, _ = common.DATASETS["fashion"]
    xtr_u8, ytr = common.load_split("fashion", "train")
    xte_u8, yte = common.load_split("fashion", "test")
    mean, std = common.mean_std(xtr_u8)
    print(f"fashion: train {len(ytr)}, test {len(yte)}, mean {mean}, std {std}, cfg {cfg}")
    xtr, xte = common.normalise(xtr_u8, mean, std), common.normalise(xte_u8, mean, std)
    ytr_t = torch.from_numpy(ytr)

    model = build_vit(cfg, len(labels))
    nparams = sum(p.numel() for p in model.parameters())
    print(f"SimpleViT: {nparams} parameters")
    opt = torch.optim.AdamW(param_groups(model, cfg["weight_decay"]), lr=cfg["lr"],
                            betas=(0.9, 0.999))
    steps_per_epoch = (len(ytr) + cfg["batch"] - 1) // cfg["batch"]
    secs = common.train(model, opt, xtr, ytr_t, epochs=cfg["epochs"], batch=cfg["batch"],
                        seed=args.seed, base_lr=cfg["lr"],
                        warmup_steps=cfg["warmup_epochs"] * steps_per_epoch,
                        label_smoothing=cfg["label_smoothing"], flip=True, pad=2,
                        fill=(0.0 - mean) / std, grad_clip=1.0, xte=xte, yte=yte)
    acc, _ = common.evaluate(model.eval(), xte, yte)
    print(f"trained in {secs:.0f}s; eager test accuracy {acc:.4f}")
    if args.no_export:
        return

    out = args.out or os.path.join(common.SAMPLE_MODELS, "fashion-vit")
    command = "/usr/bin/python3 sample-models/training/train_vit.py"
    for k, v in (("epochs", args.epochs), ("lr", args.lr), ("dim", args.dim), ("seed", args.seed)):
        if v != {"epochs": CFG["epochs"], "lr": CFG["lr"], "dim": CFG["dim"], "seed": 0}[k]:
            command += f" --{k} {v:g}" if isinstance(v, float) else f" --{k} {v}"
    training = {
        "dataset": train_desc,
        "testData": test_desc,
        "epochs": cfg["epochs"],
        "seed": args.seed,
        "batchSize": cfg["batch"],
        "optimizer": (f"AdamW(lr={cfg['lr']:g}, betas=(0.9, 0.999), weight_decay={cfg['weight_decay']:g} "
                      f"on weight matrices only), {cfg['warmup_epochs']}-epoch linear warmup, "
                      f"cosine decay to 0, grad-norm clip 1.0"),
        "loss": f"cross-entropy, label smoothing {cfg['label_smoothing']:g}",
        "augmentation": "random crop 28x28 from 2-pixel padding + horizontal flip (p=0.5)",
        "parameters": nparams,
        "trainSeconds": round(secs, 1),
        "hardware": "CPU, 2 threads",
        "command": command,
    }
    description = (f"Small Vision Transformer (SimpleViT, timm layout, pre-LN, GELU, no dropout): "
                   f"patch {cfg['patch']} -> 7x7 patches + CLS token, embed dim {cfg['dim']}, "
                   f"depth {cfg['depth']}, {cfg['heads']} heads, MLP ratio {cfg['mlp_ratio']:g}; "
                   f"trained on the committed Fashion-MNIST sample subset.")
    pt, acc, per_class = common.export_and_verify(
        model, out, name="fashion-vit", kind="vit", labels=labels, mean=mean, std=std,
        xte=xte, yte=yte, description=description, training=training, command=command)
    print(f"exported {pt}; TorchScript test accuracy {acc:.4f}; per class {per_class}")


if __name__ == "__main__":
    main()
