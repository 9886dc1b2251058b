package org.lamina.analysis.conceptdepth;

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
     * Fits the probe on {@code n} rows of {@code d} features ({@code x} row-major) with 0/1 labels.
     */
    public Fit fit(float[] x, int n, int d, int[] y, Device device) {
        if (x.length != (long) n * d || y.length != n) {
            throw new IllegalArgumentException("features " + x.length + " values for " + n + " × " + d + ", labels " + y.length);
        }
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

    /** ½ Σ penalty·w² + C Σ softplus(z) − y z, with a stable softplus. */
    private double objective(NDArray design, NDArray labels, NDArray pen, NDArray w) {
        NDArray z = design.matMul(w);
        NDArray softplus = z.maximum(0).add(z.abs().neg().exp().add(1).log());
        double loss = softplus.sub(labels.mul(z)).sum().getDouble();
        return 0.5 * pen.mul(w).mul(w).sum().getDouble() + c * loss;
    }
}
