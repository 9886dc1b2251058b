package org.lamina.analysis.craft;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Sparse dictionary learning as a concept decomposition (Fel et al., NeurIPS 2023, §3: U sparse):
 * min ||A − U·W||²_F / 2 + α·Σ|U| with U ≥ 0 and every atom (row of W) of norm ≤ 1 — scikit-learn
 * 1.2's {@code DictionaryLearning(alpha=α, fit_algorithm="cd", transform_algorithm="lasso_cd",
 * positive_code=True, tol=1e-3)}, the configuration of the authors' library
 * (KempnerInstitute/overcomplete {@code OptimDictionaryLearning}: {@code sparsity=1.0},
 * {@code tolerance=1e-3}, non-negative codes). As sklearn: start from the SVD of A (codes = left
 * singular vectors, atoms = σ·right vectors), then alternate (1) the non-negative lasso of every row
 * with W fixed, warm-started, and (2) one block-coordinate pass over the atoms,
 * w_k += (Bᵀ_k − A_k·W)/A_kk with A = UᵀU, B = AᵀU, then w_k /= max(||w_k||, 1); an atom used by no
 * row (A_kk ≤ 1e-6) is redrawn from a random row plus 1 % noise (seeded). Stops when the cost falls
 * by less than tol of its value, or after 1000 iterations.
 *
 * <p>α is absolute, in the units of A's squared norm per row (sklearn's convention): α = 1 (the
 * default, overcomplete's) zeroes every code of activations whose norms are well under 1, so
 * {@code --sparse-alpha} should be set relative to the activations' scale (the provenance records
 * the mean row norm of A to help). Encoding new activations: the same non-negative lasso.
 */
final class SparseDictionary {

    static final double TOLERANCE = 1e-3;
    static final int MAX_ITERATIONS = 1000;
    /** Coordinate-descent sweeps of one lasso, and its stopping rule (largest update ≤ this × largest code). */
    static final int LASSO_SWEEPS = 1000;
    static final double LASSO_TOLERANCE = 1e-7;

    private SparseDictionary() {
    }

    static ConceptBank fit(NDManager manager, RowMajorMatrix a, int r, double alpha, long seed) {
        int n = a.rows();
        int c = a.cols();
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("sparse alpha must be ≥ 0, got " + alpha);
        }
        double[] x = Dense.of(a);
        TruncatedSvd svd;
        try (NDManager scope = manager.newSubManager()) {
            svd = TruncatedSvd.of(scope, scope.create(a.values(), new Shape(n, c)), r, seed);
        }
        double[] w = new double[r * c];
        double[] u = new double[n * r];
        for (int j = 0; j < r; j++) {
            double s = svd.singularValue(j);
            double[] v = svd.rightVector(j);
            double[] l = svd.leftVector(j);
            for (int k = 0; k < c; k++) {
                w[j * c + k] = s * v[k];
            }
            for (int i = 0; i < n; i++) {
                u[i * r + j] = Math.max(0, l[i]);
            }
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double cost = Double.NaN;
        int it = 0;
        boolean converged = false;
        while (it < MAX_ITERATIONS) {
            it++;
            lassoRows(x, n, c, w, r, alpha, u);
            updateDictionary(x, n, c, w, r, u, rnd);
            double next = 0.5 * Dense.residual(x, n, c, u, w, r, null) + alpha * sum(u);
            if (it > 1 && cost - next < TOLERANCE * next) {
                cost = next;
                converged = true;
                break;
            }
            cost = next;
        }
        double norm = Math.max(Dense.squaredNorm(x), Double.MIN_NORMAL);
        double meanRowNorm = 0;
        int zeros = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < c; k++) {
                s += x[i * c + k] * x[i * c + k];
            }
            meanRowNorm += Math.sqrt(s) / n;
        }
        for (double v : u) {
            zeros += v == 0 ? 1 : 0;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("algorithm", "sparse dictionary learning as sklearn 1.2 DictionaryLearning(fit_algorithm='cd', "
                + "positive_code=True): SVD start, non-negative lasso coding + block-coordinate atom update, ||w_k|| ≤ 1");
        details.put("alpha", alpha);
        details.put("tolerance", TOLERANCE);
        details.put("maxIterations", MAX_ITERATIONS);
        details.put("cost", cost);
        details.put("meanRowNormOfA", meanRowNorm);
        details.put("zeroCodeFraction", zeros / (double) u.length);
        details.put("encoding", "non-negative lasso per row, min ½||a − u·W||² + α·Σu, u ≥ 0 (coordinate descent)");
        return new ConceptBank(Decomposition.SPARSE, RowMajorMatrix.of(n, r, u), RowMajorMatrix.of(r, c, w), null, it,
                converged, Math.sqrt(Dense.residual(x, n, c, u, w, r, null) / norm), details);
    }

    private static double sum(double[] u) {
        double s = 0;
        for (double v : u) {
            s += Math.abs(v);
        }
        return s;
    }

    /**
     * Every row of U ← argmin_{u ≥ 0} ½||x_i − u·W||² + α·Σu by coordinate descent on the Gram form
     * (G = WWᵀ, b = W·x_i), warm-started from the current U.
     */
    static void lassoRows(double[] x, int n, int c, double[] w, int r, double alpha, double[] u) {
        double[] g = Dense.rowGram(w, r, c);
        double[] xw = Dense.timesTransposed(x, n, w, r, c);
        for (int i = 0; i < n; i++) {
            lasso(g, xw, i * r, r, alpha, u, i * r);
        }
    }

    /** One row's non-negative lasso: b at {@code b[bo …]}, solution in place at {@code u[uo …]}. */
    static void lasso(double[] g, double[] b, int bo, int r, double alpha, double[] u, int uo) {
        for (int sweep = 0; sweep < LASSO_SWEEPS; sweep++) {
            double maxDelta = 0;
            double maxU = 0;
            for (int j = 0; j < r; j++) {
                double gjj = g[j * r + j];
                if (gjj <= 0) {
                    u[uo + j] = 0;
                    continue;
                }
                // Partial residual correlation without coordinate j.
                double rho = b[bo + j];
                for (int q = 0; q < r; q++) {
                    if (q != j) {
                        rho -= g[j * r + q] * u[uo + q];
                    }
                }
                double next = Math.max(0, rho - alpha) / gjj;
                maxDelta = Math.max(maxDelta, Math.abs(next - u[uo + j]));
                u[uo + j] = next;
                maxU = Math.max(maxU, next);
            }
            if (maxDelta <= LASSO_TOLERANCE * Math.max(maxU, 1e-30)) {
                return;
            }
        }
    }

    /** sklearn's {@code _update_dict}: one block-coordinate pass over the atoms, then ||w_k|| ≤ 1. */
    static void updateDictionary(double[] x, int n, int c, double[] w, int r, double[] u, SplittableRandom rnd) {
        double[] aa = Dense.transposedTimes(u, r, u, r, n); // r × r
        double[] b = Dense.transposedTimes(u, r, x, c, n);  // r × c (Bᵀ)
        for (int k = 0; k < r; k++) {
            if (aa[k * r + k] > 1e-6) {
                double[] update = new double[c];
                for (int q = 0; q < c; q++) {
                    double s = b[k * c + q];
                    for (int j = 0; j < r; j++) {
                        s -= aa[k * r + j] * w[j * c + q];
                    }
                    update[q] = s / aa[k * r + k];
                }
                for (int q = 0; q < c; q++) {
                    w[k * c + q] += update[q];
                }
            } else {
                int row = rnd.nextInt(n);
                double mean = 0;
                for (int q = 0; q < c; q++) {
                    mean += x[row * c + q] / c;
                }
                double var = 0;
                for (int q = 0; q < c; q++) {
                    var += (x[row * c + q] - mean) * (x[row * c + q] - mean) / c;
                }
                double noise = 0.01 * (var > 0 ? Math.sqrt(var) : 1);
                for (int q = 0; q < c; q++) {
                    w[k * c + q] = x[row * c + q] + noise * gaussian(rnd);
                }
                for (int i = 0; i < n; i++) {
                    u[i * r + k] = 0;
                }
            }
            double s = 0;
            for (int q = 0; q < c; q++) {
                s += w[k * c + q] * w[k * c + q];
            }
            double scale = Math.max(Math.sqrt(s), 1);
            for (int q = 0; q < c; q++) {
                w[k * c + q] /= scale;
            }
        }
    }

    private static double gaussian(SplittableRandom rnd) {
        double u1 = Math.max(rnd.nextDouble(), 1e-300);
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Non-negative lasso codes of the rows of {@code x} ({@code rows × C}) in W, from zero. */
    static RowMajorMatrix encode(float[] x, int rows, RowMajorMatrix w, double alpha) {
        int r = w.rows();
        int c = w.cols();
        double[] wd = Dense.of(w);
        double[] xd = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            xd[i] = x[i];
        }
        double[] u = new double[rows * r];
        lassoRows(xd, rows, c, wd, r, alpha, u);
        return RowMajorMatrix.of(rows, r, u);
    }
}
