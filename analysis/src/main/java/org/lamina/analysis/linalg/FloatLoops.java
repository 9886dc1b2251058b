package org.lamina.analysis.linalg;

/**
 * Loops on {@code float[]} shared by the analyses that keep float32 data on the host (CRAFT's
 * NMF products, the wide concept-depth probe's L-BFGS products).
 */
public final class FloatLoops {

    private FloatLoops() {
    }

    /**
     * {@code Σ x[xFrom + i]·y[yFrom + i]} for {@code i < length}: eight independent float sums (a
     * single running sum would wait on each add's latency; HotSpot does not vectorise a float sum,
     * which it may not reorder), combined in double, the tail in double.
     */
    public static double dot(float[] x, int xFrom, float[] y, int yFrom, int length) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        float s4 = 0;
        float s5 = 0;
        float s6 = 0;
        float s7 = 0;
        int i = 0;
        for (; i + 7 < length; i += 8) {
            int a = xFrom + i;
            int b = yFrom + i;
            s0 += x[a] * y[b];
            s1 += x[a + 1] * y[b + 1];
            s2 += x[a + 2] * y[b + 2];
            s3 += x[a + 3] * y[b + 3];
            s4 += x[a + 4] * y[b + 4];
            s5 += x[a + 5] * y[b + 5];
            s6 += x[a + 6] * y[b + 6];
            s7 += x[a + 7] * y[b + 7];
        }
        double s = (double) s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
        for (; i < length; i++) {
            s += (double) x[xFrom + i] * y[yFrom + i];
        }
        return s;
    }
}
