package org.lamina.analysis.craft;

/**
 * One sweep of coordinate descent (HALS) on X in {@code min ½||M − X·Fᵀ||² + ½·l2·||X||²},
 * X ≥ 0, given {@code FᵀF} and {@code M·F} — the update of scikit-learn's {@code _update_cdnmf_fast}
 * (Cichocki & Phan 2009; Hsieh & Dhillon 2011) in component order without shuffling. Column t of
 * X depends on the other columns only through the row's own values, so the rows of a column are
 * updated together; the result is identical to sklearn's element-by-element loop.
 */
final class CoordinateDescent {

    private CoordinateDescent() {
    }

    /**
     * Updates {@code x} ({@code rows × k}, row-major) in place and returns the sum of the absolute
     * projected gradients met (sklearn's "violation", the convergence measure).
     *
     * @param gram  {@code FᵀF}, {@code k × k} row-major (l2 is added to its diagonal here)
     * @param cross {@code M·F}, {@code rows × k} row-major
     */
    static double sweep(double[] x, int rows, int k, double[] gram, double[] cross, double l2) {
        double violation = 0;
        for (int t = 0; t < k; t++) {
            double hess = gram[t * k + t] + l2;
            for (int i = 0; i < rows; i++) {
                int base = i * k;
                double grad = -cross[base + t] + l2 * x[base + t];
                for (int r = 0; r < k; r++) {
                    grad += gram[t * k + r] * x[base + r];
                }
                double pg = x[base + t] == 0 ? Math.min(0, grad) : grad;
                violation += Math.abs(pg);
                if (hess != 0) {
                    x[base + t] = Math.max(x[base + t] - grad / hess, 0);
                }
            }
        }
        return violation;
    }

    /** {@code XᵀX} of a row-major {@code rows × k} matrix. */
    static double[] gram(double[] x, int rows, int k) {
        double[] g = new double[k * k];
        for (int i = 0; i < rows; i++) {
            int base = i * k;
            for (int a = 0; a < k; a++) {
                double xa = x[base + a];
                if (xa == 0) {
                    continue;
                }
                for (int b = a; b < k; b++) {
                    g[a * k + b] += xa * x[base + b];
                }
            }
        }
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < a; b++) {
                g[a * k + b] = g[b * k + a];
            }
        }
        return g;
    }

    /**
     * The same sweep as {@link #sweep} on a factor stored by columns, for the rows
     * {@code [from, to)}: {@code x[t]} is column t of a {@code rows × k} matrix, and so is
     * {@code cross[t]}. Rows are independent within a column, so updating column t for all rows
     * at once gives exactly sklearn's element-by-element result, and every inner loop runs over
     * a column indexed by the loop variable alone (which the JIT vectorises, see
     * {@link HostProducts}). Floats, like sklearn on float32 data.
     *
     * @param gram {@code k × k} row-major, l2 already added to its diagonal
     * @param grad scratch of at least {@code to} floats
     * @return the sum of the absolute projected gradients met (sklearn's "violation")
     */
    static double sweepColumns(float[][] x, float[][] cross, float[] gram, float[] grad, int from, int to) {
        int k = x.length;
        double violation = 0;
        for (int t = 0; t < k; t++) {
            float[] xt = x[t];
            float[] ct = cross[t];
            for (int i = from; i < to; i++) {
                grad[i] = -ct[i];
            }
            int r = 0;
            for (; r + 3 < k; r += 4) {
                float g0 = gram[t * k + r];
                float g1 = gram[t * k + r + 1];
                float g2 = gram[t * k + r + 2];
                float g3 = gram[t * k + r + 3];
                HostProducts.fourIntoOne(x[r], x[r + 1], x[r + 2], x[r + 3], g0, g1, g2, g3, grad, from, to);
            }
            for (; r < k; r++) {
                float g = gram[t * k + r];
                float[] xr = x[r];
                for (int i = from; i < to; i++) {
                    grad[i] += g * xr[i];
                }
            }
            for (int i = from; i < to; i++) {
                float gi = grad[i];
                violation += Math.abs(xt[i] == 0 ? Math.min(0f, gi) : gi);
            }
            float hess = gram[t * k + t];
            if (hess != 0) {
                for (int i = from; i < to; i++) {
                    xt[i] = Math.max(xt[i] - grad[i] / hess, 0f);
                }
            }
        }
        return violation;
    }

    /** {@code XᵀX} ({@code k × k}, row-major) of a matrix stored by columns ({@code x[t]}, length rows), plus l2 on the diagonal. */
    static float[] gramColumns(float[][] x, int rows, double l2) {
        int k = x.length;
        float[] g = new float[k * k];
        for (int a = 0; a < k; a++) {
            for (int b = a; b < k; b++) {
                float v = (float) HostProducts.dot(x[a], x[b], 0, rows);
                g[a * k + b] = v;
                g[b * k + a] = v;
            }
            g[a * k + a] += (float) l2;
        }
        return g;
    }
}
