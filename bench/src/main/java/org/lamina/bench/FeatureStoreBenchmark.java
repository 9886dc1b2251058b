package org.lamina.bench;

import org.lamina.analysis.featurestore.FeatureChunk;
import org.lamina.analysis.featurestore.FeatureStore;
import org.lamina.analysis.featurestore.FeatureStoreWriter;
import org.lamina.analysis.featurestore.StoreExtraction;
import org.lamina.analysis.featurestore.StoreManifest;
import org.lamina.analysis.job.ProgressSink;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Feature-store reads and writes (issue #20; bench/README.md "Feature stores (#20)"), Java only:
 * a store of {@code rows} items with one point of {@code dimension} floats (seeded uniform
 * values, which Parquet cannot compress: the worst case), written in parts of {@code partRows}
 * ({@code 0}: automatic, {@link StoreExtraction#partRows}) at set-up, then
 * <ul>
 *   <li>{@code readAll}: every row, as {@code probe --features} and the CHM-Corr gallery index read;</li>
 *   <li>{@code read20}: 20 items spread over the store, as CHM-Corr's shortlisted exemplars;</li>
 *   <li>{@code write}: writing the whole store again (DuckDB's appender and Parquet encoder).</li>
 * </ul>
 * Shapes: 362 floats (fashion-cnn's five pooled points) and 6,272 (its stage3 map kept whole,
 * {@code --reduce none}: the CHM-Corr gallery store).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FeatureStoreBenchmark {

    @Param({"20000"})
    public int rows;

    @Param({"362", "6272"})
    public int dimension;

    @Param({"0", "4096"})
    public int partRows;

    private Path dir;
    private List<StoreManifest.PointColumn> columns;
    private FeatureStore store;
    private int[] twenty;

    @Setup(Level.Trial)
    public void writeStore() throws IOException {
        dir = Files.createTempDirectory("lamina-store-bench");
        columns = List.of(new StoreManifest.PointColumn("p", new long[] {dimension}, "none", dimension));
        write(dir.resolve("s"));
        store = FeatureStore.open(dir.resolve("s"));
        twenty = new SplittableRandom(7).ints(20, 0, rows).distinct().sorted().toArray();
    }

    private void write(Path target) {
        int part = StoreExtraction.partRows(partRows, columns);
        try (FeatureStoreWriter w = FeatureStoreWriter.create(target, columns, true)) {
            StoreExtraction.run((items, p) -> {
                SplittableRandom r = new SplittableRandom(items[0]);
                float[] v = new float[items.length * dimension];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) r.nextDouble();
                }
                return new FeatureChunk(items, IntStream.of(items).map(i -> i % 10).toArray(),
                        IntStream.of(items).mapToObj(i -> "img/" + i + ".png").toArray(String[]::new),
                        new int[] {dimension}, List.of(v));
            }, IntStream.range(0, rows).toArray(), part, w, ProgressSink.none());
            w.commit("bench", new StoreManifest.ModelInfo("m", "/m", "0".repeat(64), "0".repeat(64)),
                    new StoreManifest.DataInfo("d", "d", "0".repeat(64), rows, null), "none", "cpu()", Map.of());
        }
    }

    @Benchmark
    public float readAll() {
        FeatureChunk c = store.readAll();
        return c.values().get(0)[c.values().get(0).length - 1];
    }

    @Benchmark
    public float read20() {
        FeatureChunk c = store.readItems(List.of("p"), twenty);
        return c.values().get(0)[0];
    }

    @Benchmark
    public long write() {
        write(dir.resolve("w"));
        return store.manifest().rows();
    }

    @TearDown(Level.Trial)
    public void remove() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
