package org.lamina.bench;

import ai.djl.Device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.lamina.analysis.conceptdepth.LogisticProbe;
import org.lamina.analysis.model.ModelRuntime;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Case {@code probewide}: probes whose features are much wider than the rows — {@code wide}: one
 * probe on 1,000 × 100,352 (a 2048 × 7 × 7 map flattened; {@link LogisticProbe} runs L-BFGS with
 * float32 products there, see {@link LogisticProbe#usesLbfgs}); {@code narrow24}: 24 probes (n-dimensional dual) on the same
 * 60 × 2,048 rows (ResNet-50 pooled). Data from {@code bench/python/probewide.prepare.sh} in
 * {@code $LAMINA_BENCH_INPUT}. Python twin: {@code bench/python/probewide.py} (sklearn lbfgs,
 * the reference's defaults). Prints the wide fit's objective and training accuracy at tear-down
 * (to compare with the Python side's).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ProbewideBenchmark {

    private float[] wide;
    private int[] wideLabels;
    private int n;
    private int d;
    private float[] narrow;
    private int[][] narrowLabels;
    private LogisticProbe.Fit lastWide;

    @Setup(Level.Trial)
    public void load() throws IOException {
        ModelRuntime.engine();
        Path dir = Path.of(System.getenv().getOrDefault("LAMINA_BENCH_INPUT", "."));
        JsonNode shapes = new ObjectMapper().readTree(dir.resolve("shapes.json").toFile());
        n = shapes.get("wide").get(0).asInt();
        d = shapes.get("wide").get(1).asInt();
        wide = floats(dir.resolve("wide.f32"), (long) n * d);
        wideLabels = ints(dir.resolve("wide-labels.i32"), n);
        int rows = shapes.get("narrow").get(0).asInt();
        int cols = shapes.get("narrow").get(1).asInt();
        int probes = shapes.get("narrowProbes").asInt();
        narrow = floats(dir.resolve("narrow.f32"), (long) rows * cols);
        int[] all = ints(dir.resolve("narrow-labels.i32"), rows * probes);
        narrowLabels = new int[probes][rows];
        for (int k = 0; k < probes; k++) {
            System.arraycopy(all, k * rows, narrowLabels[k], 0, rows);
        }
    }

    @TearDown(Level.Trial)
    public void report() {
        if (lastWide != null) {
            double[] p = lastWide.probabilities(wide, n, d);
            int ok = 0;
            for (int i = 0; i < n; i++) {
                ok += (p[i] > 0.5 ? 1 : 0) == wideLabels[i] ? 1 : 0;
            }
            System.out.printf(Locale.ROOT, "Lamina wide (%s form): objective %.6f, train accuracy %.4f, %d iterations%n",
                    LogisticProbe.form(n, d), lastWide.objective(), ok / (double) n, lastWide.iterations());
        }
    }

    @Benchmark
    public double wide() {
        lastWide = LogisticProbe.SKLEARN_DEFAULTS.fit(wide, n, d, wideLabels, Device.cpu());
        return lastWide.objective();
    }

    @Benchmark
    public double narrow24() {
        double s = 0;
        int rows = narrowLabels[0].length;
        for (int[] y : narrowLabels) {
            s += LogisticProbe.SKLEARN_DEFAULTS.fit(narrow, rows, narrow.length / rows, y, Device.cpu()).objective();
        }
        return s;
    }

    private static ByteBuffer read(Path p, long bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            if (ch.size() != bytes) {
                throw new IOException(p + ": expected " + bytes + " bytes, found " + ch.size());
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, bytes).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private static float[] floats(Path p, long count) throws IOException {
        float[] out = new float[Math.toIntExact(count)];
        read(p, count * 4).asFloatBuffer().get(out);
        return out;
    }

    private static int[] ints(Path p, int count) throws IOException {
        int[] out = new int[count];
        read(p, count * 4L).asIntBuffer().get(out);
        return out;
    }
}
