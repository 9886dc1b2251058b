package org.lamina.analysis.conceptdepth;

import org.lamina.analysis.linalg.DoubleLoops;

/**
 * The L-BFGS memory of one minimisation: the last {@link #CAPACITY} curvature pairs (s, y) and the
 * two-loop recursion that applies the implied inverse Hessian (Nocedal &amp; Wright, Numerical
 * Optimization, 2nd ed., Algorithm 7.4; m = 10 as scipy's L-BFGS-B, which sklearn's {@code lbfgs}
 * calls).
 *
 * <p>The pairs live in arrays allocated once and reused as a ring, and the recursion works in place
 * with each update fused with the next inner product, because on the wide probe (vectors of
 * 100,353 doubles, {@link WideLbfgs}) the textbook form — four inner products and two freshly
 * allocated vectors per pair — cost 120–170 ms of a 1.1 s fit warm and 650 ms cold, mostly garbage
 * collection of 16 MB of temporaries an iteration (bench/README.md "probewide").
 */
final class LbfgsMemory {

    /** Pairs kept (scipy's default {@code maxcor}). */
    static final int CAPACITY = 10;

    private final double[][] s;
    private final double[][] y;
    private final double[] rho;
    private final double[] yy;
    private final double[] alpha = new double[CAPACITY];
    private int oldest;
    private int size;

    /** A memory for vectors of {@code length} values. */
    LbfgsMemory(int length) {
        this.s = new double[CAPACITY][length];
        this.y = new double[CAPACITY][length];
        this.rho = new double[CAPACITY];
        this.yy = new double[CAPACITY];
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Forgets every pair (after a direction that was not a descent direction). */
    void clear() {
        size = 0;
        oldest = 0;
    }

    /**
     * Keeps the pair (step, gradient change) when its curvature sᵀy is positive enough to keep the
     * inverse Hessian positive definite ({@code sᵀy > 1e-12 yᵀy}); the oldest pair goes when full.
     * The vectors are copied.
     *
     * @return whether the pair was kept
     */
    boolean offer(double[] step, double[] change) {
        double sy = DoubleLoops.dot(step, change);
        double yNorm2 = DoubleLoops.dot(change, change);
        if (!(sy > 1e-12 * yNorm2)) {
            return false;
        }
        int slot = (oldest + size) % CAPACITY;
        if (size == CAPACITY) {
            oldest = (oldest + 1) % CAPACITY;
        } else {
            size++;
        }
        System.arraycopy(step, 0, s[slot], 0, step.length);
        System.arraycopy(change, 0, y[slot], 0, change.length);
        rho[slot] = 1 / sy;
        yy[slot] = yNorm2;
        return true;
    }

    /** −H·g as a new array. */
    double[] direction(double[] g) {
        double[] out = new double[g.length];
        direction(g, out);
        return out;
    }

    /**
     * {@code out = −H·g}, H the inverse-Hessian approximation of the kept pairs (the identity when
     * none): the two-loop recursion with the initial scaling γ = sᵀy / yᵀy of the newest pair.
     */
    void direction(double[] g, double[] out) {
        int n = g.length;
        if (size == 0) {
            for (int k = 0; k < n; k++) {
                out[k] = -g[k];
            }
            return;
        }
        System.arraycopy(g, 0, out, 0, n);
        double[] q = out;
        // First loop, newest to oldest: αᵢ = ρᵢ sᵢᵀq, q −= αᵢ yᵢ (each update fused with the next sᵀq).
        double sq = DoubleLoops.dot(s[slot(size - 1)], q);
        for (int i = size - 1; i >= 0; i--) {
            int at = slot(i);
            alpha[i] = rho[at] * sq;
            sq = i > 0 ? addScaledThenDot(q, -alpha[i], y[at], s[slot(i - 1)]) : addScaledThenDot(q, -alpha[i], y[at], null);
        }
        int newest = slot(size - 1);
        double gamma = 1 / (rho[newest] * yy[newest]);
        // r = γ q, then oldest to newest: β = ρᵢ yᵢᵀr, r += (αᵢ − β) sᵢ (fused the same way).
        double yr = scaleThenDot(q, gamma, y[slot(0)]);
        for (int i = 0; i < size; i++) {
            int at = slot(i);
            double beta = rho[at] * yr;
            yr = i + 1 < size ? addScaledThenDot(q, alpha[i] - beta, s[at], y[slot(i + 1)]) : addScaledThenDot(q, alpha[i] - beta, s[at], null);
        }
        for (int k = 0; k < n; k++) {
            q[k] = -q[k];
        }
    }

    private int slot(int i) {
        return (oldest + i) % CAPACITY;
    }

    /** {@code q += a·v}, then {@code next·q} (0 when next is null). */
    private static double addScaledThenDot(double[] q, double a, double[] v, double[] next) {
        int n = q.length;
        if (next == null) {
            DoubleLoops.addScaled(q, a, v, 0, n);
            return 0;
        }
        double d0 = 0;
        double d1 = 0;
        int k = 0;
        int pairs = n - 1;
        for (; k < pairs; k += 2) {
            double q0 = q[k] + a * v[k];
            double q1 = q[k + 1] + a * v[k + 1];
            q[k] = q0;
            q[k + 1] = q1;
            d0 += next[k] * q0;
            d1 += next[k + 1] * q1;
        }
        for (; k < n; k++) {
            q[k] += a * v[k];
            d0 += next[k] * q[k];
        }
        return d0 + d1;
    }

    /** {@code q *= a}, then {@code next·q}. */
    private static double scaleThenDot(double[] q, double a, double[] next) {
        double d = 0;
        for (int k = 0; k < q.length; k++) {
            q[k] *= a;
            d += next[k] * q[k];
        }
        return d;
    }
}
