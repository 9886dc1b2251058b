#!/usr/bin/env bash
# Writes the texts both sides of case `lmprobe` read: 512 sentences of 3 … 40 words drawn
# (seeded) from tiny-llama's 64-word vocabulary, one per line. Prints the folder for LAMINA_BENCH_INPUT.
set -euo pipefail
out="$1/lmprobe"
mkdir -p "$out"
root="$(cd "$(dirname "$0")/../.." && pwd)"
/usr/bin/python3 - "$root/sample-models/tiny-llama/tokenizer.json" "$out/texts.txt" <<'PY'
import json, random, sys
vocab = [w for w in json.load(open(sys.argv[1]))["model"]["vocab"] if not w.startswith("<")]
rnd = random.Random(19)
with open(sys.argv[2], "w") as f:
    for _ in range(512):
        f.write(" ".join(rnd.choice(vocab) for _ in range(rnd.randint(3, 40))) + "\n")
PY
echo "$out"
