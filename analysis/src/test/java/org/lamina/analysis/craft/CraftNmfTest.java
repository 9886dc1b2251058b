package org.lamina.analysis.craft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;
import org.lamina.analysis.model.Fixtures;
import org.lamina.analysis.model.ModelRuntime;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * NMF against scikit-learn on the same matrix (fixture made by tools/fixtures/craft_nmf_fixture.py
 * with Debian's sklearn 1.2.1), plus determinism and NNLS encoding.
 */
class CraftNmfTest {

    private static final Path FIXTURE = Path.of("src/test/resources/craft/nmf-fixture.npz");

    @Test
    void reconstructionErrorWithinTwoPercentOfSklearn() {
        ModelRuntime.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> f = Fixtures.npz(m, FIXTURE);
            RowMajorMatrix a = RowMajorMatrix.of(f.get("A"));
            int[] ranks = f.get("ranks").toIntArray();
            float[] alphas = f.get("alphaW").toFloatArray();
            double[] sk = f.get("sklearnRelativeError").toDoubleArray();
            for (int i = 0; i < ranks.length; i++) {
                NmfResult r = NonNegativeFactorization.fit(m, a, ranks[i], NmfSettings.defaults().withAlphaW(alphas[i]));
                assertThat(r.relativeError()).as("rank %d alpha_W %s vs sklearn %s", ranks[i], alphas[i], sk[i])
                        .isLessThanOrEqualTo(sk[i] * 1.02);
                assertThat(r.u().min()).isGreaterThanOrEqualTo(0f);
                assertThat(r.w().min()).isGreaterThanOrEqualTo(0f);
                // The error reported is the error of U·W (recomputed independently here).
                assertThat(r.relativeError()).isCloseTo(error(a, r), within(1e-4));
            }
        }
    }

    @Test
    void sameSeedSameFactors() {
        ModelRuntime.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            RowMajorMatrix a = RowMajorMatrix.of(Fixtures.npz(m, FIXTURE).get("A"));
            NmfResult x = NonNegativeFactorization.fit(m, a, 5, NmfSettings.defaults().withSeed(3));
            NmfResult y = NonNegativeFactorization.fit(m, a, 5, NmfSettings.defaults().withSeed(3));
            assertThat(x.u().values()).containsExactly(y.u().values());
            assertThat(x.w().values()).containsExactly(y.w().values());
        }
    }

    @Test
    void exactLowRankMatrixIsRecovered() {
        ModelRuntime.engine();
        java.util.Random rng = new java.util.Random(1);
        int n = 60;
        int c = 12;
        int r = 3;
        float[] u = new float[n * r];
        float[] w = new float[r * c];
        for (int i = 0; i < u.length; i++) {
            u[i] = rng.nextFloat();
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = rng.nextFloat() < 0.5 ? 0 : rng.nextFloat();
        }
        float[] a = new float[n * c];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) {
                for (int k = 0; k < r; k++) {
                    a[i * c + j] += u[i * r + k] * w[k * c + j];
                }
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NmfResult res = NonNegativeFactorization.fit(m, new RowMajorMatrix(n, c, a), r,
                    new NmfSettings(1e-7, 800, 0, 0));
            assertThat(res.relativeError()).isLessThan(1e-2);
            // NNLS with the true W recovers the true coefficients.
            RowMajorMatrix coded = NonNegativeLeastSquares.encode(m, new RowMajorMatrix(n, c, a).toNDArray(m),
                    new RowMajorMatrix(r, c, w), new NmfSettings(1e-10, 5000, 0, 0));
            for (int i = 0; i < u.length; i++) {
                assertThat(coded.values()[i]).isCloseTo(u[i], within(2e-3f));
            }
        }
    }

    @Test
    void badRankAndNegativeInputAreRefused() {
        ModelRuntime.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            RowMajorMatrix a = new RowMajorMatrix(3, 2, new float[] {1, 2, 3, 4, 5, 6});
            assertThatThrownBy(() -> NonNegativeFactorization.fit(m, a, 0, NmfSettings.defaults()))
                    .hasMessageContaining("rank must be 1 to");
            assertThatThrownBy(() -> NonNegativeFactorization.fit(m, a, 3, NmfSettings.defaults()))
                    .hasMessageContaining("got 3");
            RowMajorMatrix neg = new RowMajorMatrix(2, 2, new float[] {1, -0.5f, 3, 4});
            assertThatThrownBy(() -> NonNegativeFactorization.fit(m, neg, 1, NmfSettings.defaults()))
                    .hasMessageContaining("-0.5");
        }
    }

    private static double error(RowMajorMatrix a, NmfResult r) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                double s = 0;
                for (int k = 0; k < r.rank(); k++) {
                    s += r.u().get(i, k) * r.w().get(k, j);
                }
                num += (a.get(i, j) - s) * (a.get(i, j) - s);
                den += a.get(i, j) * a.get(i, j);
            }
        }
        return Math.sqrt(num / den);
    }
}
