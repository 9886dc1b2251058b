package org.lamina.analysis.craft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.Random;

/**
 * Non-negative matrix factorisation A ≈ U·W by alternating coordinate descent (HALS), the
 * reference CRAFT's solver (scikit-learn {@code NMF(init='nndsvda', solver='cd', tol=1e-4,
 * max_iter=200)}; shared/specs/craft.md §Pipeline step 4). With {@link NmfSolver#REFERENCE} (the
 * default) each iteration is sklearn's: one sweep of U (sklearn's W) then one of W (its
 * {@code components_}), components in order, stopping when the summed projected-gradient violation
 * of an iteration falls to {@code tolerance} times the first iteration's (checked every iteration,
 * as sklearn's cd solver does); {@link NmfSolver#ACCELERATED} repeats sweeps (see there). On a GPU manager the O(n·C·r)
 * products of each sweep run as engine tensors; on the CPU they run as plain float loops on the
 * host ({@link HostProducts}), because for these skinny products (r ≈ 10) an engine call costs
 * more in JNI and thread hand-off than the arithmetic (measured on a busy 2-core machine: 1–20 ms
 * per 360×128×10 product through libtorch, 0.08 ms as a Java loop). The O(n·r²) coordinate
 * sweeps always run on the host, on factors stored by columns so that they vectorise too.
 *
 * <p>Initialisation is NNDSVDa (Boutsidis & Gallopoulos 2008) from a truncated SVD found by
 * seeded subspace iteration on AᵀA, run until the leading Ritz values settle — deterministic,
 * unlike sklearn's randomised SVD.
 */
public final class NonNegativeFactorization {

    /** NNDSVD's threshold under which initial values count as zero (sklearn's). */
    static final double NNDSVD_EPS = 1e-6;

    private NonNegativeFactorization() {
    }

    /**
     * Factorises {@code a} ({@code n × C}, every value ≥ 0) at rank {@code rank}.
     *
     * @throws IllegalArgumentException if A has a negative value or the rank is outside
     *                                  1 … min(n, C)
     */
    public static NmfResult fit(NDManager manager, RowMajorMatrix a, int rank, NmfSettings settings) {
        int n = a.rows();
        int c = a.cols();
        if (rank < 1 || rank > Math.min(n, c)) {
            throw new IllegalArgumentException("NMF rank must be 1 to min(rows, columns) = " + Math.min(n, c)
                    + " for a " + n + "×" + c + " matrix, got " + rank);
        }
        float min = a.min();
        if (min < 0) {
            throw new IllegalArgumentException("NMF needs a non-negative matrix; its smallest value is " + min);
        }
        boolean onEngine = manager.getDevice().isGpu();
        try (NDManager scope = manager.newSubManager()) {
            NDArray aNd = a.toNDArray(scope);
            NDArray aTNd = onEngine ? aNd.transpose().duplicate() : null;
            float[][] aRows = onEngine ? null : HostProducts.rows(a);
            float[][] aColumns = onEngine ? null : HostProducts.columns(a);
            // One sweep per half-step (NmfSolver.REFERENCE) is sklearn's _fit_coordinate_descent.
            // NmfSolver.ACCELERATED is accelerated HALS (Gillis & Glineur 2012): a sweep costs O(n·r²)
            // once its products (O(n·C·r)) are known, so each half-step may repeat its sweep on the
            // same products, stopping when a sweep's violation falls under a tenth of the first.
            // Gillis & Glineur allow up to 1 + ½(1 + C/r) repeats (7 and 19 on bench A); at sklearn's
            // iteration limit those cost more than the products and buy little, so at most 2 (bench A,
            // 360 × 128, r = 10, 200 iterations: relative error 0.17939 with 2, 0.17931 with 7/19,
            // plain HALS 0.17973). Both use sklearn's stopping rule, but repeats move the iterates
            // onto another path, and NMF's fixed point depends on the path: ACCELERATED's concept bank is
            // not sklearn's (NmfSolver).
            int maxSweeps = settings.solver().maxSweepsPerHalfStep();
            int innerU = Math.min(maxSweeps, 1 + (int) (0.5 * (1 + (double) c / rank)));
            int innerW = Math.min(maxSweeps, 1 + (int) (0.5 * (1 + (double) n / rank)));
            double[][] init = nndsvda(scope, aNd, a, rank, settings.seed());
            // Both factors are kept by columns of the matrix their sweep updates, so that every
            // inner loop (products and sweeps) runs over one array indexed by the loop variable:
            // U (n × r) as its r columns (length n), Wᵀ (C × r) as its r columns — W's rows.
            float[][] u = new float[rank][n];
            float[][] w = new float[rank][c];
            for (int j = 0; j < rank; j++) {
                for (int i = 0; i < n; i++) {
                    u[j][i] = (float) init[0][i * rank + j];
                }
                for (int k = 0; k < c; k++) {
                    w[j][k] = (float) init[1][k * rank + j];
                }
            }
            float[][] crossU = new float[rank][n];
            float[][] crossW = new float[rank][c];
            float[] grad = new float[Math.max(n, c)];
            double l2U = c * settings.alphaW();
            double violationInit = 0;
            int iterations = 0;
            boolean converged = false;
            for (int it = 1; it <= settings.maxIterations(); it++) {
                iterations = it;
                double violation = 0;
                // U step: gram = W·Wᵀ (+ l2), cross = A·Wᵀ.
                float[] gramW = CoordinateDescent.gramColumns(w, c, l2U);
                if (onEngine) {
                    product(scope, w, aTNd, crossU);
                } else {
                    HostProducts.combine(aColumns, w, crossU, 0, n);
                }
                violation += repeatedSweeps(u, crossU, gramW, grad, n, innerU);
                // W step: gram = UᵀU, cross = Aᵀ·U.
                float[] gramU = CoordinateDescent.gramColumns(u, n, 0);
                if (onEngine) {
                    product(scope, u, aNd, crossW);
                } else {
                    HostProducts.combine(aRows, u, crossW, 0, c);
                }
                violation += repeatedSweeps(w, crossW, gramU, grad, c, innerW);
                if (it == 1) {
                    violationInit = violation;
                }
                if (violationInit == 0 || violation / violationInit <= settings.tolerance()) {
                    converged = true;
                    break;
                }
            }
            float[] uRows = new float[n * rank];
            float[] wRows = new float[rank * c];
            for (int j = 0; j < rank; j++) {
                for (int i = 0; i < n; i++) {
                    uRows[i * rank + j] = u[j][i];
                }
                System.arraycopy(w[j], 0, wRows, j * c, c);
            }
            RowMajorMatrix uM = new RowMajorMatrix(n, rank, uRows);
            RowMajorMatrix wM = new RowMajorMatrix(rank, c, wRows);
            return new NmfResult(uM, wM, iterations, converged, relativeError(a, uM, wM), settings.solver());
        }
    }

    /** Up to {@code times} sweeps on the same products; returns the first sweep's violation. */
    private static double repeatedSweeps(float[][] x, float[][] cross, float[] gram, float[] grad, int rows, int times) {
        double first = CoordinateDescent.sweepColumns(x, cross, gram, grad, 0, rows);
        for (int s = 1; s < times; s++) {
            double v = CoordinateDescent.sweepColumns(x, cross, gram, grad, 0, rows);
            if (v <= 0.1 * first) {
                break;
            }
        }
        return first;
    }

    /** ||A − UW||_F / ||A||_F, on the host in double. */
    public static double relativeError(RowMajorMatrix a, RowMajorMatrix u, RowMajorMatrix w) {
        int n = a.rows();
        int c = a.cols();
        int r = w.rows();
        float[] av = a.values();
        float[] uv = u.values();
        float[] wv = w.values();
        double[] recon = new double[c];
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(recon, 0);
            for (int j = 0; j < r; j++) {
                double s = uv[i * r + j];
                if (s == 0) {
                    continue;
                }
                for (int k = 0; k < c; k++) {
                    recon[k] += s * wv[j * c + k];
                }
            }
            for (int k = 0; k < c; k++) {
                double d = av[i * c + k] - recon[k];
                num += d * d;
                den += (double) av[i * c + k] * av[i * c + k];
            }
        }
        return den == 0 ? 0 : Math.sqrt(num / den);
    }

    /** {@code x · m} on the engine for a host {@code x} (k arrays of length inner), written into {@code out} (k arrays). */
    static void product(NDManager manager, float[][] x, NDArray m, float[][] out) {
        int k = x.length;
        int inner = x[0].length;
        float[] flat = new float[k * inner];
        for (int j = 0; j < k; j++) {
            System.arraycopy(x[j], 0, flat, j * inner, inner);
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray xNd = scope.create(flat, new ai.djl.ndarray.types.Shape(k, inner)).toDevice(m.getDevice(), false);
            float[] r = xNd.matMul(m).toDevice(ai.djl.Device.cpu(), false).toFloatArray();
            int len = out[0].length;
            for (int j = 0; j < k; j++) {
                System.arraycopy(r, j * len, out[j], 0, len);
            }
        }
    }

    /**
     * NNDSVDa: the positive or negative part (whichever carries more) of each singular pair,
     * zeros (below 1e-6) replaced by the mean of A. Returns {U (n × r), Wᵀ (C × r)}.
     */
    static double[][] nndsvda(NDManager manager, NDArray aNd, RowMajorMatrix a, int rank, long seed) {
        int n = a.rows();
        int c = a.cols();
        TruncatedSvd svd = TruncatedSvd.of(manager, aNd, rank, seed);
        double[] u = new double[n * rank];
        double[] wT = new double[c * rank];
        for (int j = 0; j < rank; j++) {
            double[] x = svd.leftVector(j);
            double[] y = svd.rightVector(j);
            double s = svd.singularValue(j);
            double[] uCol;
            double[] vCol;
            double sigma;
            if (j == 0) {
                uCol = abs(x);
                vCol = abs(y);
                sigma = 1;
            } else {
                double[] xp = part(x, true);
                double[] xn = part(x, false);
                double[] yp = part(y, true);
                double[] yn = part(y, false);
                double mp = norm(xp) * norm(yp);
                double mn = norm(xn) * norm(yn);
                if (mp > mn) {
                    uCol = scale(xp, 1 / norm(xp));
                    vCol = scale(yp, 1 / norm(yp));
                    sigma = mp;
                } else {
                    uCol = mn > 0 ? scale(xn, 1 / norm(xn)) : new double[n];
                    vCol = mn > 0 ? scale(yn, 1 / norm(yn)) : new double[c];
                    sigma = mn;
                }
            }
            double lambda = Math.sqrt(s * sigma);
            for (int i = 0; i < n; i++) {
                u[i * rank + j] = lambda * uCol[i];
            }
            for (int i = 0; i < c; i++) {
                wT[i * rank + j] = lambda * vCol[i];
            }
        }
        double mean = 0;
        for (float v : a.values()) {
            mean += v;
        }
        mean /= a.values().length;
        for (double[] m : new double[][] {u, wT}) {
            for (int i = 0; i < m.length; i++) {
                if (m[i] < NNDSVD_EPS) {
                    m[i] = mean;
                }
            }
        }
        return new double[][] {u, wT};
    }

    private static double[] abs(double[] x) {
        double[] o = new double[x.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = Math.abs(x[i]);
        }
        return o;
    }

    private static double[] part(double[] x, boolean positive) {
        double[] o = new double[x.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = positive ? Math.max(x[i], 0) : Math.abs(Math.min(x[i], 0));
        }
        return o;
    }

    private static double norm(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    private static double[] scale(double[] x, double f) {
        double[] o = new double[x.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = x[i] * f;
        }
        return o;
    }

    /** Seeded Gaussian start for the subspace iteration. */
    static double[] gaussian(int rows, int cols, long seed) {
        Random rng = new Random(seed);
        double[] q = new double[rows * cols];
        for (int i = 0; i < q.length; i++) {
            q[i] = rng.nextGaussian();
        }
        return q;
    }
}
