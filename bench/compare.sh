#!/usr/bin/env bash
# Runs benchmark case NAME on the Java side (JMH class <Name>Benchmark) and the Python side
# (bench/python/<name>.py) alternately, ROUNDS times, with the same thread count, then prints
# per case the median Java ms, median Python ms, the ratio Python/Java, and a last line
# `NAME: ratio X.XX` (geometric mean over cases). Usage: bench/compare.sh NAME [ROUNDS]
#   LAMINA_BENCH_THREADS  threads for both sides (default: all cores)
#   LAMINA_BENCH_MODELS   models for the runner case (default sample:fashion-cnn,sample:fashion-vit);
#                         a model directory, or torchvision:resnet50 (resnet18/34/101): exported
#                         with random weights into the temp folder first (never committed)
#   LAMINA_BENCH_CASES    regex of the benchmark methods to run (default all; the whole method
#                         name must match), e.g. 'forward' or 'forward|forwardCaptureAll';
#                         the runner's Python side honours it too
#   LAMINA_BENCH_IGNORE_LOCK=1  run although another JMH run holds /tmp/jmh.lock
#   LAMINA_BENCH_TORCH    run the Java side on an installed libtorch: a PATH as for
#                         `lamina torch use PATH` (e.g. /usr/lib/python3/dist-packages/torch, the
#                         Python side's own torch); default: the bundled 2.5.1 CPU natives, whatever
#                         `lamina torch use` chose for ./lamina
#   LAMINA_BENCH_BATCHES  batch sizes (default 1,32,256)
#   LAMINA_BENCH_JAVA_OPTS extra JVM options for the Java side (e.g. -Dlamina.craft.pooledHead=false)
#   LAMINA_BENCH_NP_STEPS / LAMINA_BENCH_NP_MEMORY  m and memory budget of case neuronpathvit (20 / 4g)
#   LAMINA_BENCH_MIN_CALLS  fewest measured calls on the Python side (default 3; 1 for neuronpathvit, probewide)
#   LAMINA_BENCH_WARMUP_S / LAMINA_BENCH_MEASURE_S  seconds of warm-up / measurement per case,
#                         on both sides (default 2 / 3; craft 15 / 10: its Java side needs ~40
#                         calls before C2 has compiled its loops, see bench/README.md)
set -euo pipefail
name="${1:?usage: bench/compare.sh NAME [ROUNDS]}"
rounds="${2:-3}"
root="$(cd "$(dirname "$0")/.." && pwd)"
threads="${LAMINA_BENCH_THREADS:-$(nproc)}"
models="${LAMINA_BENCH_MODELS:-sample:fashion-cnn,sample:fashion-vit}"
batches="${LAMINA_BENCH_BATCHES:-1,32,256}"
case "$name" in
  craft) warm_default=15; measure_default=10 ;;
  # One call takes minutes (ViT-B/16 neuron path; probes on 1,000 × 100,352): no warm-up, one call a round.
  neuronpathvit|probewide) warm_default=0; measure_default=1; export LAMINA_BENCH_MIN_CALLS="${LAMINA_BENCH_MIN_CALLS:-1}" ;;
  *) warm_default=2; measure_default=3 ;;
esac
export LAMINA_BENCH_WARMUP_S="${LAMINA_BENCH_WARMUP_S:-$warm_default}"
export LAMINA_BENCH_MEASURE_S="${LAMINA_BENCH_MEASURE_S:-$measure_default}"
class="$(tr '[:lower:]' '[:upper:]' <<< "${name:0:1}")${name:1}Benchmark"
pyfile="$root/bench/python/$name.py"
[ -f "$pyfile" ] || { echo "compare.sh: no Python side $pyfile" >&2; exit 2; }

if ! /usr/bin/python3 -c "import torch, numpy" 2>/dev/null; then
  echo "compare.sh: installing Debian's python3-torch and python3-numpy" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-numpy >/dev/null
fi
echo "building bench..." >&2
(cd "$root" && mvn -q -B -Pbench -DskipTests package -pl bench -am >/dev/null)

export OPT_OUT_TRACKING=true LAMINA_SAMPLES="$root/sample-models" ONEDNN_MAX_CPU_ISA=AVX2
export OMP_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads"
# The same glibc heap thresholds as ./lamina, for both sides (libtorch's buffers are not
# unmapped and re-faulted on every forward; both Java and Python forwards run faster with them).
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}" MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-67108864}"
# And, as ./lamina, one glibc arena: JMH calls the model from a worker thread, which would
# otherwise get an arena whose heaps are unmapped when empty and re-faulted every forward (Python's
# forwards run on its main thread, in the main arena, either way).
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-1}"
# And, as ./lamina, transparent huge pages for glibc's heap and its mmap'd chunks: blocks over
# 32 MiB (glibc's largest mmap threshold) are always mmap'd fresh, and without huge pages every
# forward of a large model faults them in 4 KiB at a time (ResNet-50, batch 32: 890k page faults
# and a third of the wall time per forward; see bench/README.md). LAMINA_BENCH_NO_THP=1 leaves it out.
if [ -z "${LAMINA_BENCH_NO_THP:-}" ] && [[ "${GLIBC_TUNABLES:-}" != *glibc.malloc.hugetlb* ]]; then
  export GLIBC_TUNABLES="${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.hugetlb=1"
fi
out="$(mktemp -d)"
# torchvision:NAME models are exported (random weights, seeded) into the temp folder.
if [ "$name" = runner ]; then
  resolved=()
  IFS=',' read -r -a wanted <<< "$models"
  for m in "${wanted[@]}"; do
    if [[ "$m" == torchvision:* ]]; then
      echo "exporting ${m#torchvision:} (random weights) into $out/${m#torchvision:}..." >&2
      /usr/bin/python3 "$root/bench/python/export_torchvision.py" "${m#torchvision:}" "$out/${m#torchvision:}" >/dev/null
      resolved+=("$out/${m#torchvision:}")
    else
      resolved+=("$m")
    fi
  done
  models="$(IFS=','; echo "${resolved[*]}")"
fi
# The Java side's libtorch: a config folder of its own, so ./lamina's remembered choice never leaks in.
torch_config="$out/torch-config"
mkdir -p "$torch_config"
if [ -n "${LAMINA_BENCH_TORCH:-}" ]; then
  echo "Java side on the libtorch in $LAMINA_BENCH_TORCH (lamina torch use)..." >&2
  LAMINA_JAVA_OPTS="-Dlamina.configDir=$torch_config" "$root/lamina" torch use "$LAMINA_BENCH_TORCH" >&2
fi
java_torch="$(LAMINA_JAVA_OPTS="-Dlamina.configDir=$torch_config" "$root/lamina" torch status 2>/dev/null | sed -n 's/^engine *//p')"
python_torch="$(/usr/bin/python3 -c 'import torch, os; print("torch", torch.__version__, "from", os.path.dirname(torch.__file__))')"
jmh_params=()
if [ "$name" = runner ]; then jmh_params=(-p "model=$models" -p "batch=$batches"); fi
cases="${LAMINA_BENCH_CASES:-.*}"
# JMH refuses to start while another JMH run holds /tmp/jmh.lock (a shared machine);
# LAMINA_BENCH_IGNORE_LOCK=1 runs anyway (both then share the cores: say so with the numbers).
jmh_lock=()
if [ -n "${LAMINA_BENCH_IGNORE_LOCK:-}" ]; then jmh_lock=(-Djmh.ignoreLock=true); fi
# A case may prepare shared input (both sides read it from LAMINA_BENCH_INPUT).
if [ -x "$root/bench/python/$name.prepare.sh" ]; then
  echo "preparing input for $name..." >&2
  LAMINA_BENCH_INPUT="$("$root/bench/python/$name.prepare.sh" "$out")"
  export LAMINA_BENCH_INPUT
fi
echo "case $name: $rounds rounds, ${LAMINA_BENCH_WARMUP_S} s warm-up + ${LAMINA_BENCH_MEASURE_S} s measured per case, $threads threads on both sides, models $models, batches $batches; raw results in $out" >&2
for r in $(seq 1 "$rounds"); do
  java -Dai.djl.offline=true -Dlamina.threads="$threads" -Dorg.slf4j.simpleLogger.defaultLogLevel=error ${jmh_lock[@]+"${jmh_lock[@]}"} \
    -cp "$root/bench/target/lamina-bench.jar:$root/bench/target/lib/*" org.openjdk.jmh.Main "$class\.($cases)\$" \
    "${jmh_params[@]}" -f 1 -wi "$LAMINA_BENCH_WARMUP_S" -w 1s -i "$LAMINA_BENCH_MEASURE_S" -r 1s \
    -jvmArgs "-Dai.djl.offline=true -Dlamina.configDir=$torch_config -Dlamina.threads=$threads -Dorg.slf4j.simpleLogger.defaultLogLevel=error ${LAMINA_BENCH_JAVA_OPTS:-}" \
    -rf json -rff "$out/java-$r.json" > "$out/java-$r.log" 2>&1 || { tail -30 "$out/java-$r.log" >&2; exit 1; }
  LAMINA_BENCH_CASES="$cases" /usr/bin/python3 "$pyfile" --threads "$threads" --models "$models" --batches "$batches" --out "$out/python-$r.json"
  echo "  round $r done" >&2
done
echo "Java side: $java_torch; Python side: $python_torch"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%F), commit $(git -C "$root" rev-parse --short HEAD)"
/usr/bin/python3 "$root/bench/python/report.py" "$name" "$out"
