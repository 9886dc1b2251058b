package org.lamina.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

import org.lamina.analysis.conceptdepth.BatchedLbfgsProbe;
import org.lamina.analysis.conceptdepth.LogisticProbe;
import org.lamina.analysis.craft.NmfResult;
import org.lamina.analysis.craft.NmfSettings;
import org.lamina.analysis.craft.NonNegativeFactorization;
import org.lamina.analysis.craft.RowMajorMatrix;
import org.lamina.analysis.infoplane.DenseNetwork;
import org.lamina.analysis.linalg.CholeskySolver;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.djl.Mlp;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * What stays on the host (issue #17 §2): the host time of each computation that a GPU run still
 * does in Java, at a typical and a large size, to set beside the bytes that keeping it on the
 * device would save or cost (bench/README.md, "What runs where"). Java only — there is no Python
 * twin; run with JMH directly (see bench/README.md). Inputs are seeded synthetic data of the
 * analyses' shapes:
 * <ul>
 *   <li>{@code nmf360}, {@code nmf4500}: CRAFT's NMF (HALS, sklearn's settings, r = 10) of a
 *       rectified-Gaussian A of 360 × 128 (40 images × 9 crops, bench {@code craft}) and 4,500 ×
 *       128 (500 images × 9 crops); iterations are printed at tear-down.</li>
 *   <li>{@code newtonD128}, {@code newtonD768}: one concept-depth probe, {@link LogisticProbe} on
 *       the CPU (primal Newton in Java), n = 1,000 rows of d = 128 / 768 standardised features,
 *       labels from a planted direction with 10 % flipped.</li>
 *   <li>{@code cholesky769}: the (d+1)² Newton system at d = 768 solved in Java — the host part of
 *       each Newton iteration on a GPU ({@code LogisticProbe.fitOnDjl}).</li>
 *   <li>{@code lbfgsBatchedD768}: {@link BatchedLbfgsProbe} on the CPU, 10 problems (5 concepts,
 *       task + control) on the same 1,000 × 768 rows.</li>
 *   <li>{@code mlp12bitStep}: one training step of the information-plane network 12-10-7-5-4-3-2
 *       (tanh), batch 256: loss and gradients + Adam ({@link DenseNetwork}, plain Java).</li>
 *   <li>{@code mlpImageStep}: the same step for Saxe's 784-1024-20-20-20-10 (ReLU), which goes to
 *       libtorch ({@code TensorPasses}), batch 256.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class HostSideBenchmark {

    private static final int ROWS = 1000;
    private static final int BATCH = 256;

    private NDManager manager;
    private RowMajorMatrix a360;
    private RowMajorMatrix a4500;
    private float[] x128;
    private float[] x768;
    private int[] y128;
    private int[] y768;
    private double[] spd769;
    private double[] rhs769;
    private List<BatchedLbfgsProbe.Problem> problems;
    private DenseNetwork bits;
    private DenseNetwork.Adam bitsAdam;
    private float[] bitsX;
    private int[] bitsY;
    private DenseNetwork image;
    private DenseNetwork.Adam imageAdam;
    private float[] imageX;
    private int[] imageY;
    private double[][] bitsGw;
    private double[][] bitsGb;
    private double[][] imageGw;
    private double[][] imageGb;
    private final int[] nmfIterations = new int[2];
    private final int[] newtonIterations = new int[2];

    @Setup(Level.Trial)
    public void load() {
        ModelRuntime.engine();
        manager = NDManager.newBaseManager(Device.cpu());
        SplittableRandom rnd = new SplittableRandom(17);
        a360 = rectified(rnd, 360, 128);
        a4500 = rectified(rnd, 4500, 128);
        x128 = gaussian(rnd, ROWS * 128);
        y128 = planted(rnd, x128, ROWS, 128);
        x768 = gaussian(rnd, ROWS * 768);
        y768 = planted(rnd, x768, ROWS, 768);
        int p = 769;
        float[] design = gaussian(rnd, ROWS * p);
        spd769 = new double[p * p];
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < p; j++) {
                double v = design[i * p + j] * 0.25; // a Hessian's weights s = p(1−p) ≤ ¼
                for (int k = 0; k < p; k++) {
                    spd769[j * p + k] += v * design[i * p + k];
                }
            }
        }
        for (int j = 0; j < p; j++) {
            spd769[j * p + j] += 1;
        }
        rhs769 = new double[p];
        for (int j = 0; j < p; j++) {
            rhs769[j] = rnd.nextGaussian();
        }
        problems = new ArrayList<>();
        for (int q = 0; q < 10; q++) {
            int[] rows = new int[ROWS * 4 / 5];
            int[] labels = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = (i * 5 + q) % ROWS;
                labels[i] = q % 2 == 0 ? y768[rows[i]] : rnd.nextInt(2);
            }
            problems.add(new BatchedLbfgsProbe.Problem(rows, labels));
        }
        bits = new DenseNetwork(new int[] {12, 10, 7, 5, 4, 3, 2}, Mlp.Kind.TANH, 1);
        bitsAdam = new DenseNetwork.Adam(bits, 4e-4);
        bitsX = new float[BATCH * 12];
        bitsY = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            for (int j = 0; j < 12; j++) {
                bitsX[i * 12 + j] = rnd.nextInt(2);
            }
            bitsY[i] = rnd.nextInt(2);
        }
        bitsGw = gradients(bits, true);
        bitsGb = gradients(bits, false);
        image = new DenseNetwork(new int[] {784, 1024, 20, 20, 20, 10}, Mlp.Kind.RELU, 1);
        imageAdam = new DenseNetwork.Adam(image, 4e-4);
        imageX = new float[BATCH * 784];
        for (int i = 0; i < imageX.length; i++) {
            imageX[i] = (float) rnd.nextDouble();
        }
        imageY = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            imageY[i] = rnd.nextInt(10);
        }
        imageGw = gradients(image, true);
        imageGb = gradients(image, false);
    }

    @Benchmark
    public double nmf360() {
        NmfResult r = NonNegativeFactorization.fit(manager, a360, 10, NmfSettings.defaults());
        nmfIterations[0] = r.iterations();
        return r.relativeError();
    }

    @Benchmark
    public double nmf4500() {
        NmfResult r = NonNegativeFactorization.fit(manager, a4500, 10, NmfSettings.defaults());
        nmfIterations[1] = r.iterations();
        return r.relativeError();
    }

    @Benchmark
    public double newtonD128() {
        LogisticProbe.Fit f = LogisticProbe.SKLEARN_DEFAULTS.fit(x128, ROWS, 128, y128, Device.cpu());
        newtonIterations[0] = f.iterations();
        return f.objective();
    }

    @Benchmark
    public double newtonD768() {
        LogisticProbe.Fit f = LogisticProbe.SKLEARN_DEFAULTS.fit(x768, ROWS, 768, y768, Device.cpu());
        newtonIterations[1] = f.iterations();
        return f.objective();
    }

    @Benchmark
    public double cholesky769() {
        return CholeskySolver.solve(spd769, 769, rhs769)[0];
    }

    @Benchmark
    public double lbfgsBatchedD768() {
        return new BatchedLbfgsProbe(LogisticProbe.SKLEARN_DEFAULTS).fitAll(x768, ROWS, 768, problems, Device.cpu())[0]
                .objective();
    }

    @Benchmark
    public double mlp12bitStep() {
        double loss = bits.lossAndGradients(bitsX, bitsY, null, 0, BATCH, bitsGw, bitsGb);
        bitsAdam.step(bits, bitsGw, bitsGb);
        return loss;
    }

    @Benchmark
    public double mlpImageStep() {
        double loss = image.lossAndGradients(imageX, imageY, null, 0, BATCH, imageGw, imageGb);
        imageAdam.step(image, imageGw, imageGb);
        return loss;
    }

    @TearDown(Level.Trial)
    public void close() {
        if (nmfIterations[0] + nmfIterations[1] > 0) {
            System.out.printf(Locale.ROOT, "host-side nmf iterations: 360x128 %d, 4500x128 %d%n", nmfIterations[0],
                    nmfIterations[1]);
        }
        if (newtonIterations[0] + newtonIterations[1] > 0) {
            System.out.printf(Locale.ROOT, "host-side newton iterations: d=128 %d, d=768 %d%n", newtonIterations[0],
                    newtonIterations[1]);
        }
        manager.close();
    }

    private static RowMajorMatrix rectified(SplittableRandom rnd, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.max(0, rnd.nextGaussian());
        }
        return new RowMajorMatrix(rows, cols, v);
    }

    private static float[] gaussian(SplittableRandom rnd, int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    private static int[] planted(SplittableRandom rnd, float[] x, int n, int d) {
        double[] direction = new double[d];
        for (int j = 0; j < d; j++) {
            direction[j] = rnd.nextGaussian();
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double z = 0;
            for (int j = 0; j < d; j++) {
                z += x[i * d + j] * direction[j];
            }
            y[i] = (z > 0) != (rnd.nextDouble() < 0.1) ? 1 : 0;
        }
        return y;
    }

    private static double[][] gradients(DenseNetwork net, boolean weights) {
        int[] w = net.widths();
        double[][] g = new double[net.layers()][];
        for (int l = 0; l < g.length; l++) {
            g[l] = new double[weights ? w[l] * w[l + 1] : w[l + 1]];
        }
        return g;
    }
}
