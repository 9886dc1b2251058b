#!/usr/bin/env bash
# Feature stores (issue #20), bench/README.md "Feature stores (#20)":
#   (a) single JVM `lamina extract` vs Spark local[2] (lamina-spark.jar, launched as spark-submit
#       would: Spark's jars on the class path, spark.master as a system property), 20,000
#       fashion-cnn items listed as PNG files, ROUNDS times alternately;
#   (b) DuckDB vs Spark local[2] as the single-machine Parquet engine (StoreEngineBench).
# Usage: bench/featurestore.sh [ROUNDS] [WORKDIR]   (needs /usr/bin/time; no Spark install)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-2}"
work="${2:-/tmp/lamina-fs-bench}"
mkdir -p "$work"
cd "$root"

# 20,000 items: Fashion-MNIST's bundled train split (all of it) as grey PNGs and a list.
if [ ! -f "$work/train20k.txt" ]; then
  /usr/bin/python3 - "$root" "$work" <<'PY'
import gzip, struct, sys, zlib, os
root, work = sys.argv[1], sys.argv[2]
d = os.path.join(root, "sample-models/data/fashion-mnist/")
b = gzip.open(d + "train-images-idx3-ubyte.gz").read()
l = gzip.open(d + "train-labels-idx1-ubyte.gz").read()
os.makedirs(os.path.join(work, "img"), exist_ok=True)
def chunk(t, data):
    return struct.pack(">I", len(data)) + t + data + struct.pack(">I", zlib.crc32(t + data) & 0xffffffff)
with open(os.path.join(work, "train20k.txt"), "w") as f:
    f.write("# fashion-train, 20,000 items as PNG files\n")
    for i in range(20000):
        px = b[16 + i * 784:16 + (i + 1) * 784]
        raw = b"".join(b"\x00" + px[r * 28:(r + 1) * 28] for r in range(28))
        png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 28, 28, 8, 0, 0, 0, 0))
               + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
        name = "img/%05d.png" % i
        open(os.path.join(work, name), "wb").write(png)
        f.write("%s,%d\n" % (name, l[8 + i]))
PY
fi

./lamina --version >/dev/null   # builds the app if needed
mvn -o -q -B -pl distributed -am package -DskipTests >/dev/null
mvn -o -q -B -pl distributed dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/test-cp.txt" >/dev/null
# Spark's own jars: what a Spark distribution's jars/ folder puts on spark-submit's class path.
tr ':' '\n' < "$work/test-cp.txt" | grep -v -E "/org/lamina/|/ai/djl/|/org/duckdb/|/info/picocli/|/junit/|/assertj/|/opentest4j/|/apiguardian/|/byte-buddy/" \
  | paste -sd: > "$work/spark-cp.txt"
opens="$(grep -o '<lamina.spark.opens>.*</lamina.spark.opens>' distributed/pom.xml | sed 's/<[^>]*>//g')"
cat > "$work/log4j2.properties" <<'L4J'
rootLogger.level = warn
rootLogger.appenderRef.stdout.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
L4J
# The launcher's environment, for both sides.
export OPT_OUT_TRACKING=true ONEDNN_MAX_CPU_ISA=AVX2 MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=67108864 MALLOC_ARENA_MAX=1
export GLIBC_TUNABLES=glibc.malloc.hugetlb=1

seconds() { grep "Elapsed (wall clock)" "$1" | awk '{print $NF}' | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }'; }
rss() { grep "Maximum resident" "$1" | awk '{printf "%.0f", $NF/1024}'; }

echo "== (a) 20,000 fashion-cnn items: single JVM vs Spark local[2]  ($(date -u +%H:%M) UTC, load $(cut -d' ' -f1-3 /proc/loadavg))"
for r in $(seq "$rounds"); do
  rm -rf "$work/single" "$work/spark"
  /usr/bin/time -v ./lamina extract sample:fashion-cnn --data "$work/train20k.txt" --out "$work/single" --part-rows 2000 --quiet \
    >"$work/single.out" 2>"$work/single.time"
  /usr/bin/time -v java -Xmx4g $opens -Dai.djl.offline=true -Dspark.master='local[2]' -Dspark.ui.enabled=false \
    -Dlog4j2.configurationFile="$work/log4j2.properties" \
    -cp "distributed/target/lamina-spark.jar:$(cat "$work/spark-cp.txt")" org.lamina.distributed.SparkExtract \
    extract sample:fashion-cnn --data "$work/train20k.txt" --out "$work/spark" --partitions 2 --part-rows 2000 \
    >"$work/spark.out" 2>"$work/spark.time"
  s=$(seconds "$work/single.time"); p=$(seconds "$work/spark.time")
  echo "round $r: single JVM ${s} s (peak RSS $(rss "$work/single.time") MB) | Spark local[2] ${p} s (peak RSS $(rss "$work/spark.time") MB) | ratio $(echo "$p / $s" | bc -l | cut -c1-4)  [load $(cut -d' ' -f1 /proc/loadavg)]"
done
grep -h "items" "$work/single.out" "$work/spark.out" | head -2

echo "== (b) the Parquet engine alone: DuckDB vs Spark local[2], 20,000 rows of fashion-cnn's 362 floats, parts of 4,096 rows"
for r in $(seq "$rounds"); do
  for e in duckdb spark; do
    rm -rf "$work/eng-$e"
    /usr/bin/time -v java -Xmx4g $opens -Dlog4j2.configurationFile="$work/log4j2.properties" \
      -cp "analysis/target/classes:distributed/target/classes:distributed/target/test-classes:$(cat "$work/test-cp.txt")" \
      org.lamina.distributed.StoreEngineBench "$e" 20000 32,64,128,128,10 "$work/eng-$e" 4096 \
      >"$work/eng-$e.out" 2>"$work/eng-$e.time"
    echo "round $r: $(tail -1 "$work/eng-$e.out") | process $(seconds "$work/eng-$e.time") s, peak RSS $(rss "$work/eng-$e.time") MB"
  done
done
