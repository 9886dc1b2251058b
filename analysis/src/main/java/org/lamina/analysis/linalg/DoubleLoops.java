package org.lamina.analysis.linalg;

/**
 * Multiply-add loops on {@code double[]} written in the one shape HotSpot's C2 (JDK 17)
 * reliably vectorises: a small method of its own, every array indexed by the loop variable
 * itself. The same loop over one flat array at row offsets, written inline in a loop nest, or with
 * more terms stayed scalar in measurements (see CRAFT's {@code HostProducts} and bench/README.md).
 * Callers keep matrices as one array per row to use them.
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
}
