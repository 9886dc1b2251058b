#!/usr/bin/env bash
# Makes the input of case `probewide` (probes with features much wider than the rows): random
# float32 data with a planted signal, written once, read by both sides:
#   wide.f32 / wide-labels.i32   1,000 × 100,352 (a 2048 × 7 × 7 spatial map flattened), labels from
#                                the first 20 features + noise (numpy seed 0)
#   narrow.f32 / narrow-labels.i32   60 × 2,048 (ResNet-50 pooled shape), 24 label vectors (24 probes)
# Raw little-endian arrays, row-major; shapes in shapes.json. Prints the folder (LAMINA_BENCH_INPUT).
# LAMINA_BENCH_WIDE_ROWS / LAMINA_BENCH_WIDE_DIM override 1000 / 100352.
set -euo pipefail
out="$1/prepare"
mkdir -p "$out"
/usr/bin/python3 - "$out" "${LAMINA_BENCH_WIDE_ROWS:-1000}" "${LAMINA_BENCH_WIDE_DIM:-100352}" <<'PY'
import json, os, sys
import numpy as np
out, n, d = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.RandomState(0)
x = rng.standard_normal((n, d)).astype(np.float32)
y = ((x[:, :20].sum(1, dtype=np.float64) + 2.0 * rng.standard_normal(n)) > 0).astype(np.int32)
x.tofile(os.path.join(out, "wide.f32"))
y.tofile(os.path.join(out, "wide-labels.i32"))
xn = rng.standard_normal((60, 2048)).astype(np.float32)
yn = np.stack([((xn[:, k:k + 8].sum(1) + rng.standard_normal(60)) > 0).astype(np.int32) for k in range(24)])
xn.tofile(os.path.join(out, "narrow.f32"))
yn.tofile(os.path.join(out, "narrow-labels.i32"))
json.dump({"wide": [n, d], "narrow": [60, 2048], "narrowProbes": 24}, open(os.path.join(out, "shapes.json"), "w"))
PY
echo "$out"
