#!/usr/bin/env bash
# Makes the crop activations both sides of case `craft` factorise in their `nmf` case: A of a
# CRAFT run on fashion-cnn, class 0, the benchmark's image count, patch 10. Prints the npz path
# for LAMINA_BENCH_INPUT.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$1/prepare"
"$root/lamina" craft sample:fashion-cnn --class 0 --images "${LAMINA_BENCH_CRAFT_IMAGES:-40}" --patch 10 --designs 4 \
  --no-fidelity --quiet --out "$out" >/dev/null 2>&1
echo "$out/craft-data.npz"
