package org.lamina.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.lamina.analysis.conceptdepth.LogisticProbe;
import org.lamina.analysis.model.ModelRuntime;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Case {@code probe}: every probe of the Fashion concept set on one model — per concept and probe
 * point the task probe and the control-task probe, fitted on the training rows and scored on the
 * test rows — on the features of {@code lamina probe --export-features} in
 * {@code $LAMINA_BENCH_INPUT/<model>/} (made by {@code bench/python/probe.prepare.sh}).
 * {@code newtonAllProbes}: one {@link LogisticProbe} fit after another (the default solver).
 * The batched L-BFGS option ({@code --solver lbfgs}) is not benchmarked: on CPU it was several
 * times slower than sklearn (its matrix products run without BLAS). Python twin:
 * {@code bench/python/probe.py} (sklearn loop).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ProbeBenchmark {

    @Param({"fashion-cnn", "fashion-vit"})
    public String model;

    /** One concept's features: per point a row-major matrix, labels, split. */
    private record ConceptFeatures(List<float[]> x, int[] dims, int rows, int[] y, int[] control, int[] train,
                                   int[] test) {
    }

    private final List<ConceptFeatures> concepts = new ArrayList<>();

    @Setup(Level.Trial)
    public void load() throws Exception {
        ModelRuntime.engine();
        Path dir = Path.of(System.getenv().getOrDefault("LAMINA_BENCH_INPUT", "."), model);
        JsonNode probe = new ObjectMapper().readTree(dir.resolve("probe.json").toFile());
        for (JsonNode c : probe.get("concepts")) {
            try (NDManager m = NDManager.newBaseManager();
                 InputStream in = Files.newInputStream(dir.resolve("features-" + c.get("name").asText() + ".npz"))) {
                NDList arrays = NDList.decode(m, in);
                List<float[]> x = new ArrayList<>();
                int[] dims = new int[c.get("points").size()];
                int rows = 0;
                for (int k = 0; k < dims.length; k++) {
                    NDArray a = arrays.get(c.get("points").get(k).asText());
                    rows = (int) a.getShape().get(0);
                    dims[k] = (int) a.getShape().get(1);
                    x.add(a.toType(DataType.FLOAT32, false).toFloatArray());
                }
                concepts.add(new ConceptFeatures(x, dims, rows, ints(arrays.get("labels")), ints(arrays.get("controlLabels")),
                        ints(arrays.get("trainIndex")), ints(arrays.get("testIndex"))));
            }
        }
    }

    private static int[] ints(NDArray a) {
        return a.toType(DataType.INT32, false).toIntArray();
    }

    @Benchmark
    public double newtonAllProbes() {
        double sum = 0;
        for (ConceptFeatures c : concepts) {
            for (int k = 0; k < c.dims().length; k++) {
                int d = c.dims()[k];
                float[] xTrain = gather(c.x().get(k), d, c.train());
                float[] xTest = gather(c.x().get(k), d, c.test());
                for (int[] labels : new int[][] {c.y(), c.control()}) {
                    LogisticProbe.Fit fit = LogisticProbe.SKLEARN_DEFAULTS.fit(xTrain, c.train().length, d,
                            pick(labels, c.train()), Device.cpu());
                    sum += accuracy(fit, xTest, c.test().length, d, pick(labels, c.test()));
                }
            }
        }
        return sum;
    }

    private static double accuracy(LogisticProbe.Fit fit, float[] x, int n, int d, int[] y) {
        double[] p = fit.probabilities(x, n, d);
        int ok = 0;
        for (int i = 0; i < n; i++) {
            ok += (p[i] > 0.5 ? 1 : 0) == y[i] ? 1 : 0;
        }
        return (double) ok / n;
    }

    private static float[] gather(float[] x, int d, int[] rows) {
        float[] out = new float[rows.length * d];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(x, rows[r] * d, out, r * d, d);
        }
        return out;
    }

    private static int[] pick(int[] v, int[] at) {
        int[] out = new int[at.length];
        for (int i = 0; i < at.length; i++) {
            out[i] = v[at[i]];
        }
        return out;
    }
}
