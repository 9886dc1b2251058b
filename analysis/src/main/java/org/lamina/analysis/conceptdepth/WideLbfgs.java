package org.lamina.analysis.conceptdepth;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * {@link LogisticProbe}'s objective by L-BFGS (sklearn's {@code lbfgs}, the reference's solver) for
 * one probe on many rows of very wide features (e.g. 1,000 × 100,352, a 2048 × 7 × 7 map
 * flattened), where even the dual's Gram matrix (n²·d multiply-adds, 10¹¹ there) costs more than
 * the whole L-BFGS run: an iteration reads X twice (z = Xw and Xᵀr), ~2·n·d.
 *
 * <p>X stays float32 on libtorch (no float64 copy: half the memory traffic of sklearn, which
 * converts X to float64), and the products run as float32 matrix–vector products. The line search
 * does not re-read X: u = X·dir is computed once per iteration and every trial point's
 * z = z₀ + t·u, so a halving costs O(n) and the Armijo test compares objectives that share z₀ —
 * the float32 rounding of u enters only the (small) change, not the level. The gradient at the
 * accepted point is the second pass. Objective scaling, the history (10 pairs), the first step
 * and the Armijo backtracking are those of {@link BatchedLbfgsProbe}; the stopping rule is
 * {@link LogisticProbe}'s (max |∇f| / C ≤ tol, sklearn 1.2 lbfgs's gtol), so the result meets
 * the same tolerance as sklearn's; it is not
 * Newton's exact optimum (differences within what the gradient tolerance allows; see
 * WideLbfgsTest).
 */
final class WideLbfgs {

    private WideLbfgs() {
    }

    static LogisticProbe.Fit fit(LogisticProbe s, float[] x, int n, int d, int[] y, Device device) {
        double c = s.c();
        double scale = 1.0 / (c * n);
        try (NDManager m = NDManager.newBaseManager(device)) {
            NDArray xs = m.create(x, new Shape(n, d));
            NDArray xt = xs.transpose();
            double[] w = new double[d];
            double b = 0;
            double[] z = new double[n];
            double[] r = new double[n];
            double wNorm2 = 0;
            double f = objective(z, y, c, wNorm2, r) * scale;
            double[] g = gradient(m, xt, w, r, c, scale, d);
            Deque<double[][]> history = new ArrayDeque<>();
            int it = 0;
            boolean converged = false;
            while (true) {
                if (BatchedLbfgsProbe.maxAbs(g) * n <= s.tol()) { // g = ∇f / (C n); the rule is max |∇f| / C ≤ tol
                    converged = true;
                    break;
                }
                if (it >= s.maxIter()) {
                    break;
                }
                double[] dir = BatchedLbfgsProbe.twoLoop(g, history);
                double slope = BatchedLbfgsProbe.dot(g, dir);
                if (!(slope < 0)) {
                    history.clear();
                    dir = new double[d + 1];
                    for (int k = 0; k <= d; k++) {
                        dir[k] = -g[k];
                    }
                    slope = BatchedLbfgsProbe.dot(g, dir);
                }
                double t = history.isEmpty() ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
                double[] u = times(m, xs, dir, d);
                double wDir = 0;
                double dir2 = 0;
                for (int k = 0; k < d; k++) {
                    wDir += w[k] * dir[k];
                    dir2 += dir[k] * dir[k];
                }
                double[] zc = new double[n];
                double[] rc = new double[n];
                double fc;
                while (true) {
                    for (int i = 0; i < n; i++) {
                        zc[i] = z[i] + t * (u[i] + dir[d]);
                    }
                    fc = objective(zc, y, c, wNorm2 + 2 * t * wDir + t * t * dir2, rc) * scale;
                    if (fc <= f + 1e-4 * t * slope || t < 1e-12) {
                        break;
                    }
                    t *= 0.5;
                }
                double[] step = new double[d + 1];
                for (int k = 0; k <= d; k++) {
                    step[k] = t * dir[k];
                }
                for (int k = 0; k < d; k++) {
                    w[k] += step[k];
                }
                b += step[d];
                wNorm2 = 0;
                for (int k = 0; k < d; k++) {
                    wNorm2 += w[k] * w[k];
                }
                z = zc;
                r = rc;
                f = fc;
                double[] gNew = gradient(m, xt, w, r, c, scale, d);
                double[] yy = new double[d + 1];
                for (int k = 0; k <= d; k++) {
                    yy[k] = gNew[k] - g[k];
                }
                if (BatchedLbfgsProbe.dot(step, yy) > 1e-12 * BatchedLbfgsProbe.dot(yy, yy)) {
                    history.addLast(new double[][] {step, yy});
                    if (history.size() > BatchedLbfgsProbe.MEMORY) {
                        history.removeFirst();
                    }
                }
                g = gNew;
                it++;
            }
            return new LogisticProbe.Fit(w, b, it, converged, f / scale);
        }
    }

    /** ½‖w‖² + C Σ log-loss at z (unscaled); fills the residuals p − y. */
    private static double objective(double[] z, int[] y, double c, double wNorm2, double[] r) {
        double loss = 0;
        for (int i = 0; i < z.length; i++) {
            double zi = z[i];
            double e = Math.exp(-Math.abs(zi));
            loss += Math.max(zi, 0) + Math.log1p(e) - y[i] * zi;
            r[i] = (zi >= 0 ? 1 / (1 + e) : e / (1 + e)) - y[i];
        }
        return 0.5 * wNorm2 + c * loss;
    }

    /** The scaled gradient (w + C Xᵀr, C Σ r) / (C n), with Xᵀr a float32 product. */
    private static double[] gradient(NDManager m, NDArray xt, double[] w, double[] r, double c, double scale, int d) {
        float[] rf = new float[r.length];
        double sumR = 0;
        for (int i = 0; i < r.length; i++) {
            rf[i] = (float) r[i];
            sumR += r[i];
        }
        float[] xtr;
        try (NDManager s = m.newSubManager()) {
            xtr = xt.matMul(s.create(rf, new Shape(r.length, 1))).toFloatArray();
        }
        double[] g = new double[d + 1];
        for (int k = 0; k < d; k++) {
            g[k] = (w[k] + c * xtr[k]) * scale;
        }
        g[d] = c * sumR * scale;
        return g;
    }

    /** X·v[0, d) as a float32 product, in float64. */
    private static double[] times(NDManager m, NDArray xs, double[] v, int d) {
        float[] vf = new float[d];
        for (int k = 0; k < d; k++) {
            vf[k] = (float) v[k];
        }
        try (NDManager s = m.newSubManager()) {
            float[] u = xs.matMul(s.create(vf, new Shape(d, 1))).toFloatArray();
            double[] out = new double[u.length];
            for (int i = 0; i < u.length; i++) {
                out[i] = u[i];
            }
            return out;
        }
    }
}
