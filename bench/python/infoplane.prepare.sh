#!/usr/bin/env bash
# Makes the activations both sides of case `infoplane` read: a 300-epoch tanh run's final
# activations (4,096 inputs × every layer). Prints the path for LAMINA_BENCH_INPUT.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$1/prepare"
"$root/lamina" infoplane --epochs 300 --seed 42 --out "$out" >/dev/null 2>&1
echo "$out/activations-final.npz"
