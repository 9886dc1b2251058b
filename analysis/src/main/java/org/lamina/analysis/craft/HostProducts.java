package org.lamina.analysis.craft;

/**
 * The two skinny products of an NMF iteration on the host, {@code A·Wᵀ} and {@code Aᵀ·U}, in
 * float (like sklearn on float32 data), written so that the inner loops run over contiguous
 * rows (which the JIT vectorises) with several multiply-adds per load and store.
 */
final class HostProducts {

    private HostProducts() {
    }

    /** The transpose of a row-major matrix's values. */
    static float[] transpose(RowMajorMatrix a) {
        float[] t = new float[a.values().length];
        int n = a.rows();
        int c = a.cols();
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < c; k++) {
                t[k * n + i] = a.values()[i * c + k];
            }
        }
        return t;
    }

    /**
     * {@code A·Wᵀ} ({@code n × r}) stored by columns into {@code out} ({@code out[j·n + i]}),
     * given {@code aT} = Aᵀ ({@code C × n} row-major) and W ({@code r × C} row-major). Each pass
     * adds four rows of Aᵀ to two output columns, so an output element is loaded and stored once
     * per four multiply-adds and each row value is loaded once per eight (the loop over i
     * vectorises; 2–3× faster than one row a pass in a microbenchmark on this machine).
     */
    static void timesTransposedColumns(float[] aT, int n, int c, float[] w, int r, float[] out) {
        accumulate(aT, n, c, w, r, out);
    }

    /**
     * {@code Aᵀ·U} ({@code C × r}) stored by columns into {@code out} ({@code out[j·C + k]}, i.e.
     * {@code r × C} row-major), given A ({@code n × C} row-major) and U stored by columns
     * ({@code u[j·n + i]}).
     */
    static void transposedTimesColumns(float[] a, int n, int c, float[] u, int r, float[] out) {
        accumulate(a, c, n, u, r, out);
    }

    /**
     * {@code out (r × len) = coef (r × m) · rows (m × len)}, all row-major: four rows of
     * {@code rows} per pass over an output row.
     */
    static void accumulate(float[] rows, int len, int m, float[] coef, int r, float[] out) {
        java.util.Arrays.fill(out, 0, len * r, 0f);
        int k = 0;
        for (; k + 3 < m; k += 4) {
            int b0 = k * len;
            int b1 = b0 + len;
            int b2 = b1 + len;
            int b3 = b2 + len;
            int j = 0;
            // Two output rows a pass share the four loads of {@code rows}.
            for (; j + 1 < r; j += 2) {
                int cj = j * m + k;
                int ck = cj + m;
                float s0 = coef[cj];
                float s1 = coef[cj + 1];
                float s2 = coef[cj + 2];
                float s3 = coef[cj + 3];
                float t0 = coef[ck];
                float t1 = coef[ck + 1];
                float t2 = coef[ck + 2];
                float t3 = coef[ck + 3];
                int o = j * len;
                int p = o + len;
                for (int i = 0; i < len; i++) {
                    float x0 = rows[b0 + i];
                    float x1 = rows[b1 + i];
                    float x2 = rows[b2 + i];
                    float x3 = rows[b3 + i];
                    out[o + i] += s0 * x0 + s1 * x1 + s2 * x2 + s3 * x3;
                    out[p + i] += t0 * x0 + t1 * x1 + t2 * x2 + t3 * x3;
                }
            }
            for (; j < r; j++) {
                int cj = j * m + k;
                float s0 = coef[cj];
                float s1 = coef[cj + 1];
                float s2 = coef[cj + 2];
                float s3 = coef[cj + 3];
                int o = j * len;
                for (int i = 0; i < len; i++) {
                    out[o + i] += s0 * rows[b0 + i] + s1 * rows[b1 + i] + s2 * rows[b2 + i] + s3 * rows[b3 + i];
                }
            }
        }
        for (; k < m; k++) {
            int b0 = k * len;
            for (int j = 0; j < r; j++) {
                float s0 = coef[j * m + k];
                if (s0 == 0) {
                    continue;
                }
                int o = j * len;
                for (int i = 0; i < len; i++) {
                    out[o + i] += s0 * rows[b0 + i];
                }
            }
        }
    }
}
