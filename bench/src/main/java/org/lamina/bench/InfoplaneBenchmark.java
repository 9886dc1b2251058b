package org.lamina.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import org.lamina.analysis.infoplane.BinningEstimator;
import org.lamina.analysis.infoplane.KdeEstimator;
import org.lamina.analysis.infoplane.MutualInformationEstimator;
import org.lamina.analysis.model.ModelRuntime;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
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
 * Case {@code infoplane}: the MI of every layer at one logged epoch — the work repeated at each of
 * the ~140 logged epochs of a run — with binning (30 edges on [−1, 1]) and the KDE upper bound
 * (σ² = 1e-3), on the activations in {@code $LAMINA_BENCH_INPUT} (an {@code activations-final.npz}
 * of {@code lamina infoplane}, made by {@code bench/python/infoplane.prepare.sh}).
 * Python twin: {@code bench/python/infoplane.py} (numpy, the reference code's algorithms).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class InfoplaneBenchmark {

    private final List<float[]> layers = new ArrayList<>();
    private final List<Integer> widths = new ArrayList<>();
    private int[] labels;
    private int n;
    private final MutualInformationEstimator binning = BinningEstimator.byCount(30);
    private final MutualInformationEstimator kde = new KdeEstimator(1e-3);

    @Setup(Level.Trial)
    public void load() throws Exception {
        ModelRuntime.engine();
        Path file = Path.of(System.getenv().getOrDefault("LAMINA_BENCH_INPUT", "activations-final.npz"));
        try (NDManager m = NDManager.newBaseManager(); InputStream in = Files.newInputStream(file)) {
            NDList arrays = NDList.decode(m, in);
            // layers are named as in infoplane.json: layer1 … layerK, then softmax
            List<NDArray> named = new ArrayList<>();
            for (int i = 1; arrays.get("layer" + i) != null; i++) {
                named.add(arrays.get("layer" + i));
            }
            named.add(arrays.get("softmax"));
            for (NDArray a : named) {
                n = (int) a.getShape().get(0);
                widths.add((int) a.getShape().get(1));
                layers.add(a.toType(DataType.FLOAT32, false).toFloatArray());
            }
            long[] y = arrays.get("labels").toType(DataType.INT64, false).toLongArray();
            labels = new int[y.length];
            for (int i = 0; i < y.length; i++) {
                labels[i] = (int) y[i];
            }
        }
    }

    @Benchmark
    public double binningAllLayers() {
        return all(binning);
    }

    @Benchmark
    public double kdeAllLayers() {
        return all(kde);
    }

    private double all(MutualInformationEstimator estimator) {
        double sum = 0;
        for (int l = 0; l < layers.size(); l++) {
            var e = estimator.estimate(layers.get(l), n, widths.get(l), labels);
            sum += e.ixt() + e.ity();
        }
        return sum;
    }
}
