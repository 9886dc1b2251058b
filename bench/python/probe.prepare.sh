#!/usr/bin/env bash
# Makes the features both sides of case `probe` read: `lamina probe --export-features` of the
# Fashion concept set on fashion-cnn and fashion-vit (one features-<concept>.npz per concept,
# with labels, control labels and the train/test split). Prints the folder for LAMINA_BENCH_INPUT.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$1/prepare"
for m in fashion-cnn fashion-vit; do
  "$root/lamina" probe "sample:$m" --concepts sample:fashion-concepts --export-features --quiet --dpi 72 \
    --out "$out/$m" >/dev/null 2>&1
done
echo "$out"
