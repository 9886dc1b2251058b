#!/usr/bin/env bash
# The GPU check of issue #17 §3, run from the bundle folder that bench/gpu/pack.sh made, on a
# machine with python3 + torch (CUDA), cmake, make, g++ — no Java, Maven or network needed.
#
#   ./check.sh            (in the bundle folder)
#
# 1. unpacks the bundled Java runtime; finds the machine's torch with python3;
# 2. 'lamina torch use' on it: builds DJL's JNI against that torch (timed) with the runtime's
#    javac and include/jni.h, and prepares the link folder (config and cache under the work folder);
# 3. 'torch status', 'inspect'; the suite (suite.sh) with --device gpu when torch sees CUDA (else
#    cpu: the rehearsal), then the same suite with --device cpu on this machine for the timings;
#    bench/python/runner.py (the Python twin) on both devices;
# 4. compare.py: every JSON/CSV number against the CPU reference packed with the bundle; one
#    table, printed and written to $OUT (else ./out) as gpu-check.md and gpu-check.csv.
#
#   LAMINA_CHECK_WORK   work folder (default ./work; the JNI cache survives reruns there)
#   LAMINA_CHECK_TORCH  the torch folder (default: python3's torch package folder)
#   LAMINA_CHECK_CPU=0|1  also run the suite on this machine's CPU (default 1 with a GPU, 0 without)
#   LAMINA_CHECK_TWIN=0   skip the Python twin
# Exit status: 0 when every step is within tolerance, 1 otherwise (the table says which).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export LAMINA_CHECK_WORK="${LAMINA_CHECK_WORK:-$here/work}"
work="$LAMINA_CHECK_WORK"
out="${OUT:-$here/out}"
mkdir -p "$work" "$out"
log="$out/check.log"
: >"$log"
say() { echo "check: $*" | tee -a "$log" >&2; }
unset PYTORCH_LIBRARY_PATH PYTORCH_VERSION PYTORCH_FLAVOR
# Config and cache of this check only: the machine's own ~/.config/lamina is never read or changed.
export XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"
py="${LAMINA_CHECK_PYTHON:-python3}"
command -v "$py" >/dev/null || { say "python3 is needed (it finds the torch)"; exit 2; }

# 1. runtime and torch
if [ ! -x "$work/jre/bin/java" ]; then
  say "unpacking the Java runtime"
  "$py" -c 'import sys, tarfile
t = tarfile.open(sys.argv[1])
t.extractall(sys.argv[2], **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))' "$here/jre.tar.xz" "$work"
fi
torch_dir="${LAMINA_CHECK_TORCH:-$("$py" -c 'import torch, os; print(os.path.dirname(torch.__file__))')}"
read -r torch_version cuda_ok cuda_name <<<"$("$py" -c 'import torch
ok = torch.cuda.is_available()
print(torch.__version__, int(ok), (torch.cuda.get_device_name(0).replace(" ", "_") if ok else "-"))')"
device=cpu; [ "$cuda_ok" = 1 ] && device=gpu
say "torch $torch_version at $torch_dir; CUDA: $([ "$cuda_ok" = 1 ] && echo "yes ($cuda_name)" || echo no) -> --device $device"
say "machine: $(nproc) cores; $(uname -sr); cmake $(cmake --version 2>/dev/null | head -1 | awk '{print $3}'); $(c++ --version 2>/dev/null | head -1)"

# 2. the JNI against that torch (cached in $work/cache after the first run)
start=$(date +%s)
if ! "$here/lamina" torch use "$torch_dir" >"$out/torch-use.txt" 2>&1; then
  cat "$out/torch-use.txt" >&2; say "lamina torch use failed (above; also in $out/torch-use.txt)"
  { echo "GPU check: torch $torch_version at $torch_dir: 'lamina torch use' failed after $(( $(date +%s) - start )) s,"
    echo "so nothing ran. Its last lines (all of them in torch-use.txt):"; echo; echo '```'
    tail -40 "$out/torch-use.txt"; echo '```'; } >"$out/gpu-check.md"
  exit 1
fi
jni_s=$(( $(date +%s) - start ))
if grep -q "is cached" "$out/torch-use.txt"; then jni_note="cached JNI"; else jni_note="JNI built"; fi
say "torch use: ${jni_s} s ($jni_note)"
"$here/lamina" torch status >"$out/torch-status.txt" 2>&1 || true
"$here/lamina" inspect sample:fashion-cnn --device "$device" >"$out/inspect-fashion-cnn.txt" 2>&1 || true
"$here/lamina" inspect sample:tiny-llama --device "$device" >"$out/inspect-tiny-llama.txt" 2>&1 || true
cat "$out/torch-status.txt" | tee -a "$log" >&2
head -3 "$out/inspect-fashion-cnn.txt" | tee -a "$log" >&2

# 3. the suite on the device, then (with a GPU) on this machine's CPU
# shellcheck source=suite.sh
. "$here/suite.sh"
say "suite on --device $device"
run_suite "$here/lamina" "$work/run" "$device" "$here/samples" 2>&1 | tee -a "$log" >&2
cpu_args=()
if [ "${LAMINA_CHECK_CPU:-$cuda_ok}" = 1 ]; then
  say "suite on --device cpu (timings)"
  run_suite "$here/lamina" "$work/cpu" cpu "$here/samples" 2>&1 | tee -a "$log" >&2
  cpu_args=(--cpu-run "$work/cpu")
fi
twin_args=()
if [ "${LAMINA_CHECK_TWIN:-1}" = 1 ]; then
  export LAMINA_SAMPLES="$here/samples" LAMINA_BENCH_WARMUP_S=1 LAMINA_BENCH_MEASURE_S=2 LAMINA_BENCH_CASES='forward|forwardBackwardToPoint'
  twin_dev=cpu; [ "$cuda_ok" = 1 ] && twin_dev=cuda
  say "Python twin (bench/python/runner.py) on $twin_dev"
  if "$py" "$here/python/runner.py" --threads "$(nproc)" --batches 1,256 --device "$twin_dev" --out "$work/twin.json" >>"$log" 2>&1; then
    twin_args=(--twin "$work/twin.json")
    if [ "$cuda_ok" = 1 ] && "$py" "$here/python/runner.py" --threads "$(nproc)" --batches 1,256 --device cpu \
        --out "$work/twin-cpu.json" >>"$log" 2>&1; then
      twin_args+=(--twin-cpu "$work/twin-cpu.json")
    fi
  else
    say "Python twin failed (see $log)"
  fi
fi
cp -r "$work/run" "$out/run"
[ -d "$work/cpu" ] && [ "${#cpu_args[@]}" -gt 0 ] && cp -r "$work/cpu" "$out/cpu"

# 4. the table
header="GPU check: torch $torch_version ($([ "$cuda_ok" = 1 ] && echo "CUDA, $cuda_name" || echo "CPU only")) at $torch_dir, \
--device $device, $(nproc) cores; torch use ${jni_s} s ($jni_note); reference: $(sed -n 's/^reference  //p' "$here/MANIFEST.txt")"
set +e
"$py" "$here/compare.py" "$here/reference" "$work/run" "${cpu_args[@]}" "${twin_args[@]}" --samples "$here/samples" \
  --header "$header" --out "$out"
rc=$?
set -e
say "table: $out/gpu-check.md, $out/gpu-check.csv (exit $rc)"
exit $rc
