# The commands of the GPU check (issue #17 §3), shared by pack.sh (the CPU reference, run here on
# the bundled PyTorch 2.5.1 natives) and check.sh (the same commands on the target's torch, on
# the GPU). Sourced, not run. Each step is one Lamina command; its outputs go to $2/<step>/.
#
#   run_suite LAMINA OUT DEVICE    LAMINA: the launcher to call; DEVICE: cpu|gpu
#
# Image counts are small so that the whole check (JNI build included) stays well under the
# device machine's 10 minutes per command; the comparisons (compare.py) read the JSON/CSV.

# step name → command line (MODEL and options; --device and --out are added by run_step)
SUITE_STEPS=(
  "evaluate-fashion-cnn|evaluate sample:fashion-cnn --json"
  "evaluate-fashion-vit|evaluate sample:fashion-vit --json"
  "evaluate-mnist-cnn|evaluate sample:mnist-cnn --json"
  "predict-fashion-cnn|predict sample:fashion-cnn SAMPLES/data/fashion-mnist/test-images-idx3-ubyte.gz --limit 8 --top 3 --json"
  "predict-fashion-vit|predict sample:fashion-vit SAMPLES/data/fashion-mnist/test-images-idx3-ubyte.gz --limit 8 --top 3 --json"
  "predict-mnist-cnn|predict sample:mnist-cnn SAMPLES/data/mnist/test-images-idx3-ubyte.gz --limit 8 --top 3 --json"
  "craft|craft sample:fashion-cnn --class 0 --images 40 --patch 10 --designs 4 --no-fidelity --quiet OUT"
  "neuronpath|neuronpath sample:fashion-vit --class 0,5 --images 4 --steps 20 --baselines activation,ig --quiet OUT"
  "probe|probe sample:fashion-cnn --concepts sample:fashion-concepts --max-samples 400 --quiet OUT"
  "chmcorr|chmcorr sample:fashion-cnn --query 3 --gallery-size 600 OUT"
  "infoplane|infoplane --data sample:fashion --epochs 4 --train-images 600 --test-images 300 --quiet OUT"
)

# Commands that take --device (infoplane has none: its MLP and KDE run on libtorch's default
# device; it is compared all the same).
suite_takes_device() { [[ "$1" != infoplane ]]; }

# run_step LAMINA OUT DEVICE SAMPLES STEP: runs one step, writes OUT/STEP/{stdout.json,stderr.txt,seconds}.
run_step() {
  local lamina="$1" out="$2" device="$3" samples="$4" want="$5" entry name cmd dir start end rc
  for entry in "${SUITE_STEPS[@]}"; do
    name="${entry%%|*}"; cmd="${entry#*|}"
    [ "$name" = "$want" ] || continue
    dir="$out/$name"; rm -rf "$dir"; mkdir -p "$dir"
    cmd="${cmd//SAMPLES/$samples}"
    cmd="${cmd//OUT/--out $dir/files}"
    local sub="${cmd%% *}" rest="${cmd#* }"
    local dev=()
    if suite_takes_device "$sub"; then dev=(--device "$device"); fi
    start=$(date +%s.%N)
    # shellcheck disable=SC2086  # the command lines above are word lists without quoting needs
    set +e
    "$lamina" "$sub" "${dev[@]}" $rest >"$dir/stdout.json" 2>"$dir/stderr.txt"
    rc=$?
    set -e
    end=$(date +%s.%N)
    echo "$rc" >"$dir/rc"
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f\n", b - a }' >"$dir/seconds"
    # Figures are not compared: keep the JSON/CSV only (the bundle must stay small).
    if [ -d "$dir/files" ]; then
      find "$dir/files" -type f ! \( -name '*.json' -o -name '*.csv' \) -delete
    fi
    return 0
  done
  echo "suite: no step $want" >&2; return 2
}

run_suite() {
  local lamina="$1" out="$2" device="$3" samples="$4" entry
  for entry in "${SUITE_STEPS[@]}"; do
    local name="${entry%%|*}"
    printf '  %-22s' "$name" >&2
    run_step "$lamina" "$out" "$device" "$samples" "$name"
    printf 'exit %s, %s s\n' "$(cat "$out/$name/rc")" "$(cat "$out/$name/seconds")" >&2
  done
}
