package org.lamina.analysis.conceptdepth;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.lamina.analysis.linalg.DoubleLoops;
import org.lamina.analysis.linalg.FloatLoops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@link LogisticProbe}'s objective by L-BFGS (sklearn's {@code lbfgs}, the reference's solver) for
 * one probe on many rows of very wide features (e.g. 1,000 × 100,352, a 2048 × 7 × 7 map
 * flattened), where even the dual's Gram matrix (n²·d multiply-adds, 10¹¹ there) costs more than
 * the whole L-BFGS run: an iteration reads X twice (z = Xw and Xᵀr), ~2·n·d.
 *
 * <p>X stays float32 (no float64 copy: half the memory traffic of sklearn, which converts X to
 * float64), and the products run as float32 matrix–vector products: in Java on the caller's array
 * on a CPU ({@link HostProducts}), on libtorch on a GPU ({@link DeviceProducts}). The line search
 * does not re-read X: u = X·dir is computed once per iteration and every trial point's
 * z = z₀ + t·u, so a halving costs O(n) and the Armijo test compares objectives that share z₀ —
 * the float32 rounding of u enters only the (small) change, not the level. The gradient at the
 * accepted point is the second pass. Objective scaling, the history ({@link LbfgsMemory}, 10 pairs), the first step
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
        try (Products p = device.isGpu() ? new DeviceProducts(x, n, d, device) : new HostProducts(x, n, d,
                Integer.getInteger("lamina.threads", Runtime.getRuntime().availableProcessors()))) {
            return fit(s, p, n, d, y);
        }
    }

    private static LogisticProbe.Fit fit(LogisticProbe s, Products m, int n, int d, int[] y) {
        double c = s.c();
        double scale = 1.0 / (c * n);
        // Every vector is allocated once: a fit of 24 iterations used to make ~400 MB of
        // temporaries (d = 100,352), and their collection took longer than the products.
        double[] w = new double[d];
        double b = 0;
        double[] z = new double[n];
        double[] r = new double[n];
        double[] zc = new double[n];
        double[] rc = new double[n];
        double[] g = new double[d + 1];
        double[] gNew = new double[d + 1];
        double[] dir = new double[d + 1];
        double[] step = new double[d + 1];
        double[] change = new double[d + 1];
        double[] u = new double[n];
        LbfgsMemory history = new LbfgsMemory(d + 1);
        double wNorm2 = 0;
        double f = objective(z, y, c, wNorm2, r) * scale;
        gradient(m, w, r, c, scale, d, g);
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
            history.direction(g, dir);
            double slope = DoubleLoops.dot(g, dir);
            if (!(slope < 0)) {
                history.clear();
                history.direction(g, dir);
                slope = DoubleLoops.dot(g, dir);
            }
            double t = history.isEmpty() ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
            m.times(dir, u);
            double wDir = DoubleLoops.dot(w, dir, d);
            double dir2 = DoubleLoops.dot(dir, dir, d);
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
            wNorm2 = takeStep(w, dir, t, step, d);
            b += step[d];
            double[] swap = z;
            z = zc;
            zc = swap;
            swap = r;
            r = rc;
            rc = swap;
            f = fc;
            gradient(m, w, r, c, scale, d, gNew);
            for (int k = 0; k <= d; k++) {
                change[k] = gNew[k] - g[k];
            }
            history.offer(step, change);
            swap = g;
            g = gNew;
            gNew = swap;
            it++;
        }
        return new LogisticProbe.Fit(w, b, it, converged, f / scale);
    }

    /** step = t·dir; w += step[0, d); returns the new ‖w‖². */
    private static double takeStep(double[] w, double[] dir, double t, double[] step, int d) {
        double norm2 = 0;
        for (int k = 0; k < d; k++) {
            double sk = t * dir[k];
            step[k] = sk;
            double wk = w[k] + sk;
            w[k] = wk;
            norm2 += wk * wk;
        }
        step[d] = t * dir[d];
        return norm2;
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

    /** Into g: the scaled gradient (w + C Xᵀr, C Σ r) / (C n), with Xᵀr a float32 product. */
    private static void gradient(Products m, double[] w, double[] r, double c, double scale, int d, double[] g) {
        double sumR = 0;
        for (double ri : r) {
            sumR += ri;
        }
        float[] xtr = m.transposeTimes(r);
        for (int k = 0; k < d; k++) {
            g[k] = (w[k] + c * xtr[k]) * scale;
        }
        g[d] = c * sumR * scale;
    }

    /** The two products an iteration needs, X·v and Xᵀr, in float32 arithmetic. */
    interface Products extends AutoCloseable {

        /** Into out: X·v[0, d), in float64. */
        void times(double[] v, double[] out);

        /** Xᵀ·r (an array the next call may reuse). */
        float[] transposeTimes(double[] r);

        @Override
        void close();
    }

    /**
     * The products on the GPU: X copied to the device once, float32 matrix–vector products there,
     * n + d floats each way per product.
     */
    static final class DeviceProducts implements Products {

        private final NDManager m;
        private final NDArray xs;
        private final NDArray xt;
        private final int n;
        private final int d;

        DeviceProducts(float[] x, int n, int d, Device device) {
            this.m = NDManager.newBaseManager(device);
            this.xs = m.create(x, new Shape(n, d));
            this.xt = xs.transpose();
            this.n = n;
            this.d = d;
        }

        @Override
        public void times(double[] v, double[] out) {
            float[] vf = new float[d];
            for (int k = 0; k < d; k++) {
                vf[k] = (float) v[k];
            }
            try (NDManager s = m.newSubManager()) {
                float[] u = xs.matMul(s.create(vf, new Shape(d, 1))).toFloatArray();
                for (int i = 0; i < u.length; i++) {
                    out[i] = u[i];
                }
            }
        }

        @Override
        public float[] transposeTimes(double[] r) {
            float[] rf = new float[n];
            for (int i = 0; i < n; i++) {
                rf[i] = (float) r[i];
            }
            try (NDManager s = m.newSubManager()) {
                return xt.matMul(s.create(rf, new Shape(n, 1))).toFloatArray();
            }
        }

        @Override
        public void close() {
            m.close();
        }
    }

    /**
     * The products on the CPU, in Java over the caller's own array: no copy of X. Handing X to
     * libtorch copied its 400 MB (1,000 × 100,352) into a native tensor, 0.5–1.3 s here, which is
     * as long as the 49 products of a whole fit (13–30 ms each, memory-bound either way;
     * bench/README.md "probewide"). Rows (for X·v) or column ranges (for Xᵀr) are split among
     * {@code threads} workers; each works through X once per product, as libtorch's gemv does.
     */
    static final class HostProducts implements Products {

        private final float[] x;
        private final int n;
        private final int d;
        private final int threads;
        private final ExecutorService pool;
        private final float[] vf;
        private final float[] xtr;

        HostProducts(float[] x, int n, int d, int threads) {
            this.x = x;
            this.vf = new float[d];
            this.xtr = new float[d];
            this.n = n;
            this.d = d;
            this.threads = Math.max(1, Math.min(threads, 16));
            this.pool = this.threads == 1 ? null : Executors.newFixedThreadPool(this.threads, r -> {
                Thread t = new Thread(r, "lamina-wide-probe");
                t.setDaemon(true);
                return t;
            });
        }

        @Override
        public void times(double[] v, double[] out) {
            for (int k = 0; k < d; k++) {
                vf[k] = (float) v[k];
            }
            // Four rows a sweep: each v[k] loaded once for four rows (14–16 vs 22–26 ms a product
            // with 2 threads here); eight float sums, two a row, so no sum waits on its own last add.
            run(n / 4, (from, to) -> fourRowsTimes(x, d, vf, out, from, to));
            for (int i = n - n % 4; i < n; i++) {
                out[i] = FloatLoops.dot(x, Math.toIntExact(i * (long) d), vf, 0, d);
            }
        }

        /** out[4q .. 4q+3] = rows 4q .. 4q+3 of X times v, for q in [from, to). */
        private static void fourRowsTimes(float[] x, int d, float[] vf, double[] out, int from, int to) {
            for (int q = from; q < to; q++) {
                int i = 4 * q;
                int b0 = i * d;
                int b1 = b0 + d;
                int b2 = b1 + d;
                int b3 = b2 + d;
                float s0 = 0;
                float s1 = 0;
                float s2 = 0;
                float s3 = 0;
                float t0 = 0;
                float t1 = 0;
                float t2 = 0;
                float t3 = 0;
                int k = 0;
                // k < d − 1 rather than k + 1 < d: measured here, the second form ran 26 ms a
                // product, this one 15 ms (2 threads, 1,000 × 100,352).
                int pairs = d - 1;
                for (; k < pairs; k += 2) {
                    float v0 = vf[k];
                    float v1 = vf[k + 1];
                    s0 += x[b0 + k] * v0;
                    s1 += x[b1 + k] * v0;
                    s2 += x[b2 + k] * v0;
                    s3 += x[b3 + k] * v0;
                    t0 += x[b0 + k + 1] * v1;
                    t1 += x[b1 + k + 1] * v1;
                    t2 += x[b2 + k + 1] * v1;
                    t3 += x[b3 + k + 1] * v1;
                }
                if (k < d) {
                    float v0 = vf[k];
                    s0 += x[b0 + k] * v0;
                    s1 += x[b1 + k] * v0;
                    s2 += x[b2 + k] * v0;
                    s3 += x[b3 + k] * v0;
                }
                out[i] = (double) s0 + t0;
                out[i + 1] = (double) s1 + t1;
                out[i + 2] = (double) s2 + t2;
                out[i + 3] = (double) s3 + t3;
        }
        }

        @Override
        public float[] transposeTimes(double[] r) {
            float[] out = xtr;
            Arrays.fill(out, 0f);
            // Columns split, rows streamed: every worker adds r_i · x_i[its columns] into its own
            // slice of out, so no two write the same float. Four rows per sweep of the slice: a
            // quarter of the loads and stores of out (28 vs 39–43 ms a product on one thread here).
            // The loop stays scalar: C2 does not vectorise indexing at row offsets into one flat
            // array (see linalg.DoubleLoops), and one array per row would copy X, the cost avoided.
            run(d, (from, to) -> {
                int i = 0;
                for (; i + 4 <= n; i += 4) {
                    float r0 = (float) r[i];
                    float r1 = (float) r[i + 1];
                    float r2 = (float) r[i + 2];
                    float r3 = (float) r[i + 3];
                    int b0 = i * d;
                    int b1 = b0 + d;
                    int b2 = b1 + d;
                    int b3 = b2 + d;
                    for (int k = from; k < to; k++) {
                        out[k] += r0 * x[b0 + k] + r1 * x[b1 + k] + r2 * x[b2 + k] + r3 * x[b3 + k];
                    }
                }
                for (; i < n; i++) {
                    float ri = (float) r[i];
                    int row = i * d;
                    for (int k = from; k < to; k++) {
                        out[k] += ri * x[row + k];
                    }
                }
            });
            return out;
        }

        private interface Range {
            void run(int from, int to);
        }

        private void run(int size, Range body) {
            if (pool == null) {
                body.run(0, size);
                return;
            }
            List<Future<?>> parts = new ArrayList<>(threads);
            for (int t = 0; t < threads; t++) {
                int from = (int) ((long) size * t / threads);
                int to = (int) ((long) size * (t + 1) / threads);
                parts.add(pool.submit(() -> body.run(from, to)));
            }
            for (Future<?> f : parts) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("wide probe interrupted", e);
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                }
            }
        }

        @Override
        public void close() {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }
}
