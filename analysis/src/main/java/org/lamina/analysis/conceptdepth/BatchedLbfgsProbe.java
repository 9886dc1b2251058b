package org.lamina.analysis.conceptdepth;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.List;

/**
 * Many L2 logistic probes on the same feature matrix at once — every concept's task and control
 * probe at one probe point — by L-BFGS (the reference's solver, sklearn's {@code lbfgs}) run in
 * lock-step: each iteration evaluates all B objectives and gradients with two matrix products
 * {@code X W} and {@code Xᵀ R} on DJL tensors on a GPU ({@code X: n × (d+1)}, {@code W: (d+1) × B};
 * in plain Java on a CPU, where libtorch's per-call overhead dominates at these sizes), while
 * the two-loop recursion and the Armijo backtracking of each problem run in Java on (d+1)-vectors.
 * A problem uses only its training rows (a 0/1 row mask). Objective, intercept handling and stopping
 * rule are those of {@link LogisticProbe} (sklearn's), so the optimum is the same; the batched
 * form turns B small matrix–vector products into one matrix–matrix product, which is what makes
 * all probes of a concept set faster than one sklearn fit after another.
 */
public final class BatchedLbfgsProbe {

    private final LogisticProbe settings;

    public BatchedLbfgsProbe(LogisticProbe settings) {
        this.settings = settings;
    }

    /** One problem: training rows of the shared matrix and their 0/1 labels. */
    public record Problem(int[] rows, int[] labels) {
        public Problem {
            if (rows.length != labels.length) {
                throw new IllegalArgumentException(rows.length + " rows but " + labels.length + " labels");
            }
        }
    }

    /** Fits every problem on rows of {@code x} ({@code n × d}, row-major). */
    public LogisticProbe.Fit[] fitAll(float[] x, int n, int d, List<Problem> problems, Device device) {
        int b = problems.size();
        int p = d + 1;
        double c = settings.c();
        double[] mask = new double[n * b];
        double[] y = new double[n * b];
        double[] scale = new double[b];
        for (int j = 0; j < b; j++) {
            Problem pr = problems.get(j);
            for (int r = 0; r < pr.rows().length; r++) {
                mask[pr.rows()[r] * b + j] = 1;
                y[pr.rows()[r] * b + j] = pr.labels()[r];
            }
            // sklearn 1.2 lbfgs minimises Σ loss + ‖w‖²/(2C) = f / C and stops on its gradient's max
            // norm (gtol = tol); scaling by 1/(C nⱼ), as before, stopped nⱼ times too early.
            scale[j] = 1.0 / c;
        }
        double[][] w = new double[b][p];
        double[][] g = new double[b][];
        double[] f;
        int[] iterations = new int[b];
        boolean[] done = new boolean[b];
        boolean[] converged = new boolean[b];
        LbfgsMemory[] history = new LbfgsMemory[b];
        for (int j = 0; j < b; j++) {
            history[j] = new LbfgsMemory(p);
        }
        try (NDManager m = NDManager.newBaseManager(device)) {
            double[] xa = new double[n * p];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < d; k++) {
                    xa[i * p + k] = x[i * d + k];
                }
                xa[i * p + d] = 1;
            }
            Evaluator eval;
            if (device.isGpu()) {
                NDArray design = m.create(xa, new Shape(n, p));
                eval = new DjlEvaluator(m, design, design.transpose(), mask, y, c, scale, p, b);
            } else {
                eval = new JavaEvaluator(xa, n, mask, y, c, scale, p, b);
            }
            Evaluation at = eval.at(w);
            f = at.f;
            g = at.g;
            for (int iter = 0; iter <= settings.maxIter(); iter++) {
                boolean anyActive = false;
                for (int j = 0; j < b; j++) {
                    if (!done[j] && maxAbs(g[j]) <= settings.tol()) {
                        done[j] = true;
                        converged[j] = true;
                    } else if (!done[j] && iterations[j] >= settings.maxIter()) {
                        done[j] = true;
                    }
                    anyActive |= !done[j];
                }
                if (!anyActive) {
                    break;
                }
                double[][] dir = new double[b][];
                double[] slope = new double[b];
                double[] t = new double[b];
                for (int j = 0; j < b; j++) {
                    if (done[j]) {
                        continue;
                    }
                    dir[j] = history[j].direction(g[j]);
                    slope[j] = dot(g[j], dir[j]);
                    if (!(slope[j] < 0)) {
                        history[j].clear();
                        dir[j] = scaled(g[j], -1);
                        slope[j] = dot(g[j], dir[j]);
                    }
                    t[j] = history[j].isEmpty() ? Math.min(1, 1 / Math.sqrt(-slope[j])) : 1;
                }
                boolean[] accepted = new boolean[b];
                double[][] wNew = new double[b][];
                Evaluation trial = null;
                for (int halving = 0; halving < 60; halving++) {
                    double[][] cand = new double[b][];
                    for (int j = 0; j < b; j++) {
                        cand[j] = done[j] || accepted[j] ? (wNew[j] != null ? wNew[j] : w[j]) : axpy(w[j], t[j], dir[j]);
                    }
                    Evaluation e = eval.at(cand);
                    boolean pending = false;
                    for (int j = 0; j < b; j++) {
                        if (done[j] || accepted[j]) {
                            continue;
                        }
                        if (e.f[j] <= f[j] + 1e-4 * t[j] * slope[j] || t[j] < 1e-12) {
                            accepted[j] = true;
                            wNew[j] = cand[j];
                        } else {
                            t[j] *= 0.5;
                            pending = true;
                        }
                    }
                    trial = e;
                    if (!pending) {
                        break;
                    }
                }
                for (int j = 0; j < b; j++) {
                    if (done[j]) {
                        continue;
                    }
                    double[] s = sub(wNew[j], w[j]);
                    double[] yy = sub(trial.g[j], g[j]);
                    history[j].offer(s, yy);
                    w[j] = wNew[j];
                    f[j] = trial.f[j];
                    g[j] = trial.g[j];
                    iterations[j]++;
                }
            }
        }
        LogisticProbe.Fit[] out = new LogisticProbe.Fit[b];
        for (int j = 0; j < b; j++) {
            out[j] = new LogisticProbe.Fit(Arrays.copyOf(w[j], d), w[j][d], iterations[j], converged[j], f[j] / scale[j]);
        }
        return out;
    }

    /** Objectives and gradients of all problems, scaled by 1/C as sklearn 1.2's lbfgs. */
    private record Evaluation(double[] f, double[][] g) {
    }

    /**
     * Evaluates all B problems with two matrix products on DJL; the elementwise log-loss and
     * residuals run in Java, since a DJL call per elementwise step (with scalar operands) costs
     * more than the arithmetic on these n × B arrays.
     */
    private interface Evaluator {
        Evaluation at(double[][] w);
    }

    /**
     * The same evaluation in plain Java, used on CPU: for probe-sized problems libtorch's per-call
     * overhead on CPU exceeds the arithmetic (see {@link LogisticProbe#fit}).
     */
    private record JavaEvaluator(double[] x, int n, double[] mask, double[] y, double c, double[] scale, int p, int b)
            implements Evaluator {
        @Override
        public Evaluation at(double[][] w) {
            double[] loss = new double[b];
            double[][] g = new double[b][p];
            for (int i = 0; i < n; i++) {
                int off = i * p;
                for (int j = 0; j < b; j++) {
                    if (mask[i * b + j] == 0) {
                        continue;
                    }
                    double[] wj = w[j];
                    double zi = 0;
                    for (int k = 0; k < p; k++) {
                        zi += x[off + k] * wj[k];
                    }
                    double e = Math.exp(-Math.abs(zi));
                    double yi = y[i * b + j];
                    loss[j] += Math.max(zi, 0) + Math.log(1 + e) - yi * zi;
                    double r = (zi >= 0 ? 1 / (1 + e) : e / (1 + e)) - yi;
                    double[] gj = g[j];
                    for (int k = 0; k < p; k++) {
                        gj[k] += r * x[off + k];
                    }
                }
            }
            double[] fv = new double[b];
            for (int j = 0; j < b; j++) {
                double reg = 0;
                for (int k = 0; k < p - 1; k++) {
                    reg += w[j][k] * w[j][k];
                }
                fv[j] = (0.5 * reg + c * loss[j]) * scale[j];
                for (int k = 0; k < p; k++) {
                    g[j][k] = ((k < p - 1 ? w[j][k] : 0) + c * g[j][k]) * scale[j];
                }
            }
            return new Evaluation(fv, g);
        }
    }

    private record DjlEvaluator(NDManager m, NDArray x, NDArray xT, double[] mask, double[] y, double c, double[] scale,
                                int p, int b) implements Evaluator {
        @Override
        public Evaluation at(double[][] w) {
            double[] flat = new double[p * b];
            for (int j = 0; j < b; j++) {
                for (int k = 0; k < p; k++) {
                    flat[k * b + j] = w[j][k];
                }
            }
            try (NDManager s = m.newSubManager()) {
                double[] z = x.matMul(s.create(flat, new Shape(p, b))).toDoubleArray();
                double[] loss = new double[b];
                double[] residual = new double[z.length];
                for (int i = 0; i < z.length; i++) {
                    if (mask[i] == 0) {
                        continue;
                    }
                    double zi = z[i];
                    double e = Math.exp(-Math.abs(zi));
                    loss[i % b] += Math.max(zi, 0) + Math.log(1 + e) - y[i] * zi;
                    double prob = zi >= 0 ? 1 / (1 + e) : e / (1 + e);
                    residual[i] = prob - y[i];
                }
                double[] gv = xT.matMul(s.create(residual, new Shape(z.length / b, b))).toDoubleArray();
                double[] fv = new double[b];
                double[][] g = new double[b][p];
                for (int j = 0; j < b; j++) {
                    double reg = 0;
                    for (int k = 0; k < p - 1; k++) {
                        reg += w[j][k] * w[j][k];
                    }
                    fv[j] = (0.5 * reg + c * loss[j]) * scale[j];
                    for (int k = 0; k < p; k++) {
                        g[j][k] = ((k < p - 1 ? w[j][k] : 0) + c * gv[k * b + j]) * scale[j];
                    }
                }
                return new Evaluation(fv, g);
            }
        }
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double[] axpy(double[] x, double a, double[] y) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] + a * y[i];
        }
        return out;
    }

    private static double[] sub(double[] a, double[] b) {
        return axpy(a, -1, b);
    }

    private static double[] scaled(double[] a, double s) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] * s;
        }
        return out;
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
