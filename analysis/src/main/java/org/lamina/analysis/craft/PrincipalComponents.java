package org.lamina.analysis.craft;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PCA as a concept decomposition (Fel et al., NeurIPS 2023, §3: W orthonormal): as scikit-learn's
 * {@code PCA(n_components=r)}, which the authors' library wraps (overcomplete {@code OptimPCA}:
 * {@code encode = transform}, {@code decode = inverse_transform}), A is centred by its column mean
 * μ, W holds the r leading right singular vectors of A − μ, U = (A − μ)·Wᵀ, and the
 * reconstruction is U·W + μ. New activations are encoded by the same projection (a − μ)·Wᵀ.
 * The Sobol masks act on U only: a masked reconstruction is (u ⊙ m)·W + μ, so "all concepts off"
 * is the mean activation, not zero. Signs follow sklearn's {@code svd_flip}: the score of largest
 * magnitude in each component is positive. Codes can be negative (the only decomposition here
 * whose are).
 */
final class PrincipalComponents {

    private PrincipalComponents() {
    }

    static ConceptBank fit(NDManager manager, RowMajorMatrix a, int rank, long seed) {
        int n = a.rows();
        int c = a.cols();
        if (rank > Math.min(n, c)) {
            throw new IllegalArgumentException("PCA needs rank ≤ min(rows, channels) = " + Math.min(n, c) + ", got " + rank);
        }
        float[] mean = new float[c];
        double[] md = new double[c];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < c; k++) {
                md[k] += a.values()[i * c + k];
            }
        }
        for (int k = 0; k < c; k++) {
            md[k] /= n;
            mean[k] = (float) md[k];
        }
        float[] centred = new float[n * c];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < c; k++) {
                centred[i * c + k] = (float) (a.values()[i * c + k] - md[k]);
            }
        }
        TruncatedSvd svd;
        try (NDManager scope = manager.newSubManager()) {
            svd = TruncatedSvd.of(scope, scope.create(centred, new Shape(n, c)), rank, seed);
        }
        double[] w = new double[rank * c];
        for (int j = 0; j < rank; j++) {
            System.arraycopy(svd.rightVector(j), 0, w, j * c, c);
        }
        double[] cd = new double[centred.length];
        for (int i = 0; i < cd.length; i++) {
            cd[i] = centred[i];
        }
        double[] u = Dense.timesTransposed(cd, n, w, rank, c);
        for (int j = 0; j < rank; j++) {
            int at = 0;
            for (int i = 1; i < n; i++) {
                if (Math.abs(u[i * rank + j]) > Math.abs(u[at * rank + j])) {
                    at = i;
                }
            }
            if (u[at * rank + j] < 0) {
                for (int i = 0; i < n; i++) {
                    u[i * rank + j] = -u[i * rank + j];
                }
                for (int k = 0; k < c; k++) {
                    w[j * c + k] = -w[j * c + k];
                }
            }
        }
        double[] ad = Dense.of(a);
        double err = Math.sqrt(Dense.residual(ad, n, c, u, w, rank, md) / Math.max(Dense.squaredNorm(ad), Double.MIN_NORMAL));
        double total = Dense.squaredNorm(cd);
        double[] explained = new double[rank];
        for (int j = 0; j < rank; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += u[i * rank + j] * u[i * rank + j];
            }
            explained[j] = total > 0 ? s / total : 0;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("algorithm", "PCA of the column-centred A: leading right singular vectors (subspace iteration + "
                + "Rayleigh–Ritz), signs as sklearn's svd_flip");
        details.put("explainedVarianceRatio", explained);
        details.put("encoding", "projection (a − μ)·Wᵀ; reconstruction u·W + μ (μ = craft-data.npz 'offset')");
        return new ConceptBank(Decomposition.PCA, RowMajorMatrix.of(n, rank, u), RowMajorMatrix.of(rank, c, w), mean, 0,
                true, err, details);
    }

    /** (x − μ)·Wᵀ for the rows of {@code x} ({@code rows × C}). */
    static RowMajorMatrix encode(float[] x, int rows, RowMajorMatrix w, float[] mean) {
        int r = w.rows();
        int c = w.cols();
        float[] u = new float[rows * r];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < r; j++) {
                double s = 0;
                for (int k = 0; k < c; k++) {
                    s += (x[i * c + k] - (mean == null ? 0 : mean[k])) * (double) w.get(j, k);
                }
                u[i * r + j] = (float) s;
            }
        }
        return new RowMajorMatrix(rows, r, u);
    }
}
