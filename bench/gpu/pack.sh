#!/usr/bin/env bash
# Packs the GPU check of issue #17 §3 into bench/gpu/bundle/ (ignored by git), for a machine with
# a GPU, python3 + a CUDA torch, cmake, g++ — and no Java, no Maven, no network, at most 64 MiB
# carried per run. Then: cd bench/gpu/bundle && ./check.sh (see bench/README.md, "GPU check").
#
# The bundle (refused above LAMINA_BUNDLE_MAX_MB, default 60 MB):
#   jre.tar.xz   a jlinked Java 17 runtime with the modules the CLI needs (found with jdeps),
#                jdk.compiler included: its bin/javac and include/jni.h make it a JDK as far as
#                'lamina torch use' is concerned (BuildTools), so the JNI builds with no JDK there.
#                Modules stored uncompressed (--compress=0), then xz: 16 MB instead of 28 MB.
#   lib/         Lamina's CLI jars without JavaFX (and the JavaFX-only jars: ControlsFX, Monocle,
#                JFreeChart-FX, the panel plugins) and without DJL's 2.5.1 natives
#                (pytorch-native-cpu, pytorch-jni): the libtorch is the machine's own torch. DJL's
#                tokenizers jar keeps its linux-x86_64 library only.
#   djl/         DJL v0.33.0's JNI sources (the tarball of ../shared/third_party)
#   samples/     fashion-cnn, fashion-vit, mnist-cnn, tiny-llama, the concept sets, the data
#                (Fashion-MNIST train cut to its first 3,000 images; nothing in the suite reads more)
#   reference/   the suite (suite.sh) run here on CPU with the bundled PyTorch 2.5.1 natives
#   python/      the Python twins of bench/python used for timings (runner.py, harness.py)
#   check.sh, suite.sh, compare.py, lamina (the launcher on the bundled runtime)
#
#   LAMINA_DJL_SRC  DJL's JNI sources (default ../shared/third_party/djl-v0.33.0-pytorch-jni-src.tar.gz)
#   JAVA_HOME       the JDK to jlink from (default: the one javac on PATH belongs to)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/bench/gpu"
bundle="$here/bundle"
max_mb="${LAMINA_BUNDLE_MAX_MB:-60}"
djl_src="${LAMINA_DJL_SRC:-$root/../shared/third_party/djl-v0.33.0-pytorch-jni-src.tar.gz}"
[ -f "$djl_src" ] || { echo "pack.sh: DJL's JNI sources not found at $djl_src (set LAMINA_DJL_SRC)" >&2; exit 2; }
jdk="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
[ -d "$jdk/jmods" ] || { echo "pack.sh: $jdk has no jmods/ to jlink from (set JAVA_HOME to a full JDK 17)" >&2; exit 2; }
py=/usr/bin/python3

echo "pack.sh: building Lamina (if sources changed)..." >&2
"$root/lamina" --version >/dev/null
app="$root/app/target"

rm -rf "$bundle"; mkdir -p "$bundle/lib" "$bundle/djl" "$bundle/samples" "$bundle/python"

# --- jars: everything the CLI needs, nothing of JavaFX, no libtorch ---
# DuckDB (feature stores, issue #20) carries its native library for every platform (80 MB): the
# GPU check never opens a store, and without the jar `lamina extract` says DuckDB cannot start.
excluded='duckdb_jdbc-|javafx-|controlsfx-|openjfx-monocle-|org\.jfree\.chart\.fx-|org\.jfree\.fxgraphics2d-|lamina-plugin-(explorer|infoplane|craft|neuronpath|conceptdepth|chmcorr)-|pytorch-native-cpu-|pytorch-jni-'
cp "$app/lamina-app.jar" "$bundle/lib/"
for j in "$app"/lib/*.jar; do
  b="$(basename "$j")"
  if [[ "$b" =~ ^($excluded) ]]; then continue; fi
  cp "$j" "$bundle/lib/"
done
# DJL's tokenizers jar carries its Rust library for four platforms (18.6 MB); keep linux-x86_64.
tok="$(ls "$bundle"/lib/tokenizers-*.jar)"
zip -q -d "$tok" 'native/lib/linux-aarch64/*' 'native/lib/osx-aarch64/*' 'native/lib/win-x86_64/*' >/dev/null

# --- the runtime: the modules jdeps finds in those jars (per jar: some are named modules whose
# requirements jdeps cannot resolve as a class path), plus jdk.compiler (javac for the JNI header)
# and jdk.unsupported / jdk.zipfs (reflective users that jdeps does not see) ---
mods="jdk.compiler,jdk.unsupported,jdk.zipfs,java.sql"
for j in "$bundle"/lib/*.jar; do
  m="$("$jdk/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 17 -q "$j" 2>/dev/null | tail -1 || true)"
  [ -n "$m" ] && mods="$mods,$m"
done
mods="$(tr ',' '\n' <<< "$mods" | grep -v '^$' | sort -u | paste -sd,)"
echo "pack.sh: jlink modules: $mods" >&2
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
"$jdk/bin/jlink" --module-path "$jdk/jmods" --add-modules "$mods" --strip-debug --no-man-pages --compress=0 \
  --output "$tmp/jre" >/dev/null
strip --strip-unneeded "$tmp/jre/lib/server/libjvm.so"
[ -f "$tmp/jre/include/jni.h" ] && [ -f "$tmp/jre/include/linux/jni_md.h" ] && [ -x "$tmp/jre/bin/javac" ] \
  || { echo "pack.sh: the jlinked runtime lacks include/jni.h or bin/javac" >&2; exit 1; }
jre_raw_mb="$(du -sm "$tmp/jre" | cut -f1)"
tar -C "$tmp" -cf - jre | xz -6 -T1 >"$bundle/jre.tar.xz"

# --- DJL sources, samples, data ---
cp "$djl_src" "$bundle/djl/"
for m in fashion-cnn fashion-vit mnist-cnn tiny-llama concepts; do cp -r "$root/sample-models/$m" "$bundle/samples/"; done
mkdir -p "$bundle/samples/data"
cp -r "$root/sample-models/data/mnist" "$bundle/samples/data/"
mkdir -p "$bundle/samples/data/fashion-mnist"
cp "$root"/sample-models/data/fashion-mnist/test-* "$bundle/samples/data/fashion-mnist/"
"$py" - "$root/sample-models/data/fashion-mnist" "$bundle/samples/data/fashion-mnist" 3000 <<'EOF'
# The first N images/labels of the Fashion-MNIST train split, as IDX (header count rewritten);
# mtime 0 keeps the gzip bytes reproducible.
import gzip, struct, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for kind, item in (("images-idx3", 784), ("labels-idx1", 1)):
    name = f"train-{kind}-ubyte.gz"
    data = gzip.open(f"{src}/{name}").read()
    hdr = 16 if item == 784 else 8
    total = struct.unpack(">I", data[4:8])[0]
    assert total >= n, (name, total)
    out = data[:4] + struct.pack(">I", n) + data[8:hdr] + data[hdr:hdr + n * item]
    with open(f"{dst}/{name}", "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as g:
            g.write(out)
EOF

# --- scripts ---
cp "$here/check.sh" "$here/suite.sh" "$here/compare.py" "$bundle/"
cp "$root/bench/python/runner.py" "$root/bench/python/harness.py" "$bundle/python/"
cat >"$bundle/lamina" <<'EOF'
#!/usr/bin/env bash
# Lamina's CLI on the bundle's runtime (unpacked by check.sh into $LAMINA_CHECK_WORK/jre).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="${LAMINA_CHECK_WORK:-$here/work}"
export OPT_OUT_TRACKING=true
export LAMINA_SAMPLES="${LAMINA_SAMPLES:-$here/samples}"
export LAMINA_DJL_SRC="${LAMINA_DJL_SRC:-$(ls "$here"/djl/*.tar.gz)}"
export ONEDNN_MAX_CPU_ISA="${ONEDNN_MAX_CPU_ISA:-AVX2}"   # as ./lamina: oneDNN's AVX-512 conv backward is wrong on AMD EPYC
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$work/djl-cache}"   # DJL's tokenizers unpack their library there
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-33554432}" MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-67108864}"
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-1}"   # as ./lamina: one glibc arena for the worker threads that call the model
# UTF-8 whatever the locale (a bare environment is POSIX: Java 17 would write ASCII with ? for the rest)
exec "$work/jre/bin/java" ${LAMINA_JAVA_OPTS:-} -Dfile.encoding=UTF-8 -Dsun.stdout.encoding=UTF-8 -Dsun.stderr.encoding=UTF-8 -Djava.awt.headless=true -Dai.djl.offline=true \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error \
  -cp "$here/lib/*" org.lamina.app.cli.LaminaCli "$@"
EOF
chmod +x "$bundle/lamina" "$bundle/check.sh"

# --- the CPU reference: the suite on this machine's bundled PyTorch 2.5.1 natives (a config
# folder of its own, so a 'lamina torch use' choice never leaks in), with the bundle's samples ---
echo "pack.sh: CPU reference (PyTorch 2.5.1 natives)..." >&2
mkdir -p "$tmp/config"
# shellcheck source=suite.sh
. "$here/suite.sh"
XDG_CONFIG_HOME="$tmp/config" LAMINA_SAMPLES="$bundle/samples" run_suite "$root/lamina" "$bundle/reference" cpu "$bundle/samples"
XDG_CONFIG_HOME="$tmp/config" "$root/lamina" inspect sample:fashion-cnn --device cpu >"$bundle/reference/inspect.txt" 2>&1 || true
bad="$(grep -lv '^0$' "$bundle"/reference/*/rc || true)"
if [ -n "$bad" ]; then
  for f in $bad; do d="$(dirname "$f")"; echo "pack.sh: reference step $(basename "$d") failed:" >&2; tail -5 "$d/stderr.txt" >&2; done
  exit 1
fi

{
  echo "Lamina GPU check bundle (issue #17 §3)"
  echo "commit     $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo ' (+ uncommitted changes)')"
  echo "packed     $(date -u +%FT%TZ) on $(nproc) cores"
  echo "jdk        $("$jdk/bin/java" -version 2>&1 | head -1)"
  echo "modules    $mods"
  echo "reference  $(grep -m1 'DJL ' "$bundle/reference/inspect.txt" | sed 's/^ *//')"
  echo "jre        ${jre_raw_mb} MB unpacked"
  echo; echo "sizes (MB):"; du -sm "$bundle"/* | sort -rn
} >"$bundle/MANIFEST.txt"

size_mb="$(du -sm "$bundle" | cut -f1)"
size_bytes="$(du -sb "$bundle" | cut -f1)"
echo "pack.sh: bundle $bundle: $size_bytes bytes (~$size_mb MB; limit $max_mb MB, the device run carries at most 64 MiB)"
du -sh "$bundle"/* | sort -rh
if [ "$size_bytes" -gt $((max_mb * 1000 * 1000)) ]; then
  echo "pack.sh: the bundle is larger than $max_mb MB: refused" >&2; exit 1
fi
