package org.lamina.analysis.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Properties every probeable model must have, whatever its back-end (issue #2): patching a point
 * with its own value is a no-op, starting at a cut point reproduces the full run, gradients match
 * central finite differences, results do not depend on the batch size, and 1,000 calls leak no
 * tensors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ProbeableModelContract {

    /** The model under test (opened once per class). */
    protected abstract ProbeableModel model();

    /** A deterministic, normalised input batch. */
    protected NDArray input(NDManager manager, int batch) {
        long[] shape = model().manifest().input().shape();
        long[] full = new long[shape.length + 1];
        full[0] = batch;
        System.arraycopy(shape, 0, full, 1, shape.length);
        Random random = new Random(42);
        int n = 1;
        for (long d : full) {
            n *= (int) d;
        }
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return manager.create(values, new ai.djl.ndarray.types.Shape(full));
    }

    /** Absolute tolerance for comparing two forward results that should be equal. */
    protected double forwardTolerance() {
        return 1e-5;
    }

    @Test
    void replacingAPointWithItsOwnValueChangesNothing() {
        try (NDManager m = NDManager.newBaseManager(model().device())) {
            NDArray x = input(m, 4);
            Trace plain = model().run(m, RunRequest.fromInput(x).captureAll().build());
            Trace logitsOnly = model().run(m, RunRequest.fromInput(x).build());
            assertClose(logitsOnly.logits(), plain.logits(), forwardTolerance(), "logits-only run vs capturing run");
            for (ProbePoint p : model().probePoints()) {
                Trace patched = model().run(m, RunRequest.fromInput(x).replace(p.name(), plain.activation(p.name())).build());
                assertClose(patched.logits(), plain.logits(), forwardTolerance(), "replace " + p.name());
            }
        }
    }

    @Test
    void startingAtACutPointWithTheCapturedTensorEqualsTheFullRun() {
        try (NDManager m = NDManager.newBaseManager(model().device())) {
            NDArray x = input(m, 4);
            Trace full = model().run(m, RunRequest.fromInput(x).captureAll().build());
            List<ProbePoint> startable = model().probePoints().stream().filter(ProbePoint::startable).toList();
            assertThat(startable).isNotEmpty();
            for (ProbePoint p : startable) {
                Trace rest = model().run(m, RunRequest.startingAt(p.name(), full.activation(p.name())).captureAll().build());
                assertClose(rest.logits(), full.logits(), forwardTolerance(), "start at " + p.name());
                for (ProbePoint later : model().probePoints()) {
                    if (later.index() > p.index()) {
                        assertClose(rest.activation(later.name()), full.activation(later.name()), forwardTolerance(),
                                "start at " + p.name() + ", point " + later.name());
                    }
                }
            }
        }
    }

    @Test
    void aGradientRunComputesTheSameForwardAsAPlainRun() {
        try (NDManager m = NDManager.newBaseManager(model().device())) {
            for (int batch : new int[] {1, 2, 32}) {
                NDArray x = input(m, batch);
                Trace plain = model().run(m, RunRequest.fromInput(x).captureAll().build());
                Trace withGradient = model().run(m, RunRequest.fromInput(x).captureAll()
                        .objective(Objective.classLogit(0)).inputGradient().build());
                assertClose(withGradient.logits(), plain.logits(), forwardTolerance(), "logits, batch " + batch);
                for (String p : plain.activations().keySet()) {
                    assertClose(withGradient.activation(p), plain.activation(p), forwardTolerance(), p + ", batch " + batch);
                }
            }
        }
    }

    @Test
    void resultsAreTheSameForBatchSizeOneAndThirtyTwo() {
        try (NDManager m = NDManager.newBaseManager(model().device())) {
            NDArray x = input(m, 32);
            Trace batch = model().run(m, RunRequest.fromInput(x).captureAll().build());
            for (int i : new int[] {0, 7, 31}) {
                Trace one = model().run(m, RunRequest.fromInput(x.get(new NDIndex("{}:{}", i, i + 1))).captureAll().build());
                assertClose(one.logits(), batch.logits().get(new NDIndex("{}:{}", i, i + 1)), forwardTolerance(), "sample " + i);
                for (String p : one.activations().keySet()) {
                    assertClose(one.activation(p), batch.activation(p).get(new NDIndex("{}:{}", i, i + 1)),
                            forwardTolerance(), "sample " + i + " point " + p);
                }
            }
        }
    }

    @Test
    void inputGradientMatchesCentralFiniteDifferences() {
        try (NDManager m = NDManager.newBaseManager(model().device())) {
            NDArray x = input(m, 2);
            Objective objective = Objective.classProbability(1);
            Trace t = model().run(m, RunRequest.fromInput(x).objective(objective).inputGradient().build());
            checkFiniteDifferences(m, x, t.inputGradient(), xs -> model().run(m, RunRequest.fromInput(xs).objective(objective).build()));
        }
    }

    @Test
    void pointGradientMatchesFiniteDifferencesAndKeepsTheInputGradient() {
        try (NDManager m = NDManager.newBaseManager(model().device())) {
            NDArray x = input(m, 2);
            Objective objective = Objective.classLogit(0);
            ProbePoint p = model().probePoints().stream().filter(ProbePoint::startable).findFirst().orElseThrow();
            Trace t = model().run(m, RunRequest.fromInput(x).capture(p.name()).objective(objective)
                    .gradientAt(p.name()).inputGradient().build());
            assertThat(t.inputGradient()).isNotNull();
            assertThat(t.inputGradient().abs().sum().getFloat()).isGreaterThan(0f);
            NDArray h = t.activation(p.name());
            checkFiniteDifferences(m, h, t.gradient(p.name()),
                    hs -> model().run(m, RunRequest.startingAt(p.name(), hs).objective(objective).build()));
            // The same gradient comes back when the point is replaced by its value or is the start point.
            Trace replaced = model().run(m, RunRequest.fromInput(x).replace(p.name(), h).objective(objective)
                    .gradientAt(p.name()).build());
            assertClose(replaced.gradient(p.name()), t.gradient(p.name()), 1e-5, "gradient via replacement");
            Trace started = model().run(m, RunRequest.startingAt(p.name(), h).objective(objective).inputGradient().build());
            assertClose(started.inputGradient(), t.gradient(p.name()), 1e-5, "gradient at the start point");
        }
    }

    @Test
    void aThousandCallsLeakNoTensors() {
        try (NDManager m = NDManager.newBaseManager(model().device())) {
            NDArray x = input(m, 8);
            Objective objective = Objective.classProbability(0);
            for (int warmup = 0; warmup < 20; warmup++) {
                call(m, x, objective);
            }
            long before = MemoryProbe.residentBytes();
            for (int i = 0; i < 1000; i++) {
                call(m, x, objective);
            }
            long growth = MemoryProbe.residentBytes() - before;
            assertThat(m.getManagedArrays()).hasSize(1);
            // Generous bound: allocator noise is a few MB; a leak of the 8-sample batch per call is far more.
            assertThat(growth).as("resident memory growth over 1,000 calls").isLessThan(64L << 20);
        }
    }

    private void call(NDManager m, NDArray x, Objective objective) {
        try (NDManager call = m.newSubManager()) {
            model().run(call, RunRequest.fromInput(x).captureAll().objective(objective).inputGradient().build());
        }
    }

    /**
     * Compares each sampled gradient coordinate with finite differences. ReLU and max-pool make
     * a network piecewise linear: where a kink lies within the step on one side, the central
     * difference averages two slopes, so a coordinate passes when the gradient matches the
     * central difference or one of the one-sided differences (autograd takes one side's slope).
     */
    private void checkFiniteDifferences(NDManager m, NDArray at, NDArray gradient,
                                        java.util.function.Function<NDArray, Trace> run) {
        float[] base = at.toFloatArray();
        float[] g = gradient.toFloatArray();
        assertThat(g).hasSize(base.length);
        Random random = new Random(7);
        double eps = 1e-3;
        double f0 = objectiveSum(m, at, base, 0, 0, run);
        for (int k = 0; k < 6; k++) {
            int i = random.nextInt(base.length);
            double plus = objectiveSum(m, at, base, i, eps, run);
            double minus = objectiveSum(m, at, base, i, -eps, run);
            double central = (plus - minus) / (2 * eps);
            double forward = (plus - f0) / eps;
            double backward = (f0 - minus) / eps;
            double tolerance = 2e-3 + 2e-2 * Math.abs(central);
            boolean matches = Math.abs(g[i] - central) <= tolerance || Math.abs(g[i] - forward) <= tolerance
                    || Math.abs(g[i] - backward) <= tolerance;
            assertThat(matches).as("d objective / d x[%d] = %f; finite differences: central %f, forward %f, backward %f",
                    i, g[i], central, forward, backward).isTrue();
        }
    }

    private static double objectiveSum(NDManager m, NDArray at, float[] base, int i, double delta,
                                       java.util.function.Function<NDArray, Trace> run) {
        float[] shifted = base.clone();
        shifted[i] += (float) delta;
        NDArray xs = m.create(shifted, at.getShape());
        return run.apply(xs).objective().sum().getFloat();
    }

    protected static void assertClose(NDArray actual, NDArray expected, double tolerance, String what) {
        assertThat(actual.getShape()).as(what + " shape").isEqualTo(expected.getShape());
        float[] a = actual.toFloatArray();
        float[] e = expected.toFloatArray();
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - e[i]));
        }
        assertThat(worst).as(what + ": max |difference|").isLessThanOrEqualTo(tolerance);
    }
}
