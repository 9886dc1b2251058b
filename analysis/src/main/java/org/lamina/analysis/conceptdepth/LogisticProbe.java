package org.lamina.analysis.conceptdepth;

import org.lamina.analysis.linalg.CholeskySolver;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * L2-regularised logistic regression, the linear probe of Jin et al. (2024) with the reference's
 * sklearn defaults. It minimises sklearn's objective
 * <pre>  f(w, b) = ½‖w‖² + C Σᵢ [log(1 + e^{zᵢ}) − yᵢ zᵢ],  zᵢ = xᵢ·w + b</pre>
 * (intercept not penalised) by Newton's method with a backtracking line search, in float64 on
 * DJL tensors (so on the GPU when the manager is there); only the small (d+1)² Newton system is
 * solved on the Java side, by Cholesky ({@link CholeskySolver}), because libtorch's general
 * inverse costs tens of milliseconds even for d ≈ 100 on CPU. The problem is strictly convex, so
 * Newton reaches the optimum sklearn's L-BFGS approaches, in a handful of iterations. It stops
 * when the largest gradient component of sklearn's scaled objective f / (C n) is at most
 * {@code tol} (L-BFGS's {@code gtol} in sklearn 1.2) or after {@code maxIter} iterations.
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
        return device.isGpu() ? fitOnDjl(x, n, d, y, device) : fitInJava(x, n, d, y);
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
            double scale = c * n;
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

    /** The same Newton iteration in plain Java (float64), used on CPU. */
    Fit fitInJava(float[] x, int n, int d, int[] y) {
        int p = d + 1;
        double[] w = new double[p];
        double[] z = new double[n];
        double f = javaObjective(x, n, d, y, w, z);
        double scale = c * n;
        double[] prob = new double[n];
        int it = 0;
        boolean converged = false;
        while (true) {
            double[] grad = new double[p];
            for (int i = 0; i < n; i++) {
                double e = Math.exp(-Math.abs(z[i]));
                prob[i] = z[i] >= 0 ? 1 / (1 + e) : e / (1 + e);
                double r = c * (prob[i] - y[i]);
                int off = i * d;
                for (int k = 0; k < d; k++) {
                    grad[k] += r * x[off + k];
                }
                grad[d] += r;
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
            double[] h = new double[p * p];
            double[] row = new double[p];
            row[d] = 1;
            for (int i = 0; i < n; i++) {
                double si = c * prob[i] * (1 - prob[i]);
                if (si == 0) {
                    continue;
                }
                int off = i * d;
                for (int k = 0; k < d; k++) {
                    row[k] = x[off + k];
                }
                for (int a = 0; a < p; a++) {
                    double v = si * row[a];
                    int base = a * p;
                    for (int b = a; b < p; b++) {
                        h[base + b] += v * row[b];
                    }
                }
            }
            for (int a = 0; a < p; a++) {
                if (a < d) {
                    h[a * p + a] += 1;
                }
                for (int b = 0; b < a; b++) {
                    h[a * p + b] = h[b * p + a];
                }
            }
            double[] step = CholeskySolver.solve(h, p, grad);
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
                fNext = javaObjective(x, n, d, y, next, zNext);
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

    /** The objective at {@code w}; fills {@code z} with the decision values. */
    private double javaObjective(float[] x, int n, int d, int[] y, double[] w, double[] z) {
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double zi = w[d];
            int off = i * d;
            for (int k = 0; k < d; k++) {
                zi += x[off + k] * w[k];
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
