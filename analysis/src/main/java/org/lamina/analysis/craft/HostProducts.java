package org.lamina.analysis.craft;

/**
 * The two skinny products of an NMF iteration on the host, {@code A·Wᵀ} and {@code Aᵀ·U}, in
 * float (like sklearn on float32 data), on matrices held as one {@code float[]} per row.
 *
 * <p>Why one array per row: HotSpot's auto-vectoriser (C2 SuperWord, JDK 17) turns
 * {@code out[i] += s·x[i]} into AVX2 code only when every array is indexed by the loop variable
 * itself; with the same loop over one flat array at per-row offsets ({@code out[o + i] += s·x[b + i]})
 * it cannot rule out overlap and stays scalar. Measured on this machine (2-core AMD EPYC,
 * 360 × 128 × 10): 1.9 G multiply-adds/s with offsets, 17–25 G with per-row arrays — the NMF's
 * products went from 30 ms to about 8 ms per 200 iterations.
 */
final class HostProducts {

    private HostProducts() {
    }

    /** The rows of a row-major matrix, one array each. */
    static float[][] rows(RowMajorMatrix a) {
        float[][] out = new float[a.rows()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = java.util.Arrays.copyOfRange(a.values(), i * a.cols(), (i + 1) * a.cols());
        }
        return out;
    }

    /** The columns of a row-major matrix, one array each (the rows of its transpose). */
    static float[][] columns(RowMajorMatrix a) {
        int n = a.rows();
        int c = a.cols();
        float[][] out = new float[c][n];
        float[] v = a.values();
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < c; k++) {
                out[k][i] = v[i * c + k];
            }
        }
        return out;
    }

    /**
     * {@code out[j][i] = Σ_k coef[j][k] · rows[k][i]} for every j and every i in
     * {@code [from, to)}, i.e. {@code out = coef · rows} on that slice of columns.
     * {@code A·Wᵀ} is {@code combine(columns(A), W, …)} (out: the r columns of A·Wᵀ);
     * {@code Aᵀ·U} is {@code combine(rows(A), columns of U, …)} (out: the r rows of (Aᵀ·U)ᵀ).
     * Each pass adds a block of four rows to every output (the block stays in L1 across outputs).
     */
    static void combine(float[][] rows, float[][] coef, float[][] out, int from, int to) {
        int m = rows.length;
        int r = out.length;
        for (float[] o : out) {
            java.util.Arrays.fill(o, from, to, 0f);
        }
        int k = 0;
        for (; k + 3 < m; k += 4) {
            float[] x0 = rows[k];
            float[] x1 = rows[k + 1];
            float[] x2 = rows[k + 2];
            float[] x3 = rows[k + 3];
            for (int j = 0; j < r; j++) {
                float[] cj = coef[j];
                fourIntoOne(x0, x1, x2, x3, cj[k], cj[k + 1], cj[k + 2], cj[k + 3], out[j], from, to);
            }
        }
        for (; k < m; k++) {
            float[] x0 = rows[k];
            for (int j = 0; j < r; j++) {
                float s0 = coef[j][k];
                if (s0 == 0) {
                    continue;
                }
                float[] o = out[j];
                for (int i = from; i < to; i++) {
                    o[i] += s0 * x0[i];
                }
            }
        }
    }

    /**
     * {@code o += s0·x0 + … + s3·x3} on {@code [from, to)}. A method of its own with the arrays
     * as parameters, and exactly this shape: C2 (JDK 17) vectorised it every time (17 G
     * multiply-adds/s), while the same loop written inline in {@link #combine}'s nest, with
     * eight terms, or with a second output array stayed scalar in some or all runs (3.5–6 G).
     */
    static void fourIntoOne(float[] x0, float[] x1, float[] x2, float[] x3, float s0, float s1, float s2, float s3,
                            float[] o, int from, int to) {
        for (int i = from; i < to; i++) {
            o[i] += s0 * x0[i] + s1 * x1[i] + s2 * x2[i] + s3 * x3[i];
        }
    }

    /**
     * {@code Σ_i x[i]·y[i]} over {@code [from, to)}: eight independent float sums (a single
     * running sum would wait on each add's latency), combined in double.
     */
    static double dot(float[] x, float[] y, int from, int to) {
        return org.lamina.analysis.linalg.FloatLoops.dot(x, from, y, from, to - from);
    }
}
