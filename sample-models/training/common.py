"""Shared helpers for the Lamina sample-model training scripts (CPU, seeded, no pickles)."""
import gzip
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE_MODELS = os.path.dirname(HERE)
REPO = os.path.dirname(SAMPLE_MODELS)
DATA = os.path.join(SAMPLE_MODELS, "data")
TOOLS = os.path.join(REPO, "tools")

FASHION_LABELS = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                  "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
MNIST_LABELS = [str(i) for i in range(10)]

DATASETS = {
    # key: (data dir, labels, train description, test description, allow horizontal flip)
    "fashion": ("fashion-mnist", FASHION_LABELS,
                "sample:fashion-train (20,000 images)", "sample:fashion-test (2,000 images)", True),
    "mnist": ("mnist", MNIST_LABELS,
              "sample:mnist-train (5,000 images)", "sample:mnist-test (1,000 images)", False),
}


def setup(seed, threads=2):
    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True, warn_only=True)


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    assert (magic >> 8) == 0x08, f"{path}: magic {magic:#x}"
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_split(dataset, split):
    """uint8 images [n,28,28] and int64 labels [n] of a committed sample subset."""
    d = os.path.join(DATA, DATASETS[dataset][0])
    x = read_idx(os.path.join(d, f"{split}-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(d, f"{split}-labels-idx1-ubyte.gz"))
    return x, y.astype(np.int64)  # astype copies (writable)


def mean_std(images_u8):
    """Per-channel (single channel) mean/std of images scaled to [0,1], rounded to 4 decimals."""
    x = images_u8.astype(np.float64) / 255.0
    return round(float(x.mean()), 4), round(float(x.std()), 4)


def normalise(images_u8, mean, std):
    """uint8 [n,28,28] -> float32 [n,1,28,28] computed exactly as the Java side does:
    x/255 then (x-mean)/std, all in float32."""
    x = torch.from_numpy(np.array(images_u8, dtype=np.uint8, copy=True)).to(torch.float32).div(255.0)
    x = (x - torch.tensor(mean, dtype=torch.float32)) / torch.tensor(std, dtype=torch.float32)
    return x.unsqueeze(1).contiguous()


def augment(x, gen, pad=2, flip=True, fill=0.0):
    """Random crop with padding (fill = the normalised value of a black pixel, -mean/std)
    and optional horizontal flip. x: [b,1,28,28] normalised."""
    b, _, h, w = x.shape
    xp = F.pad(x, (pad, pad, pad, pad), value=fill)
    ox = torch.randint(0, 2 * pad + 1, (b,), generator=gen)
    oy = torch.randint(0, 2 * pad + 1, (b,), generator=gen)
    out = torch.empty_like(x)
    for i in range(b):
        out[i] = xp[i, :, oy[i]:oy[i] + h, ox[i]:ox[i] + w]
    if flip:
        m = torch.rand(b, generator=gen) < 0.5
        out[m] = out[m].flip(-1)
    return out


@torch.no_grad()
def evaluate(model, x, y, batch=500):
    """Accuracy and per-class accuracy (fractions) of `model` (nn.Module or TorchScript)."""
    preds = []
    for i in range(0, len(x), batch):
        preds.append(model(x[i:i + batch]).argmax(1))
    pred = torch.cat(preds).numpy()
    yy = y if isinstance(y, np.ndarray) else y.numpy()
    acc = float((pred == yy).mean())
    per_class = [float((pred[yy == c] == c).mean()) for c in range(10)]
    return acc, per_class


def lr_at(step, total, warmup, base):
    """Linear warmup then cosine decay to 0."""
    if step < warmup:
        return base * (step + 1) / warmup
    p = (step - warmup) / max(1, total - warmup)
    return base * 0.5 * (1.0 + np.cos(np.pi * p))


def train(model, opt, xtr, ytr, *, epochs, batch, seed, base_lr, warmup_steps=0,
          label_smoothing=0.0, flip=True, pad=2, fill=0.0, xte=None, yte=None, grad_clip=None, log=print):
    """Seeded mini-batch training loop; returns wall-clock seconds spent training."""
    gen = torch.Generator().manual_seed(seed)
    n = len(xtr)
    steps_per_epoch = (n + batch - 1) // batch
    total = epochs * steps_per_epoch
    step = 0
    t0 = time.time()
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(n, generator=gen)
        tot_loss = 0.0
        correct = 0
        te = time.time()
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            xb = augment(xtr[idx], gen, pad=pad, flip=flip, fill=fill) if pad or flip else xtr[idx]
            yb = ytr[idx]
            for g in opt.param_groups:
                g["lr"] = lr_at(step, total, warmup_steps, base_lr)
            out = model(xb)
            loss = F.cross_entropy(out, yb, label_smoothing=label_smoothing)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if grad_clip:
                torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
            opt.step()
            step += 1
            tot_loss += float(loss) * len(idx)
            correct += int((out.argmax(1) == yb).sum())
        msg = (f"epoch {ep + 1}/{epochs}: loss {tot_loss / n:.4f} train-acc {correct / n:.4f} "
               f"({time.time() - te:.1f}s)")
        if xte is not None:
            model.eval()
            acc, _ = evaluate(model, xte, yte)
            msg += f" test-acc {acc:.4f}"
        log(msg, flush=True)
    return time.time() - t0


def import_exporter():
    if TOOLS not in sys.path:
        sys.path.insert(0, TOOLS)
    import lamina_export  # noqa: E402
    return lamina_export


def export_and_verify(model, out_dir, *, name, kind, labels, mean, std, xte, yte,
                      description, training, command):
    """Export with the project exporter, then measure the accuracy of the EXPORTED TorchScript
    model on the committed test subset and export again with that number in model.json."""
    lx = import_exporter()
    model.eval()
    ref = xte[:8].clone()
    kw = dict(name=name, kind=kind, input_shape=[1, 28, 28], labels=labels,
              mean=[mean], std=[std], reference_inputs=ref, description=description,
              command=command)
    pt = lx.export(model, out_dir, training=dict(training), **kw)
    scripted = torch.jit.load(str(pt), map_location="cpu")
    acc, per_class = evaluate(scripted, xte, yte)
    training = dict(training, testAccuracy=round(acc, 4),
                    perClassAccuracy=[round(a, 4) for a in per_class])
    pt = lx.export(model, out_dir, training=training, **kw)
    scripted = torch.jit.load(str(pt), map_location="cpu")
    acc2, _ = evaluate(scripted, xte, yte)
    assert acc2 == acc, (acc, acc2)
    return pt, acc, per_class
