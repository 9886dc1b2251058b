#!/usr/bin/env bash
# Reproduces the sample language models end to end (issue #19), on CPU, in about 25 minutes:
# corpus + probe CSVs + tokenizer -> two Llama-layout models trained in Hugging Face layout ->
# exported with tools/lamina_export.py hf -> model.json gets the training record.
#   bash sample-models/lm-training/train_lm_samples.sh [BUILD_DIR]   (default /tmp/lamina-lm-build)
# The two trainings run side by side, one thread each (a 2-core machine).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
BUILD=${1:-/tmp/lamina-lm-build}
T=sample-models/lm-training
mkdir -p "$BUILD"
$PY $T/generate_corpus.py --build "$BUILD"
$PY $T/train_lm.py --corpus "$BUILD/corpus.json" --tokenizer $T/tokenizer.json --out "$BUILD/tiny-lm-4" \
    --layers 4 --hidden 64 --heads 4 --ffn 192 --steps 3000 > "$BUILD/train-tiny-lm-4.log" 2>&1 &
P4=$!
$PY $T/train_lm.py --corpus "$BUILD/corpus.json" --tokenizer $T/tokenizer.json --out "$BUILD/tiny-lm-8" \
    --layers 8 --hidden 80 --heads 4 --ffn 224 --steps 1200 > "$BUILD/train-tiny-lm-8.log" 2>&1 &
P8=$!
wait $P4 || { cat "$BUILD/train-tiny-lm-4.log"; exit 1; }
wait $P8 || { cat "$BUILD/train-tiny-lm-8.log"; exit 1; }
tail -n 3 "$BUILD"/train-tiny-lm-*.log
for L in 4 8; do
  N=tiny-lm-$L
  if [ $L = 4 ]; then SHAPE="4 blocks, d=64, 4 heads, SwiGLU 192"; else SHAPE="8 blocks, d=80, 4 heads, SwiGLU 224"; fi
  PYTHONHASHSEED=0 $PY tools/lamina_export.py hf "$BUILD/$N" --out sample-models/$N --name $N --prompts $T/prompts.txt \
    --description "Small Llama-layout decoder ($SHAPE, RMSNorm, rotary, untied lm_head) trained here on CPU on statements generated from Debian data (tzdata + iso-codes cities, WordNet 3.0 hypernyms) plus synthetic coin flips and colour statements, lower-case word-level vocabulary. Made by: bash sample-models/lm-training/train_lm_samples.sh (see sample-models/README.md)."
  $PY $T/train_lm.py --annotate "$BUILD/$N" sample-models/$N --held-out-corpus "$BUILD/corpus.json"
done
