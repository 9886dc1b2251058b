package org.lamina.analysis.conceptdepth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;

import org.junit.jupiter.api.Test;

import java.util.Random;

/**
 * The L-BFGS route for very wide probes ({@link WideLbfgs}, issue #21): float32 products (in
 * Java on a CPU), yet at a tight tolerance the same optimum as the float64 dual Newton, and the
 * gradient rule holds when checked in float64 on the data.
 */
class WideLbfgsTest {

    @Test
    void reachesTheNewtonOptimumAndMeetsTheGradientRuleInFloat64() {
        int n = 60;
        int d = 900;
        Random rnd = new Random(5);
        float[] x = new float[n * d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double signal = 0;
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (rnd.nextGaussian() * (j % 4 + 1) * 0.3);
                if (j < 6) {
                    signal += x[i * d + j];
                }
            }
            y[i] = signal + rnd.nextGaussian() > 0 ? 1 : 0;
        }
        for (double c : new double[] {1.0, 0.05}) {
            // tol 6e-6 on max |∇f| / C (the probe's rule): float32 products cannot go much lower at C = 0.05
            LogisticProbe probe = new LogisticProbe(c, 300, 1e-7 * n);
            LogisticProbe.Fit newton = KernelLogisticNewton.fit(probe, x, n, d, y, Device.cpu());
            LogisticProbe.Fit lbfgs = WideLbfgs.fit(probe, x, n, d, y, Device.cpu());
            assertThat(lbfgs.converged()).as("C=%s converged", c).isTrue();
            assertThat(lbfgs.iterations()).isGreaterThan(1);
            // objective recomputed in float64 from the returned weights
            double exact = objective(x, n, d, y, c, lbfgs);
            assertThat(lbfgs.objective()).isCloseTo(exact, within(1e-6 * exact));
            assertThat(exact).isCloseTo(newton.objective(), within(1e-6 * newton.objective()));
            assertThat(maxScaledGradient(x, n, d, y, c, lbfgs)).isLessThanOrEqualTo(2e-7 * n);
            double scale = BatchedLbfgsProbe.maxAbs(newton.weights());
            for (int j = 0; j < d; j++) {
                assertThat(lbfgs.weights()[j]).as("C=%s w[%d]", c, j).isCloseTo(newton.weights()[j], within(1e-2 * scale));
            }
        }
    }

    @Test
    void onlyManyRowsOfVeryWideFeaturesTakeTheLbfgsRoute() {
        assertThat(LogisticProbe.usesLbfgs(1000, 100_352)).isTrue();
        assertThat(LogisticProbe.form(1000, 100_352)).isEqualTo("lbfgs");
        assertThat(LogisticProbe.usesLbfgs(60, 2048)).isFalse();
        assertThat(LogisticProbe.usesLbfgs(1000, 2048)).isFalse();
        assertThat(LogisticProbe.usesLbfgs(300, 10_000_000)).isFalse();
        assertThat(LogisticProbe.usesLbfgs(20_000, 2048)).isFalse();
    }

    private static double objective(float[] x, int n, int d, int[] y, double c, LogisticProbe.Fit f) {
        double reg = 0;
        for (double v : f.weights()) {
            reg += v * v;
        }
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double z = f.intercept();
            for (int j = 0; j < d; j++) {
                z += x[i * d + j] * f.weights()[j];
            }
            loss += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y[i] * z;
        }
        return 0.5 * reg + c * loss;
    }

    private static double maxScaledGradient(float[] x, int n, int d, int[] y, double c, LogisticProbe.Fit f) {
        double[] g = f.weights().clone();
        double gb = 0;
        for (int i = 0; i < n; i++) {
            double z = f.intercept();
            for (int j = 0; j < d; j++) {
                z += x[i * d + j] * f.weights()[j];
            }
            double r = 1 / (1 + Math.exp(-z)) - y[i];
            gb += c * r;
            for (int j = 0; j < d; j++) {
                g[j] += c * r * x[i * d + j];
            }
        }
        double m = Math.abs(gb);
        for (double v : g) {
            m = Math.max(m, Math.abs(v));
        }
        return m / c;
    }

    /**
     * The host products over the caller's array: X·v and Xᵀr as a float64 computation gives them
     * (to float32 rounding), for a width that is not a multiple of the eight partial sums and
     * workers that split rows and columns unevenly; one worker gives the same as three.
     */
    @Test
    void hostProductsAreTheMatrixVectorProducts() {
        int n = 37;
        int d = 1003;
        java.util.Random rnd = new java.util.Random(4);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        double[] v = new double[d + 1];
        for (int k = 0; k < v.length; k++) {
            v[k] = rnd.nextGaussian();
        }
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = rnd.nextGaussian();
        }
        try (WideLbfgs.HostProducts three = new WideLbfgs.HostProducts(x, n, d, 3);
             WideLbfgs.HostProducts one = new WideLbfgs.HostProducts(x, n, d, 1)) {
            double[] u = new double[n];
            three.times(v, u);
            float[] g = three.transposeTimes(r);
            for (int i = 0; i < n; i++) {
                double want = 0;
                for (int k = 0; k < d; k++) {
                    want += (double) x[i * d + k] * (float) v[k];
                }
                assertThat(u[i]).as("(Xv)[%d]", i).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-4 * Math.sqrt(d)));
            }
            for (int k = 0; k < d; k++) {
                double want = 0;
                for (int i = 0; i < n; i++) {
                    want += (double) x[i * d + k] * (float) r[i];
                }
                assertThat((double) g[k]).as("(Xᵀr)[%d]", k).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-4 * n));
            }
            double[] uOne = new double[n];
            one.times(v, uOne);
            assertThat(uOne).containsExactly(u);
            assertThat(one.transposeTimes(r)).containsExactly(g);
        }
    }
}
