package org.lamina.analysis.conceptdepth;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.lamina.analysis.linalg.CholeskySolver;

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
 * the stopping rule (max |∇f| / (C n) ≤ tol, on the primal gradient Xᵀγ) and the iteration limit
 * are the primal solver's, so both forms stop at the same point up to rounding.
 *
 * <p>Cost: K once, n²·d multiply-adds as float64 matrix products on libtorch (column blocks of X,
 * so only one block is ever converted to float64), then per iteration O(n³/3) for the Cholesky and
 * one Xᵀγ product (n·d) for the gradient test.
 */
final class KernelLogisticNewton {

    /** Columns of X converted to float64 at a time for K (keeps the float64 copy at n × 8,192). */
    private static final int COLUMN_BLOCK = 8192;

    private KernelLogisticNewton() {
    }

    static LogisticProbe.Fit fit(LogisticProbe s, float[] x, int n, int d, int[] y, Device device) {
        double c = s.c();
        try (NDManager m = NDManager.newBaseManager(device)) {
            NDArray xs = m.create(x, new Shape(n, d));
            double[] k = gram(m, xs, n, d);
            double[] alpha = new double[n];
            double b = 0;
            double[] z = new double[n];
            double f = objective(alpha, z, b, y, c);
            double scale = c * n;
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
                double gmax = Math.max(Math.abs(c * sumR), maxAbs(xtv(m, xs, gamma)));
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
            double[] w = xtv(m, xs, alpha);
            return new LogisticProbe.Fit(w, b, it, converged, f);
        }
    }

    /** K = X Xᵀ in float64, by column blocks of X (float32 products are exact in float64). */
    private static double[] gram(NDManager m, NDArray xs, int n, int d) {
        NDArray k = m.zeros(new Shape(n, n), DataType.FLOAT64);
        for (int from = 0; from < d; from += COLUMN_BLOCK) {
            int to = Math.min(d, from + COLUMN_BLOCK);
            try (NDManager scope = m.newSubManager()) {
                NDArray block = xs.get(new NDIndex(":, {}:{}", from, to)).toType(DataType.FLOAT64, false);
                block.attach(scope);
                NDArray part = block.matMul(block.transpose());
                k.addi(part);
            }
        }
        return k.toDoubleArray();
    }

    /** Xᵀv ({@code [d]}) in float64, by column blocks of X. */
    private static double[] xtv(NDManager m, NDArray xs, double[] v) {
        int d = (int) xs.getShape().get(1);
        double[] out = new double[d];
        try (NDManager scope = m.newSubManager()) {
            NDArray vv = scope.create(v, new Shape(v.length, 1));
            for (int from = 0; from < d; from += COLUMN_BLOCK) {
                int to = Math.min(d, from + COLUMN_BLOCK);
                NDArray block = xs.get(new NDIndex(":, {}:{}", from, to)).toType(DataType.FLOAT64, false);
                block.attach(scope);
                double[] part = block.transpose().matMul(vv).toDoubleArray();
                System.arraycopy(part, 0, out, from, part.length);
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
