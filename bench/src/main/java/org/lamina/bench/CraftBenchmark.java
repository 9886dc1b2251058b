package org.lamina.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import org.lamina.analysis.craft.CraftAnalysis;
import org.lamina.analysis.craft.CraftParameters;
import org.lamina.analysis.craft.NmfResult;
import org.lamina.analysis.craft.NmfSettings;
import org.lamina.analysis.craft.NonNegativeFactorization;
import org.lamina.analysis.craft.RowMajorMatrix;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Case {@code craft} (issue #7): CRAFT on {@code fashion-cnn}, class 0 (T-shirt/top) of
 * {@code sample:fashion-train}, r = 10, N = 32, patch 10 (9 crops per image), on the first
 * {@code LAMINA_BENCH_CRAFT_IMAGES} images of the class (default 40).
 * <ul>
 *   <li>{@code endToEnd}: crops → g → NMF → NNLS maps → Sobol indices (what the reference
 *       pipeline does; fidelity curves off).</li>
 *   <li>{@code nmf}: the NMF alone on the crop activations A in {@code $LAMINA_BENCH_INPUT}
 *       (the {@code craft-data.npz} made by {@code bench/python/craft.prepare.sh}); its relative
 *       error is printed at tear-down.</li>
 * </ul>
 * Python twin: {@code bench/python/craft.py} (torch on the same .pt, sklearn NMF, same masks).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CraftBenchmark {

    private ProbeableModel model;
    private Dataset data;
    private CraftParameters parameters;
    private RowMajorMatrix a;
    private NDManager manager;
    private double lastError;
    private int lastIterations;

    @Setup(Level.Trial)
    public void load() throws Exception {
        ModelRuntime.engine();
        model = ModelLoader.open("sample:fashion-cnn", ModelRuntime.DeviceChoice.CPU);
        data = SampleData.open("sample:fashion-train", model.manifest().input().shape());
        int images = Integer.parseInt(System.getenv().getOrDefault("LAMINA_BENCH_CRAFT_IMAGES", "40"));
        parameters = CraftParameters.defaults(0).withImages(images).withPatch(10).withFidelity(false);
        manager = NDManager.newBaseManager();
        Path file = Path.of(System.getenv().getOrDefault("LAMINA_BENCH_INPUT", "craft-data.npz"));
        try (NDManager m = NDManager.newBaseManager(); InputStream in = Files.newInputStream(file)) {
            NDArray arr = NDList.decode(m, in).get("A");
            a = RowMajorMatrix.of(arr);
        }
    }

    @Benchmark
    public double endToEnd() {
        return CraftAnalysis.run(model, data, parameters, ProgressSink.none()).importance()[0];
    }

    @Benchmark
    public double nmf() {
        NmfResult r = NonNegativeFactorization.fit(manager, a, 10, NmfSettings.defaults());
        lastError = r.relativeError();
        lastIterations = r.iterations();
        return lastError;
    }

    @TearDown(Level.Trial)
    public void close() {
        if (lastIterations > 0) {
            System.out.printf(Locale.ROOT, "craft nmf: A %dx%d, relative error %.6f after %d iterations%n", a.rows(), a.cols(),
                    lastError, lastIterations);
        }
        manager.close();
        model.close();
    }
}
