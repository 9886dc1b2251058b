package org.lamina.analysis.craft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.lamina.analysis.model.Fixtures;
import org.lamina.analysis.model.ModelRuntime;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The decompositions of {@code --decomposition} against scikit-learn 1.2 on the same matrices:
 * golden values in {@code decompositions-reference.npz}, written by
 * {@code /usr/bin/python3 tools/fixtures/craft_decompositions_fixture.py} (run from the repository
 * root). Matrices: fashion-cnn crop activations (360 × 128, ≥ 0) and fashion-vit patch-token means
 * at {@code norm} (360 × 64, signed), rank 10. Measured agreement (this machine): see each test.
 */
class DecompositionReferenceTest {

    private static final Path REFERENCE = Path.of("src/test/resources/craft/decompositions-reference.npz");
    private static final String[] MATRICES = {"fashionA", "vitA"};

    private static ConceptBank fit(NDManager m, Decomposition d, RowMajorMatrix a, double alpha) {
        return d.fit(m, a, 10, NmfSettings.defaults(), alpha);
    }

    /**
     * PCA is unique up to sign for distinct eigenvalues: the same error as sklearn's to 1e-4 (relative)
     * and every component matched with |cosine| ≥ 0.999 (measured: ≥ 0.99999).
     */
    @Test
    void pcaIsSklearnsPca() {
        ModelRuntime.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> f = Fixtures.npz(m, REFERENCE);
            for (String name : MATRICES) {
                RowMajorMatrix a = RowMajorMatrix.of(f.get(name));
                ConceptBank b = fit(m, Decomposition.PCA, a, 0);
                double sk = f.get(name + "_pca_error").getDouble();
                assertThat(b.relativeError()).as(name).isCloseTo(sk, within(1e-4 * sk + 1e-6));
                double[] cos = CraftNmfTest.matchedCosines(b.w(), RowMajorMatrix.of(f.get(name + "_pca_W")));
                assertThat(Arrays.stream(cos).min().orElseThrow()).as(name + " matched cosines " + Arrays.toString(cos))
                        .isGreaterThan(0.999);
                float[] mean = f.get(name + "_pca_mean").toFloatArray();
                for (int k = 0; k < mean.length; k++) {
                    assertThat(b.offset()[k]).isCloseTo(mean[k], within(1e-4f + 1e-5f * Math.abs(mean[k])));
                }
                // The encoding is the projection: encoding A gives back U.
                RowMajorMatrix again = b.encode(m, a.toNDArray(m), NmfSettings.defaults(), 0);
                assertMatrixClose(again, b.u(), 1e-3);
            }
        }
    }

    /**
     * k-means (greedy k-means++, 10 starts): inertia within 2 % of sklearn's (a local optimum either
     * way; measured: see the README table), U one-hot, encoding = nearest centroid.
     */
    @Test
    void kmeansInertiaWithinTwoPercentOfSklearn() {
        ModelRuntime.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> f = Fixtures.npz(m, REFERENCE);
            for (String name : MATRICES) {
                RowMajorMatrix a = RowMajorMatrix.of(f.get(name));
                ConceptBank b = fit(m, Decomposition.KMEANS, a, 0);
                double sk = f.get(name + "_kmeans_error").getDouble();
                assertThat(b.relativeError()).as(name + " vs sklearn " + sk).isLessThanOrEqualTo(sk * Math.sqrt(1.02));
                for (int i = 0; i < a.rows(); i++) {
                    float[] row = b.u().row(i);
                    assertThat(sum(row)).isEqualTo(1f);
                    assertThat(row).containsOnly(0f, 1f);
                }
                RowMajorMatrix again = b.encode(m, a.toNDArray(m), NmfSettings.defaults(), 0);
                assertThat(again.values()).containsExactly(b.u().values());
                // Same seed, same bank.
                assertThat(fit(m, Decomposition.KMEANS, a, 0).w().values()).containsExactly(b.w().values());
            }
        }
    }

    /**
     * Semi-NMF (alternating exact least squares / NNLS) reaches at most Ding et al.'s multiplicative
     * update's error after 500 iterations (+1 %), with U ≥ 0 and signed W on the ViT matrix.
     */
    @Test
    void semiNmfNoWorseThanDingsUpdate() {
        ModelRuntime.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> f = Fixtures.npz(m, REFERENCE);
            for (String name : MATRICES) {
                RowMajorMatrix a = RowMajorMatrix.of(f.get(name));
                ConceptBank b = fit(m, Decomposition.SEMI_NMF, a, 0);
                double ding = f.get(name + "_seminmf_error").getDouble();
                assertThat(b.relativeError()).as(name + " vs Ding " + ding).isLessThanOrEqualTo(ding * 1.01);
                assertThat(b.u().min()).isGreaterThanOrEqualTo(0f);
                assertThat(b.relativeError()).isCloseTo(error(a, b), within(1e-4));
            }
            assertThat(fit(m, Decomposition.SEMI_NMF, RowMajorMatrix.of(f.get("vitA")), 0).w().min()).isNegative();
        }
    }

    /**
     * Sparse dictionary learning with sklearn's alpha (0.1 × mean row norm, stored in the fixture):
     * cost ½||A − UW||² + α·ΣU within 5 % of sklearn's, U ≥ 0, atoms of norm ≤ 1; the encoding
     * meets the non-negative lasso's optimality conditions.
     */
    @Test
    void sparseCostWithinFivePercentOfSklearn() {
        ModelRuntime.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> f = Fixtures.npz(m, REFERENCE);
            for (String name : MATRICES) {
                RowMajorMatrix a = RowMajorMatrix.of(f.get(name));
                double alpha = f.get(name + "_sparse_alpha").getDouble();
                ConceptBank b = fit(m, Decomposition.SPARSE, a, alpha);
                double sk = f.get(name + "_sparse_cost").getDouble();
                double cost = 0.5 * Math.pow(error(a, b) * a.frobeniusNorm(), 2) + alpha * sum(b.u().values());
                assertThat(cost).as(name + " cost vs sklearn " + sk).isLessThanOrEqualTo(sk * 1.05);
                assertThat(b.u().min()).isGreaterThanOrEqualTo(0f);
                for (int j = 0; j < 10; j++) {
                    double s = 0;
                    for (float v : b.w().row(j)) {
                        s += (double) v * v;
                    }
                    assertThat(Math.sqrt(s)).isLessThanOrEqualTo(1 + 1e-5);
                }
                RowMajorMatrix codes = b.encode(m, a.toNDArray(m), NmfSettings.defaults(), alpha);
                assertLassoOptimal(a, b.w(), codes, alpha);
            }
        }
    }

    /** NMF through the interface is the existing solver, bit for bit. */
    @Test
    void nmfThroughTheInterfaceIsTheReferenceSolver() {
        ModelRuntime.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            RowMajorMatrix a = RowMajorMatrix.of(Fixtures.npz(m, REFERENCE).get("fashionA"));
            NmfResult direct = NonNegativeFactorization.fit(m, a, 10, NmfSettings.defaults());
            ConceptBank b = fit(m, Decomposition.NMF, a, 0);
            assertThat(b.w().values()).containsExactly(direct.w().values());
            assertThat(b.offset()).isNull();
        }
    }

    @Test
    void parsesIdsAndNamesTheSignedOnes() {
        assertThat(Decomposition.parse("semi-nmf")).isEqualTo(Decomposition.SEMI_NMF);
        assertThat(Decomposition.parse(" PCA ")).isEqualTo(Decomposition.PCA);
        assertThatThrownBy(() -> Decomposition.parse("ica")).hasMessageContaining("nmf|semi-nmf|pca|kmeans|sparse");
        assertThat(Decomposition.forSignedActivations()).isEqualTo("semi-nmf, pca, kmeans, sparse");
    }

    private static void assertLassoOptimal(RowMajorMatrix a, RowMajorMatrix w, RowMajorMatrix u, double alpha) {
        int r = w.rows();
        for (int i = 0; i < a.rows(); i++) {
            float[] x = a.row(i);
            float[] code = u.row(i);
            double[] recon = new double[a.cols()];
            for (int j = 0; j < r; j++) {
                for (int k = 0; k < a.cols(); k++) {
                    recon[k] += code[j] * (double) w.get(j, k);
                }
            }
            for (int j = 0; j < r; j++) {
                double g = 0; // W_j · (x − u·W)
                for (int k = 0; k < a.cols(); k++) {
                    g += w.get(j, k) * (x[k] - recon[k]);
                }
                double tol = 1e-3 * Math.max(1, alpha);
                if (code[j] > 0) {
                    assertThat(g).as("row %d concept %d active", i, j).isCloseTo(alpha, within(tol));
                } else {
                    assertThat(g).as("row %d concept %d inactive", i, j).isLessThanOrEqualTo(alpha + tol);
                }
            }
        }
    }

    private static double error(RowMajorMatrix a, ConceptBank b) {
        float[] off = b.offsetOrZero();
        double s = 0;
        for (int i = 0; i < a.rows(); i++) {
            for (int k = 0; k < a.cols(); k++) {
                double v = off[k];
                for (int j = 0; j < b.rank(); j++) {
                    v += (double) b.u().get(i, j) * b.w().get(j, k);
                }
                double d = a.get(i, k) - v;
                s += d * d;
            }
        }
        return Math.sqrt(s) / a.frobeniusNorm();
    }

    private static float sum(float[] x) {
        float s = 0;
        for (float v : x) {
            s += v;
        }
        return s;
    }

    private static void assertMatrixClose(RowMajorMatrix x, RowMajorMatrix y, double relative) {
        double scale = 0;
        for (float v : y.values()) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < x.values().length; i++) {
            assertThat((double) x.values()[i]).isCloseTo(y.values()[i], within(relative * scale));
        }
    }

    @SuppressWarnings("unused")
    private static NDArray nd(NDManager m, RowMajorMatrix a) {
        return m.create(a.values(), new Shape(a.rows(), a.cols()));
    }
}
