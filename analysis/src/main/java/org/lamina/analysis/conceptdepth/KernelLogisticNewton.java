package org.lamina.analysis.conceptdepth;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.lamina.analysis.linalg.CholeskySolver;
import org.lamina.analysis.linalg.DoubleLoops;

/**
 * {@link LogisticProbe}'s objective solved in the n-dimensional dual (representer) form, for
 * features wider than the training rows (d &gt; n: a flattened spatial map, pooled ResNet features
 * on a few dozen rows), where the primal Newton system is (d+1)² and Cholesky d³.
 *
 * <p>Why it is the same optimum: every Newton iterate of the primal starting from w = 0 stays in
 * the row space of X — the gradient is w + C Xᵀ(p − y) and H = I + C XᵀSX maps the row space into
 * itself — so w = Xᵀα throughout, z = Kα + b with the Gram matrix K = X Xᵀ (n × n) and
 * ½‖w‖² = ½ αᵀKα. With r = p − y, γ = α + C r (so ∇_w f = Xᵀγ) and s = p(1 − p), the primal
 * Newton step (Δw = Xᵀδ, Δb) solves
 * <pre>  δ + C S (Kδ + 1Δb) = γ,    1ᵀS(Kδ + 1Δb) = 1ᵀ r,</pre>
 * which with D = S^{1/2} and the SPD matrix A = I + C D K D becomes, for v = D(Kδ + 1Δb),
 * <pre>  v = A⁻¹D Kγ + A⁻¹D1 Δb,   Δb = (1ᵀr − 1ᵀD A⁻¹D Kγ) / (1ᵀD A⁻¹D 1),   δ = γ − C D v</pre>
 * — one n × n Cholesky per iteration instead of (d+1)³. The line search (Armijo on f, halving),
 * the stopping rule (max |∇f| / C ≤ tol, on the primal gradient Xᵀγ) and the iteration limit
 * are the primal solver's, so both forms stop at the same point up to rounding.
 *
 * <p>Cost: K once, n²·d multiply-adds — as float64 matrix products on libtorch (column blocks of X,
 * so only one block is ever held in float64) when that is large or on a GPU, in plain Java
 * below {@link #JAVA_GRAM_LIMIT} on the CPU — then per iteration O(n³/3) for the Cholesky and
 * one Xᵀγ product (n·d, in Java) for the gradient test.
 */
final class KernelLogisticNewton {

    /** Columns of X converted to float64 at a time for K (keeps the float64 copy at n × 8,192). */
    private static final int COLUMN_BLOCK = 8192;

    private KernelLogisticNewton() {
    }

    /**
     * Below this many multiply-adds for K (n²·d) the products run in plain Java on the CPU:
     * libtorch's per-call cost (and its thread hand-offs on a busy machine) then exceed the
     * arithmetic — 60 rows × 2,048 features is 7 M multiply-adds.
     */
    static final long JAVA_GRAM_LIMIT = 500_000_000L;

    static LogisticProbe.Fit fit(LogisticProbe s, float[] x, int n, int d, int[] y, Device device) {
        return fit(s, x, n, d, y, device, !device.isGpu() && (long) n * n * d <= JAVA_GRAM_LIMIT);
    }

    /** @param inJava products in plain Java (CPU) rather than on libtorch */
    static LogisticProbe.Fit fit(LogisticProbe s, float[] x, int n, int d, int[] y, Device device, boolean inJava) {
        double c = s.c();
        try (NDManager m = NDManager.newBaseManager(device)) {
            double[][] rows = inJava ? doubleRows(x, n, d) : null;
            double[] k = inJava ? javaGram(rows, n) : gram(m, x, n, d);
            double[] alpha = new double[n];
            double b = 0;
            double[] z = new double[n];
            double f = objective(alpha, z, b, y, c);
            double scale = c; // the rule of LogisticProbe: max |∇f| / C ≤ tol, as sklearn 1.2's lbfgs
            double[] p = new double[n];
            double[] r = new double[n];
            double[] gamma = new double[n];
            double[] sq = new double[n];
            double[] a = new double[n * n];
            int it = 0;
            boolean converged = false;
            while (true) {
                double sumR = 0;
                for (int i = 0; i < n; i++) {
                    double e = Math.exp(-Math.abs(z[i]));
                    p[i] = z[i] >= 0 ? 1 / (1 + e) : e / (1 + e);
                    r[i] = p[i] - y[i];
                    gamma[i] = alpha[i] + c * r[i];
                    sumR += r[i];
                }
                double gmax = Math.max(Math.abs(c * sumR), maxAbs(inJava ? javaXtv(rows, gamma, d) : xtv(x, gamma, n, d)));
                if (gmax / scale <= s.tol()) {
                    converged = true;
                    break;
                }
                if (it >= s.maxIter()) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    sq[i] = Math.sqrt(p[i] * (1 - p[i]));
                }
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        a[i * n + j] = c * sq[i] * k[i * n + j] * sq[j];
                    }
                    a[i * n + i] += 1;
                }
                double[] kGamma = mulSym(k, gamma, n);
                double[] rhs1 = new double[n];
                for (int i = 0; i < n; i++) {
                    rhs1[i] = sq[i] * kGamma[i];
                }
                double[][] v = CholeskySolver.solveAll(a, n, new double[][] {rhs1, sq.clone()});
                double num = sumR;
                double den = 0;
                for (int i = 0; i < n; i++) {
                    num -= sq[i] * v[0][i];
                    den += sq[i] * v[1][i];
                }
                double db = den > 1e-300 ? num / den : 0;
                double[] delta = new double[n];
                for (int i = 0; i < n; i++) {
                    delta[i] = gamma[i] - c * sq[i] * (v[0][i] + v[1][i] * db);
                }
                double[] kDelta = mulSym(k, delta, n);
                // slope = ∇fᵀ(Δw, Δb) = γᵀKδ + C (Σ r) Δb
                double slope = c * sumR * db;
                for (int i = 0; i < n; i++) {
                    slope += gamma[i] * kDelta[i];
                }
                double t = 1;
                double[] nextAlpha = new double[n];
                double[] nextZ = new double[n];
                double nextB;
                double fNext;
                while (true) {
                    for (int i = 0; i < n; i++) {
                        nextAlpha[i] = alpha[i] - t * delta[i];
                    }
                    nextB = b - t * db;
                    for (int i = 0; i < n; i++) {
                        nextZ[i] = z[i] - b + nextB - t * kDelta[i];
                    }
                    fNext = objective(nextAlpha, nextZ, nextB, y, c);
                    if (fNext <= f - 1e-4 * t * slope || t <= 1e-8) {
                        break;
                    }
                    t *= 0.5;
                }
                alpha = nextAlpha;
                b = nextB;
                // z afresh from K (no drift from the incremental updates)
                double[] ka = mulSym(k, alpha, n);
                for (int i = 0; i < n; i++) {
                    z[i] = ka[i] + b;
                }
                f = objective(alpha, z, b, y, c);
                it++;
            }
            double[] w = inJava ? javaXtv(rows, alpha, d) : xtv(x, alpha, n, d);
            return new LogisticProbe.Fit(w, b, it, converged, f);
        }
    }

    private static double[][] doubleRows(float[] x, int n, int d) {
        double[][] rows = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                rows[i][j] = x[i * d + j];
            }
        }
        return rows;
    }

    /** K = X Xᵀ in plain Java (float64), symmetric. */
    private static double[] javaGram(double[][] rows, int n) {
        double[] k = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = DoubleLoops.dot(rows[i], rows[j]);
                k[i * n + j] = v;
                k[j * n + i] = v;
            }
        }
        return k;
    }

    /** Xᵀv in plain Java (float64). */
    private static double[] javaXtv(double[][] rows, double[] v, int d) {
        double[] out = new double[d];
        for (int i = 0; i < rows.length; i++) {
            DoubleLoops.addScaled(out, v[i], rows[i], 0, d);
        }
        return out;
    }

    /**
     * K = X Xᵀ in float64 on libtorch, by column blocks of X copied into float64 on the Java side
     * (float32 products are exact in float64). The copy is plain Java: libtorch's strided
     * slice-and-convert of the same block took 1.4 s on a busy 2-core machine, the product 2.6 s.
     */
    private static double[] gram(NDManager m, float[] x, int n, int d) {
        NDArray k = m.zeros(new Shape(n, n), DataType.FLOAT64);
        double[] block = new double[n * Math.min(d, COLUMN_BLOCK)];
        for (int from = 0; from < d; from += COLUMN_BLOCK) {
            int width = Math.min(d, from + COLUMN_BLOCK) - from;
            for (int i = 0; i < n; i++) {
                int src = i * d + from;
                int dst = i * width;
                for (int j = 0; j < width; j++) {
                    block[dst + j] = x[src + j];
                }
            }
            try (NDManager scope = m.newSubManager()) {
                NDArray b = scope.create(java.nio.DoubleBuffer.wrap(block, 0, n * width), new Shape(n, width));
                k.addi(b.matMul(b.transpose()));
            }
        }
        return k.toDoubleArray();
    }

    /** Xᵀv ({@code [d]}) in float64 from the float32 rows: one pass over X (n·d), no copy. */
    private static double[] xtv(float[] x, double[] v, int n, int d) {
        double[] out = new double[d];
        for (int i = 0; i < n; i++) {
            double vi = v[i];
            int off = i * d;
            for (int j = 0; j < d; j++) {
                out[j] += vi * x[off + j];
            }
        }
        return out;
    }

    private static double[] mulSym(double[] k, double[] v, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double acc = 0;
            int row = i * n;
            for (int j = 0; j < n; j++) {
                acc += k[row + j] * v[j];
            }
            out[i] = acc;
        }
        return out;
    }

    /** ½ αᵀKα + C Σ [softplus(z) − y z], with Kα = z − b. */
    private static double objective(double[] alpha, double[] z, double b, int[] y, double c) {
        double quad = 0;
        double loss = 0;
        for (int i = 0; i < z.length; i++) {
            quad += alpha[i] * (z[i] - b);
            loss += Math.max(z[i], 0) + Math.log(1 + Math.exp(-Math.abs(z[i]))) - y[i] * z[i];
        }
        return 0.5 * quad + c * loss;
    }

    private static double maxAbs(double[] v) {
        double mx = 0;
        for (double e : v) {
            mx = Math.max(mx, Math.abs(e));
        }
        return mx;
    }
}
