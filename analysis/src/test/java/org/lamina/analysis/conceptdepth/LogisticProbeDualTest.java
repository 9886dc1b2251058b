package org.lamina.analysis.conceptdepth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.Random;

/**
 * The dual (kernel) form of the probe for d &gt; n (issue #21): the same optimum as the primal
 * Newton solver and as sklearn's lbfgs run to a tight tolerance (fixture from
 * tools/fixtures/conceptdepth_dual_fixture.py, sklearn 1.2).
 */
class LogisticProbeDualTest {

    private static final LogisticProbe TIGHT = new LogisticProbe(1.0, 100, 1e-10);

    @Test
    void theFormFollowsTheSmallerDimension() {
        assertThat(LogisticProbe.usesDual(60, 2048)).isTrue();
        assertThat(LogisticProbe.usesDual(1000, 100_352)).isTrue();
        assertThat(LogisticProbe.usesDual(1200, 128)).isFalse();
        assertThat(LogisticProbe.form(60, 60)).isEqualTo("primal");
    }

    @Test
    void dualAndPrimalReachTheSameOptimumOnARandomWideProblem() {
        int n = 50;
        int d = 700;
        Random rnd = new Random(11);
        float[] x = new float[n * d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double signal = 0;
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (rnd.nextGaussian() * (j % 3 + 1));
                if (j < 5) {
                    signal += x[i * d + j];
                }
            }
            y[i] = signal + rnd.nextGaussian() > 0 ? 1 : 0;
        }
        for (double c : new double[] {1.0, 0.01}) {
            LogisticProbe probe = new LogisticProbe(c, 100, 1e-10);
            LogisticProbe.Fit primal = probe.fitInJava(x, n, d, y);
            LogisticProbe.Fit dual = probe.fit(x, n, d, y, Device.cpu());
            assertThat(primal.converged()).isTrue();
            assertThat(dual.converged()).isTrue();
            double scale = maxAbs(primal.weights());
            for (int j = 0; j < d; j++) {
                assertThat(dual.weights()[j]).as("C=%s w[%d]", c, j).isCloseTo(primal.weights()[j], within(1e-7 * scale));
            }
            assertThat(dual.intercept()).isCloseTo(primal.intercept(), within(1e-7 * Math.max(1, Math.abs(primal.intercept()))));
            assertThat(dual.objective()).isCloseTo(primal.objective(), within(1e-9 * primal.objective()));
            assertThat(accuracy(dual, x, n, d, y)).isEqualTo(accuracy(primal, x, n, d, y));
            // the libtorch products (used for large n²·d) give the same fit as the Java ones
            LogisticProbe.Fit engine = KernelLogisticNewton.fit(probe, x, n, d, y, Device.cpu(), false);
            for (int j = 0; j < d; j++) {
                assertThat(engine.weights()[j]).as("engine w[%d]", j).isCloseTo(dual.weights()[j], within(1e-9 * scale));
            }
            // (not the iteration count: at tol 1e-10 the last steps are at rounding level, where the
            // two summation orders may take a different number of them)
            assertThat(engine.converged()).isTrue();
            assertThat(engine.objective()).isCloseTo(dual.objective(), within(1e-12 * dual.objective()));
        }
    }

    @Test
    void dualReachesSklearnsTightOptimumAndItsDefaultObjective() throws Exception {
        JsonNode expected;
        float[] x;
        int[] y;
        try (InputStream json = getClass().getResourceAsStream("/conceptdepth/dual-fixture.json");
             InputStream npz = getClass().getResourceAsStream("/conceptdepth/dual-fixture.npz");
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            expected = new ObjectMapper().readTree(json);
            NDList list = NDList.decode(m, npz);
            NDArray xa = list.get("x");
            x = xa.toFloatArray();
            y = list.get("y").toType(DataType.INT32, false).toIntArray();
        }
        int n = expected.get("n").asInt();
        int d = expected.get("d").asInt();
        assertThat(LogisticProbe.usesDual(n, d)).isTrue();
        LogisticProbe.Fit tight = TIGHT.fit(x, n, d, y, Device.cpu());
        JsonNode ref = expected.get("tight");
        double scale = 0;
        for (JsonNode v : ref.get("coef")) {
            scale = Math.max(scale, Math.abs(v.asDouble()));
        }
        for (int j = 0; j < d; j++) {
            assertThat(tight.weights()[j]).as("w[%d]", j).isCloseTo(ref.get("coef").get(j).asDouble(), within(1e-5 * scale));
        }
        assertThat(tight.intercept()).isCloseTo(ref.get("intercept").asDouble(), within(1e-5));
        assertThat(tight.objective()).isCloseTo(ref.get("objective").asDouble(), within(1e-8));
        // with the reference's defaults (tol 1e-4) both stop near the optimum: objectives within 1e-6
        LogisticProbe.Fit defaults = LogisticProbe.SKLEARN_DEFAULTS.fit(x, n, d, y, Device.cpu());
        assertThat(defaults.converged()).isTrue();
        assertThat(defaults.objective()).isCloseTo(expected.get("defaults").get("objective").asDouble(), within(1e-6));
        assertThat(accuracy(defaults, x, n, d, y)).isEqualTo(expected.get("defaults").get("trainAccuracy").asDouble());
    }

    private static double accuracy(LogisticProbe.Fit f, float[] x, int n, int d, int[] y) {
        double[] p = f.probabilities(x, n, d);
        int ok = 0;
        for (int i = 0; i < n; i++) {
            ok += (p[i] > 0.5 ? 1 : 0) == y[i] ? 1 : 0;
        }
        return ok / (double) n;
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double e : v) {
            m = Math.max(m, Math.abs(e));
        }
        return m;
    }
}
