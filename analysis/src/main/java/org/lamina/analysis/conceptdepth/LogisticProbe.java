package org.lamina.analysis.conceptdepth;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.lamina.analysis.linalg.CholeskySolver;
import org.lamina.analysis.linalg.DoubleLoops;

/**
 * L2-regularised logistic regression, the linear probe of Jin et al. (2024) with the reference's
 * sklearn defaults. It minimises sklearn's objective
 * <pre>  f(w, b) = ½‖w‖² + C Σᵢ [log(1 + e^{zᵢ}) − yᵢ zᵢ],  zᵢ = xᵢ·w + b</pre>
 * (intercept not penalised) by Newton's method with a backtracking line search, in float64 on
 * DJL tensors (so on the GPU when the manager is there); only the small (d+1)² Newton system is
 * solved on the Java side, by Cholesky ({@link CholeskySolver}), because libtorch's general
 * inverse costs tens of milliseconds even for d ≈ 100 on CPU. The problem is strictly convex, so
 * Newton reaches the optimum sklearn's L-BFGS approaches, in a handful of iterations. When the
 * features are wider than the rows (d &gt; n) the same Newton iteration runs in the n-dimensional
 * dual form ({@link KernelLogisticNewton}: w = Xᵀα, Gram matrix X Xᵀ), so the cost follows
 * min(n, d) ({@link #usesDual}). It stops
 * when the largest gradient component of sklearn 1.2's lbfgs objective, Σ loss + ‖w‖²/(2C) = f / C,
 * is at most {@code tol} (its {@code gtol}) or after {@code maxIter} iterations. (Until
 * 2026-12-05 the rule was on f / (C n), which is sklearn's newton-cholesky scaling, not lbfgs's:
 * n times looser, so that on 1,000 × 100,352 features the probe stopped after one to seven
 * iterations at objective 0.57–0.64 where sklearn reaches 0.521.)
 *
 * @param c       inverse regularisation strength C (sklearn default 1.0)
 * @param maxIter iteration limit (sklearn default 100)
 * @param tol     gradient tolerance (sklearn default 1e-4)
 */
public record LogisticProbe(double c, int maxIter, double tol) {

    /** sklearn's LogisticRegression defaults, as in the reference code. */
    public static final LogisticProbe SKLEARN_DEFAULTS = new LogisticProbe(1.0, 100, 1e-4);

    public LogisticProbe {
        if (!(c > 0) || maxIter < 1 || !(tol > 0)) {
            throw new IllegalArgumentException("probe needs C > 0, maxIter ≥ 1, tol > 0; got C=" + c + ", maxIter="
                    + maxIter + ", tol=" + tol);
        }
    }

    /** A fitted probe: weights, intercept, and how the fit went. */
    public record Fit(double[] weights, double intercept, int iterations, boolean converged, double objective) {

        /** P(y = 1 | x) for rows of {@code x} ({@code n × d}, row-major). */
        public double[] probabilities(float[] x, int n, int d) {
            if (d != weights.length) {
                throw new IllegalArgumentException("features have dimension " + d + " but the probe was fitted on "
                        + weights.length + " (mismatched feature dimensions, e.g. a probe of another model or point)");
            }
            double[] p = new double[n];
            for (int i = 0; i < n; i++) {
                double z = intercept;
                for (int j = 0; j < d; j++) {
                    z += x[i * d + j] * weights[j];
                }
                p[i] = 1 / (1 + Math.exp(-z));
            }
            return p;
        }
    }

    /**
     * Fits the probe on {@code n} rows of {@code d} features ({@code x} row-major) with 0/1 labels:
     * on DJL tensors on a GPU; on a CPU with the same Newton iteration in plain Java
     * ({@link #fitInJava}), because for probe-sized problems (n in the thousands, d in the
     * hundreds) libtorch's per-call overhead on CPU costs more than the arithmetic.
     */
    public Fit fit(float[] x, int n, int d, int[] y, Device device) {
        if (x.length != (long) n * d || y.length != n) {
            throw new IllegalArgumentException("features " + x.length + " values for " + n + " × " + d + ", labels " + y.length);
        }
        if (usesLbfgs(n, d)) {
            return WideLbfgs.fit(this, x, n, d, y, device);
        }
        if (usesDual(n, d)) {
            return KernelLogisticNewton.fit(this, x, n, d, y, device);
        }
        return device.isGpu() ? fitOnDjl(x, n, d, y, device) : fitInJava(x, n, d, y);
    }

    /**
     * Whether {@link #fit} solves in the n-dimensional dual ({@link KernelLogisticNewton}: features
     * wider than the rows, d &gt; n) rather than the (d+1)-dimensional primal; both reach the same
     * optimum, the cost follows min(n, d).
     */
    public static boolean usesDual(int n, int d) {
        return d > n;
    }

    /**
     * Above this many multiply-adds for the dual's Gram matrix (n²·d) with n ≥ {@link #LBFGS_MIN_ROWS},
     * {@link #fit} runs L-BFGS instead ({@link WideLbfgs}): an L-BFGS iteration reads X twice
     * (2·n·d), so with n in the thousands the n²·d Gram costs more than tens of L-BFGS
     * iterations. Measured at 1,000 × 100,352 (10¹¹, 2-core EPYC under load, bench/README.md,
     * probewide): dual Newton 8.6 s (Gram 4.6 s of it); L-BFGS 0.67 s at this class's gradient rule
     * (1 iteration) and 1.9 s at the 1000× stricter rule sklearn 1.2's lbfgs applies (24
     * iterations, sklearn's objective to 6 digits); sklearn's lbfgs 3.2–3.7 s (25 iterations).
     * Quiet and warm (2026-12-06, bench/README.md): L-BFGS 0.81 s against sklearn's 2.16 s; cold 1.02 vs 2.89 s.
     */
    static final long LBFGS_GRAM_LIMIT = 10_000_000_000L;

    /** Fewest rows for the L-BFGS route ({@link #LBFGS_GRAM_LIMIT}); below, the dual Newton is cheap per iteration. */
    static final int LBFGS_MIN_ROWS = 512;

    /**
     * Whether {@link #fit} solves by L-BFGS ({@link WideLbfgs}; optimum met to the gradient
     * tolerance, as sklearn's) rather than Newton: features wider than the rows, n ≥ 512 rows and
     * n²·d above {@link #LBFGS_GRAM_LIMIT}.
     */
    public static boolean usesLbfgs(int n, int d) {
        return usesDual(n, d) && n >= LBFGS_MIN_ROWS && (long) n * n * d > LBFGS_GRAM_LIMIT;
    }

    /** {@code "lbfgs"}, {@code "dual"} or {@code "primal"}: the form {@link #fit} uses for n rows of d features (provenance). */
    public static String form(int n, int d) {
        return usesLbfgs(n, d) ? "lbfgs" : usesDual(n, d) ? "dual" : "primal";
    }

    /** Newton on DJL tensors (float64; the Newton system is solved in Java). */
    Fit fitOnDjl(float[] x, int n, int d, int[] y, Device device) {
        try (NDManager m = NDManager.newBaseManager(device)) {
            double[] xa = new double[n * (d + 1)];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    xa[i * (d + 1) + j] = x[i * d + j];
                }
                xa[i * (d + 1) + d] = 1;
            }
            double[] yd = new double[n];
            for (int i = 0; i < n; i++) {
                yd[i] = y[i];
            }
            NDArray design = m.create(xa, new Shape(n, d + 1));
            NDArray designT = design.transpose();
            // The Gram matrix Xᵀ S X dominates the cost; float32 halves it and the line search
            // keeps every step a descent step whatever the Hessian's rounding.
            NDArray design32 = design.toType(DataType.FLOAT32, false);
            NDArray design32T = design32.transpose();
            NDArray labels = m.create(yd);
            double[] penalty = new double[d + 1];
            java.util.Arrays.fill(penalty, 0, d, 1.0);
            NDArray pen = m.create(penalty);
            NDArray w = m.zeros(new Shape(d + 1), DataType.FLOAT64);
            double f = objective(design, labels, pen, w);
            double scale = c; // sklearn 1.2 lbfgs: gtol on ∇(Σ loss + ‖w‖²/(2C)) = ∇f / C
            int it = 0;
            boolean converged = false;
            while (true) {
                NDArray z = design.matMul(w);
                NDArray p = z.neg().exp().add(1).pow(-1);
                NDArray grad = pen.mul(w).add(designT.matMul(p.sub(labels)).mul(c));
                double gmax = grad.abs().max().getDouble() / scale;
                if (gmax <= tol) {
                    converged = true;
                    break;
                }
                if (it >= maxIter) {
                    break;
                }
                NDArray s = p.mul(p.neg().add(1)).mul(c).toType(DataType.FLOAT32, false);
                float[] gram = design32T.matMul(design32.mul(s.expandDims(1))).toFloatArray();
                double[] hessian = new double[gram.length];
                for (int i = 0; i < gram.length; i++) {
                    hessian[i] = gram[i];
                }
                for (int j = 0; j < d; j++) {
                    hessian[j * (d + 1) + j] += 1;
                }
                double[] g = grad.toDoubleArray();
                double[] dir = CholeskySolver.solve(hessian, d + 1, g);
                NDArray step = m.create(dir);
                double slope = grad.dot(step).getDouble();
                double t = 1;
                NDArray next = w.sub(step);
                double fNext = objective(design, labels, pen, next);
                while (fNext > f - 1e-4 * t * slope && t > 1e-8) {
                    t *= 0.5;
                    next = w.sub(step.mul(t));
                    fNext = objective(design, labels, pen, next);
                }
                w = next;
                f = fNext;
                it++;
            }
            double[] all = w.toDoubleArray();
            return new Fit(java.util.Arrays.copyOf(all, d), all[d], it, converged, f);
        }
    }

    /**
     * The same Newton iteration in plain Java (float64), used on CPU. The design matrix is held
     * as one {@code double[]} per row with the intercept's 1 appended, and the Hessian as one
     * array per row, so that the O(n·p²) Hessian and the O(n·p) gradient run as loops that C2
     * vectorises ({@link DoubleLoops}); with offsets into flat arrays they stayed scalar.
     */
    Fit fitInJava(float[] x, int n, int d, int[] y) {
        int p = d + 1;
        double[][] rows = new double[n][p];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                rows[i][k] = x[i * d + k];
            }
            rows[i][d] = 1;
        }
        double[] w = new double[p];
        double[] z = new double[n];
        double f = javaObjective(rows, n, d, y, w, z);
        double scale = c; // sklearn 1.2 lbfgs: gtol on ∇(Σ loss + ‖w‖²/(2C)) = ∇f / C
        double[] prob = new double[n];
        double[] weight = new double[n];
        double[][] h = new double[p][p];
        double[] flat = new double[p * p];
        int it = 0;
        boolean converged = false;
        while (true) {
            double[] grad = new double[p];
            for (int i = 0; i < n; i++) {
                double e = Math.exp(-Math.abs(z[i]));
                prob[i] = z[i] >= 0 ? 1 / (1 + e) : e / (1 + e);
                DoubleLoops.addScaled(grad, c * (prob[i] - y[i]), rows[i], 0, p);
            }
            double gmax = 0;
            for (int k = 0; k < p; k++) {
                if (k < d) {
                    grad[k] += w[k];
                }
                gmax = Math.max(gmax, Math.abs(grad[k]));
            }
            if (gmax / scale <= tol) {
                converged = true;
                break;
            }
            if (it >= maxIter) {
                break;
            }
            // Upper triangle of H = Xᵀ·S·X, four rows of X at a time: row a of H gains
            // Σ_i s_i·x_i[a]·x_i[a…p).
            for (double[] hr : h) {
                java.util.Arrays.fill(hr, 0);
            }
            for (int i = 0; i < n; i++) {
                weight[i] = c * prob[i] * (1 - prob[i]);
            }
            int i = 0;
            for (; i + 3 < n; i += 4) {
                double[] r0 = rows[i];
                double[] r1 = rows[i + 1];
                double[] r2 = rows[i + 2];
                double[] r3 = rows[i + 3];
                double s0 = weight[i];
                double s1 = weight[i + 1];
                double s2 = weight[i + 2];
                double s3 = weight[i + 3];
                for (int a = 0; a < p; a++) {
                    DoubleLoops.addFour(h[a], s0 * r0[a], r0, s1 * r1[a], r1, s2 * r2[a], r2, s3 * r3[a], r3, a, p);
                }
            }
            for (; i < n; i++) {
                for (int a = 0; a < p; a++) {
                    DoubleLoops.addScaled(h[a], weight[i] * rows[i][a], rows[i], a, p);
                }
            }
            for (int a = 0; a < p; a++) {
                for (int b = a; b < p; b++) {
                    flat[a * p + b] = h[a][b];
                    flat[b * p + a] = h[a][b];
                }
                if (a < d) {
                    flat[a * p + a] += 1;
                }
            }
            double[] step = CholeskySolver.solve(flat, p, grad);
            double slope = 0;
            for (int k = 0; k < p; k++) {
                slope += grad[k] * step[k];
            }
            double t = 1;
            double[] next = new double[p];
            double[] zNext = new double[n];
            double fNext;
            while (true) {
                for (int k = 0; k < p; k++) {
                    next[k] = w[k] - t * step[k];
                }
                fNext = javaObjective(rows, n, d, y, next, zNext);
                if (fNext <= f - 1e-4 * t * slope || t <= 1e-8) {
                    break;
                }
                t *= 0.5;
            }
            w = next;
            z = zNext;
            f = fNext;
            it++;
        }
        return new Fit(java.util.Arrays.copyOf(w, d), w[d], it, converged, f);
    }

    /** The objective at {@code w} for design rows with the intercept's 1 last; fills {@code z}. */
    private double javaObjective(double[][] rows, int n, int d, int[] y, double[] w, double[] z) {
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double[] r = rows[i];
            // Four partial sums: independent adds instead of one latency-bound chain.
            double z0 = 0;
            double z1 = 0;
            double z2 = 0;
            double z3 = 0;
            int k = 0;
            for (; k + 3 < d; k += 4) {
                z0 += r[k] * w[k];
                z1 += r[k + 1] * w[k + 1];
                z2 += r[k + 2] * w[k + 2];
                z3 += r[k + 3] * w[k + 3];
            }
            double zi = w[d] + ((z0 + z1) + (z2 + z3));
            for (; k < d; k++) {
                zi += r[k] * w[k];
            }
            z[i] = zi;
            loss += Math.max(zi, 0) + Math.log(1 + Math.exp(-Math.abs(zi))) - y[i] * zi;
        }
        double reg = 0;
        for (int k = 0; k < d; k++) {
            reg += w[k] * w[k];
        }
        return 0.5 * reg + c * loss;
    }

    /** ½ Σ penalty·w² + C Σ softplus(z) − y z, with a stable softplus. */
    private double objective(NDArray design, NDArray labels, NDArray pen, NDArray w) {
        NDArray z = design.matMul(w);
        NDArray softplus = z.maximum(0).add(z.abs().neg().exp().add(1).log());
        double loss = softplus.sub(labels.mul(z)).sum().getDouble();
        return 0.5 * pen.mul(w).mul(w).sum().getDouble() + c * loss;
    }
}
