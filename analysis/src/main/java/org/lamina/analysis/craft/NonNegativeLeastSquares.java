package org.lamina.analysis.craft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Encodes new activations in a fixed concept bank: for every row a of X, the coefficients
 * u ≥ 0 minimising ½||a − u·W||² (+ ½·α_W·C·||u||²) — CRAFT's {@code transform}
 * (shared/specs/craft.md §Pipeline step 5), the problem scikit-learn's {@code NMF.transform}
 * solves for the reference.
 *
 * <p>Solved exactly, not like sklearn: sklearn runs coordinate descent from u = 0 until the
 * violation falls to {@code tol} (1e-4) of the first sweep's, which stops short of the optimum
 * (fashion-cnn stage3 maps on sklearn's own bank: max error 3.5e-3 of max|u| against an exact
 * NNLS). Lamina solves each row with the Lawson–Hanson active-set method (Lawson &amp; Hanson 1974,
 * ch. 23) on the normal equations: with r ≤ ~50 concepts a row costs at most a few r × r Cholesky
 * solves, and the result is the exact optimum to float rounding (golden values from
 * scipy.optimize.nnls in {@code CraftNmfTest}). The exact solution is what the spec defines and
 * what {@link NnlsGradCam}'s implicit differentiation of the KKT system assumes; it is within
 * sklearn's own stopping error of sklearn's output.
 */
public final class NonNegativeLeastSquares {

    /** A variable's gradient must exceed this fraction of the largest |Wa| to enter the active set. */
    static final double ENTER_TOLERANCE = 1e-10;
    /** A Cholesky pivot under this fraction of the largest diagonal of WWᵀ counts as singular. */
    static final double PIVOT_TOLERANCE = 1e-12;

    private NonNegativeLeastSquares() {
    }

    /**
     * Coefficients {@code [rows, r]} of every row of {@code x} ({@code [rows, C]}, on any device).
     * Only {@code settings.alphaW()} is used: the solve is exact, not iterative.
     */
    public static RowMajorMatrix encode(NDManager manager, NDArray x, RowMajorMatrix w, NmfSettings settings) {
        int rows = (int) x.getShape().get(0);
        int c = (int) x.getShape().get(1);
        int r = w.rows();
        if (w.cols() != c) {
            throw new IllegalArgumentException("cannot encode " + c + "-channel activations with a concept bank of "
                    + w.cols() + " channels");
        }
        float[] xw;
        try (NDManager scope = manager.newSubManager()) {
            NDArray wNd = w.toNDArray(scope).toDevice(x.getDevice(), false);
            xw = x.matMul(wNd.transpose()).toFloatArray();
        }
        double[] wT = new double[c * r];
        for (int k = 0; k < r; k++) {
            for (int j = 0; j < c; j++) {
                wT[j * r + k] = w.get(k, j);
            }
        }
        double[] gram = CoordinateDescent.gram(wT, c, r);
        double l2 = c * settings.alphaW();
        for (int k = 0; k < r; k++) {
            gram[k * r + k] += l2;
        }
        ActiveSet solver = new ActiveSet(gram, r);
        double[] u = new double[rows * r];
        double[] b = new double[r];
        double[] row = new double[r];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < r; k++) {
                b[k] = xw[i * r + k];
            }
            solver.solve(b, row);
            System.arraycopy(row, 0, u, i * r, r);
        }
        return RowMajorMatrix.of(rows, r, u);
    }

    /**
     * Lawson–Hanson NNLS in Gram form: min ½uᵀGu − bᵀu over u ≥ 0, G = WWᵀ (+ l2·I) fixed, for
     * many right-hand sides b = W·a. The passive set P holds the free variables; each outer step
     * adds the variable with the largest positive negative-gradient, each inner step solves the
     * unconstrained problem on P and, if that leaves the feasible set, moves back to its boundary
     * and drops the variables that reached zero.
     */
    static final class ActiveSet {
        private final double[] g;
        private final int r;
        private final double maxDiagonal;
        private final boolean[] passive;
        private final boolean[] excluded;
        private final double[] z;
        private final double[] grad;
        private final int[] index;
        private final double[] chol;
        private final double[] y;

        ActiveSet(double[] gram, int r) {
            this.g = gram;
            this.r = r;
            double m = 0;
            for (int k = 0; k < r; k++) {
                m = Math.max(m, gram[k * r + k]);
            }
            this.maxDiagonal = m;
            this.passive = new boolean[r];
            this.excluded = new boolean[r];
            this.z = new double[r];
            this.grad = new double[r];
            this.index = new int[r];
            this.chol = new double[r * r];
            this.y = new double[r];
        }

        /** Writes the minimiser for {@code b} into {@code x} (length r). */
        void solve(double[] b, double[] x) {
            java.util.Arrays.fill(x, 0);
            java.util.Arrays.fill(passive, false);
            java.util.Arrays.fill(excluded, false);
            double scale = 0;
            for (int k = 0; k < r; k++) {
                scale = Math.max(scale, Math.abs(b[k]));
            }
            double enter = ENTER_TOLERANCE * scale;
            System.arraycopy(b, 0, grad, 0, r);
            // Lawson & Hanson bound the outer loop by 3r in their code; each step adds a variable.
            for (int outer = 0; outer < 3 * r; outer++) {
                int best = -1;
                for (int k = 0; k < r; k++) {
                    if (!passive[k] && !excluded[k] && grad[k] > enter && (best < 0 || grad[k] > grad[best])) {
                        best = k;
                    }
                }
                if (best < 0) {
                    return;
                }
                passive[best] = true;
                boolean first = true;
                while (true) {
                    if (!solvePassive(b)) {
                        // W's row `best` depends on the passive rows: it cannot lower the objective further.
                        passive[best] = false;
                        excluded[best] = true;
                        break;
                    }
                    if (first && z[best] <= 0) {
                        // Rounding: the entering variable would not move; keep it out (prevents cycling).
                        passive[best] = false;
                        excluded[best] = true;
                        break;
                    }
                    first = false;
                    // Step from x towards z as far as feasibility allows; the variable that
                    // limits the step (and any other that reaches 0) leaves P.
                    double alpha = 1;
                    int blocking = -1;
                    for (int k = 0; k < r; k++) {
                        if (passive[k] && z[k] <= 0) {
                            double a = x[k] - z[k] > 0 ? x[k] / (x[k] - z[k]) : 0;
                            if (a < alpha || blocking < 0) {
                                alpha = Math.min(alpha, a);
                                blocking = k;
                            }
                        }
                    }
                    if (blocking < 0) {
                        for (int k = 0; k < r; k++) {
                            x[k] = passive[k] ? z[k] : 0;
                        }
                        break;
                    }
                    for (int k = 0; k < r; k++) {
                        if (passive[k]) {
                            x[k] += alpha * (z[k] - x[k]);
                            if (k == blocking || x[k] <= 0) {
                                x[k] = 0;
                                passive[k] = false;
                            }
                        }
                    }
                }
                for (int k = 0; k < r; k++) {
                    double s = b[k];
                    for (int j = 0; j < r; j++) {
                        s -= g[k * r + j] * x[j];
                    }
                    grad[k] = s;
                }
            }
        }

        /** z_P = G_PP⁻¹ b_P by Cholesky, z = 0 elsewhere; false if G_PP is (numerically) singular. */
        private boolean solvePassive(double[] b) {
            int m = 0;
            for (int k = 0; k < r; k++) {
                z[k] = 0;
                if (passive[k]) {
                    index[m++] = k;
                }
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j <= i; j++) {
                    double s = g[index[i] * r + index[j]];
                    for (int k = 0; k < j; k++) {
                        s -= chol[i * r + k] * chol[j * r + k];
                    }
                    if (i == j) {
                        if (s <= PIVOT_TOLERANCE * maxDiagonal) {
                            return false;
                        }
                        chol[i * r + i] = Math.sqrt(s);
                    } else {
                        chol[i * r + j] = s / chol[j * r + j];
                    }
                }
            }
            double[] y = this.y;
            for (int i = 0; i < m; i++) {
                double s = b[index[i]];
                for (int k = 0; k < i; k++) {
                    s -= chol[i * r + k] * y[k];
                }
                y[i] = s / chol[i * r + i];
            }
            for (int i = m - 1; i >= 0; i--) {
                double s = y[i];
                for (int k = i + 1; k < m; k++) {
                    s -= chol[k * r + i] * y[k];
                }
                y[i] = s / chol[i * r + i];
            }
            for (int i = 0; i < m; i++) {
                z[index[i]] = y[i];
            }
            return true;
        }
    }
}
