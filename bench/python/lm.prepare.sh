#!/usr/bin/env bash
# Writes the TorchScript language model both sides of case `lm` run (bench/python/export_lm.py:
# random weights, d 256, 4 blocks, 8 heads / 4 kv heads, SwiGLU 688, vocabulary 8000, maxLength
# 128) and prints its folder for LAMINA_BENCH_INPUT.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$1/lm"
/usr/bin/python3 "$root/bench/python/export_lm.py" "$out" >/dev/null
echo "$out"
