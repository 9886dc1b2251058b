package org.lamina.analysis.linalg;

/**
 * Multiply-add loops on {@code double[]} written in the one shape HotSpot's C2 (JDK 17)
 * reliably vectorises: a small method of its own, every array indexed by the loop variable
 * itself. The same loop over one flat array at row offsets, written inline in a loop nest, or with
 * more terms stayed scalar in measurements (see CRAFT's {@code HostProducts} and bench/README.md).
 * Callers keep matrices as one array per row to use them. Also the inner product that CRAFT's SVD,
 * the dual probe's Gram and the L-BFGS probes share (a sum, so not vectorised: four running sums).
 */
public final class DoubleLoops {

    private DoubleLoops() {
    }

    /** {@code out[b] += v·x[b]} on {@code [from, to)}. */
    public static void addScaled(double[] out, double v, double[] x, int from, int to) {
        for (int b = from; b < to; b++) {
            out[b] += v * x[b];
        }
    }

    /** {@code out[b] += v0·x0[b] + v1·x1[b] + v2·x2[b] + v3·x3[b]} on {@code [from, to)}. */
    public static void addFour(double[] out, double v0, double[] x0, double v1, double[] x1, double v2, double[] x2,
                               double v3, double[] x3, int from, int to) {
        for (int b = from; b < to; b++) {
            out[b] += v0 * x0[b] + v1 * x1[b] + v2 * x2[b] + v3 * x3[b];
        }
    }

    /**
     * {@code Σ a[i]·b[i]} for {@code i < length}: four running sums (one would wait on each add's
     * latency), the tail into the first, combined as (s0 + s1) + (s2 + s3).
     */
    public static double dot(double[] a, double[] b, int length) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        int quads = length - 3;
        for (; i < quads; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < length; i++) {
            s0 += a[i] * b[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@link #dot(double[], double[], int)} over all of {@code a}. */
    public static double dot(double[] a, double[] b) {
        return dot(a, b, a.length);
    }
}
