#!/usr/bin/env bash
# Peak resident memory of `lamina evaluate` on a synthetic ImageNet-layout folder of 1,000 and of
# 50,000 224x224 JPEG images (bench/README.md, "Data sets that do not fit in memory"). Data and
# model go to a scratch folder (default /tmp/lamina-data-memory), never into the repository.
#   bench/data-memory.sh [SMALL] [LARGE]      defaults 1000 50000
# Prints one line per run (images, peak RSS in MB, wall seconds) and the ratio large/small.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
small="${1:-1000}"
large="${2:-50000}"
work="${LAMINA_BENCH_SCRATCH:-/tmp/lamina-data-memory}"
py=/usr/bin/python3
lamina="${LAMINA_BIN:-$root/lamina}"   # another build of the launcher, e.g. a copy made before a change
mkdir -p "$work"
[ -f "$work/tiny224/model.json" ] || "$py" "$root/bench/python/export_tiny224.py" "$work/tiny224" >/dev/null
for n in "$small" "$large"; do
  [ -f "$work/in$n/.done" ] || { rm -rf "$work/in$n"; "$py" "$root/bench/python/make_image_folder.py" "$work/in$n" "$n"; touch "$work/in$n/.done"; }
done
"$lamina" --version >/dev/null 2>&1 || true   # builds on first use, outside the measurement
peak() { # images -> "peakMB seconds"
  local log="$work/time-$1.txt"
  /usr/bin/time -v "$lamina" evaluate "$work/tiny224" --data "$work/in$1/val" --json >"$work/out-$1.json" 2>"$log"
  local kb s
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  s=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
  echo "$((kb / 1024)) $s"
}
read -r mb_small t_small < <(peak "$small")
read -r mb_large t_large < <(peak "$large")
echo "evaluate tiny224 on $small images: peak RSS ${mb_small} MB, wall $t_small"
echo "evaluate tiny224 on $large images: peak RSS ${mb_large} MB, wall $t_large"
awk -v a="$mb_large" -v b="$mb_small" 'BEGIN {printf "ratio peak(%s)/peak(%s): %.3f (target <= 1.2)\n", "large", "small", a / b}'
grep -oE '"(samples|labelMapping)" *: *("[^"]*"|[0-9]+)' "$work/out-$large.json" || true
