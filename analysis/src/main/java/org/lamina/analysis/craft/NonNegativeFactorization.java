package org.lamina.analysis.craft;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.Random;

/**
 * Non-negative matrix factorisation A ≈ U·W by alternating coordinate descent (HALS), the
 * reference CRAFT's solver (scikit-learn {@code NMF(init='nndsvda', solver='cd', tol=1e-4,
 * max_iter=200)}; shared/specs/craft.md §Pipeline step 4). On a GPU manager the O(n·C·r)
 * products of each sweep run as engine tensors; on the CPU they run as plain loops on the host,
 * because for these skinny products (r ≈ 10) an engine call costs more in JNI and thread
 * hand-off than the arithmetic (measured: 12 ms per 1800×128×10 product through libtorch on a
 * busy 2-core machine, 2.7 ms as a Java loop). The O(n·r²) coordinate sweeps always run on the host.
 *
 * <p>Initialisation is NNDSVDa (Boutsidis & Gallopoulos 2008) from an exact truncated SVD found by
 * seeded subspace iteration on AᵀA — deterministic, unlike sklearn's randomised SVD.
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
            NDArray aT = onEngine ? aNd.transpose().duplicate() : null;
            float[] aTHost = onEngine ? null : HostProducts.transpose(a);
            // Accelerated HALS (Gillis & Glineur 2012): a sweep costs O(n·r²) once its products
            // (O(n·C·r)) are known, so each half-step repeats its sweep while that still pays:
            // at most 1 + ½(1 + C/r) times, stopping when a sweep's violation falls under a tenth
            // of the first. Same fixed points and stopping rule as sklearn, fewer products.
            int innerU = 1 + (int) (0.5 * (1 + (double) c / rank));
            int innerW = 1 + (int) (0.5 * (1 + (double) n / rank));
            double[][] init = nndsvda(scope, aNd, a, rank, settings.seed());
            double[] u = init[0];
            double[] wT = init[1]; // W transposed, C × r: the sweeps update rows
            double l2U = c * settings.alphaW();
            double violationInit = 0;
            int iterations = 0;
            boolean converged = false;
            for (int it = 1; it <= settings.maxIterations(); it++) {
                iterations = it;
                double violation = 0;
                // U step: gram = W·Wᵀ, cross = A·Wᵀ.
                double[] gramW = CoordinateDescent.gram(wT, c, rank);
                double[] cross = onEngine ? product(scope, aNd, wT, c, rank) : HostProducts.timesTransposed(aTHost, n, c, wT, rank);
                violation += repeatedSweeps(u, n, rank, gramW, cross, l2U, innerU);
                // W step: gram = UᵀU, cross = Aᵀ·U.
                double[] gramU = CoordinateDescent.gram(u, n, rank);
                double[] crossT = onEngine ? product(scope, aT, u, n, rank) : HostProducts.transposedTimes(a, u, rank);
                violation += repeatedSweeps(wT, c, rank, gramU, crossT, 0, innerW);
                if (it == 1) {
                    violationInit = violation;
                }
                if (violationInit == 0 || violation / violationInit <= settings.tolerance()) {
                    converged = true;
                    break;
                }
            }
            double[] w = transpose(wT, c, rank);
            RowMajorMatrix uM = RowMajorMatrix.of(n, rank, u);
            RowMajorMatrix wM = RowMajorMatrix.of(rank, c, w);
            return new NmfResult(uM, wM, iterations, converged, relativeError(scope, aNd, uM, wM));
        }
    }

    /** Up to {@code times} sweeps on the same products; returns the first sweep's violation. */
    private static double repeatedSweeps(double[] x, int rows, int k, double[] gram, double[] cross, double l2, int times) {
        double first = CoordinateDescent.sweep(x, rows, k, gram, cross, l2);
        for (int s = 1; s < times; s++) {
            double v = CoordinateDescent.sweep(x, rows, k, gram, cross, l2);
            if (v <= 0.1 * first) {
                break;
            }
        }
        return first;
    }

    /** ||A − UW||_F / ||A||_F. */
    public static double relativeError(NDManager manager, NDArray a, RowMajorMatrix u, RowMajorMatrix w) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray recon = u.toNDArray(scope).matMul(w.toNDArray(scope));
            double num = a.sub(recon).square().sum().getFloat();
            double den = a.square().sum().getFloat();
            return den == 0 ? 0 : Math.sqrt(num / den);
        }
    }

    /** {@code m · x} for a host matrix {@code x} ({@code inner × k}), returned row-major as doubles. */
    static double[] product(NDManager manager, NDArray m, double[] x, int inner, int k) {
        try (NDManager scope = manager.newSubManager()) {
            float[] xf = new float[x.length];
            for (int i = 0; i < xf.length; i++) {
                xf[i] = (float) x[i];
            }
            NDArray xNd = scope.create(xf, new ai.djl.ndarray.types.Shape(inner, k)).toDevice(m.getDevice(), false);
            float[] out = m.matMul(xNd).toFloatArray();
            double[] d = new double[out.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = out[i];
            }
            return d;
        }
    }

    static double[] transpose(double[] x, int rows, int cols) {
        double[] t = new double[x.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = x[i * cols + j];
            }
        }
        return t;
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
