package org.lamina.analysis.craft;

import org.lamina.analysis.linalg.CholeskySolver;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Semi-NMF (Ding, Li &amp; Jordan, "Convex and Semi-Nonnegative Matrix Factorizations", IEEE TPAMI
 * 2010): A ≈ U·W with U ≥ 0 and W of any sign, so A may be negative (ConvNeXt, ViT tokens).
 * Started as Ding et al. do, from k-means: U = cluster indicators + 0.2. Solved by alternating
 * exact least squares — W = (UᵀU)⁻¹·UᵀA (unconstrained), then every row of U by exact NNLS with
 * W fixed (Lawson–Hanson, {@link NonNegativeLeastSquares}) — instead of Ding et al.'s
 * multiplicative update of U: each half-step is the exact minimiser, so the error never rises and
 * falls faster per iteration (the fixture script compares both, tools/fixtures/craft_decompositions_fixture.py).
 * Stops when an iteration lowers ||A − UW||² by less than {@code tol} of its value, or at the
 * iteration limit. New activations are encoded by the same NNLS.
 */
final class SemiNmf {

    private SemiNmf() {
    }

    static ConceptBank fit(RowMajorMatrix a, int r, long seed, double tol, int maxIterations) {
        int n = a.rows();
        int c = a.cols();
        double[] x = Dense.of(a);
        KMeansConcepts.Fit km = KMeansConcepts.fit(x, n, c, r, seed, 1);
        double[] u = new double[n * r];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < r; j++) {
                u[i * r + j] = km.labels()[i] == j ? 1.2 : 0.2;
            }
        }
        double norm = Math.max(Dense.squaredNorm(x), Double.MIN_NORMAL);
        double[] w = leastSquaresW(x, n, c, u, r);
        double err = Dense.residual(x, n, c, u, w, r, null);
        int it = 0;
        boolean converged = false;
        while (it < maxIterations) {
            it++;
            nnlsRows(x, n, c, w, r, u);
            w = leastSquaresW(x, n, c, u, r);
            double next = Dense.residual(x, n, c, u, w, r, null);
            boolean small = err - next <= tol * err;
            err = next;
            if (small) {
                converged = true;
                break;
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("algorithm", "semi-NMF (Ding, Li & Jordan 2010), k-means start (indicators + 0.2), alternating exact "
                + "least squares for W and exact NNLS for U");
        details.put("tolerance", tol);
        details.put("maxIterations", maxIterations);
        details.put("encoding", "exact NNLS per row (Lawson–Hanson active set), W fixed");
        return new ConceptBank(Decomposition.SEMI_NMF, RowMajorMatrix.of(n, r, u), RowMajorMatrix.of(r, c, w), null, it,
                converged, Math.sqrt(err / norm), details);
    }

    /** argmin_W ||A − UW||²: (UᵀU)·W = UᵀA, one solve per channel (Cholesky; a singular Gram is shifted). */
    static double[] leastSquaresW(double[] x, int n, int c, double[] u, int r) {
        double[] gram = Dense.transposedTimes(u, r, u, r, n);
        double[] uta = Dense.transposedTimes(u, r, x, c, n); // r × c
        double[][] rhs = new double[c][r];
        for (int k = 0; k < c; k++) {
            for (int j = 0; j < r; j++) {
                rhs[k][j] = uta[j * c + k];
            }
        }
        double[][] sol = CholeskySolver.solveAll(gram, r, rhs);
        double[] w = new double[r * c];
        for (int k = 0; k < c; k++) {
            for (int j = 0; j < r; j++) {
                w[j * c + k] = sol[k][j];
            }
        }
        return w;
    }

    /** Every row of U ← argmin_{u ≥ 0} ||a_i − u·W||², in place. */
    static void nnlsRows(double[] x, int n, int c, double[] w, int r, double[] u) {
        NonNegativeLeastSquares.ActiveSet solver = new NonNegativeLeastSquares.ActiveSet(Dense.rowGram(w, r, c), r);
        double[] xw = Dense.timesTransposed(x, n, w, r, c);
        double[] b = new double[r];
        double[] row = new double[r];
        for (int i = 0; i < n; i++) {
            System.arraycopy(xw, i * r, b, 0, r);
            solver.solve(b, row);
            System.arraycopy(row, 0, u, i * r, r);
        }
    }
}
