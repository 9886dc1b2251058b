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
     * The same sweep as {@link #sweep} on a factor stored by columns: {@code x} holds the k
     * columns of a {@code rows × k} matrix one after another ({@code x[t·rows + i]}), and so does
     * {@code cross}. Rows are independent within a column, so updating column t for all rows at
     * once gives exactly sklearn's element-by-element result, and every inner loop runs over a
     * contiguous column (which the JIT vectorises). Floats, like sklearn on float32 data.
     *
     * @param gram {@code k × k} row-major, l2 already added to its diagonal
     * @param grad scratch of at least {@code rows} floats
     * @return the sum of the absolute projected gradients met (sklearn's "violation")
     */
    static double sweepColumns(float[] x, int rows, int k, float[] gram, float[] cross, float[] grad) {
        double violation = 0;
        for (int t = 0; t < k; t++) {
            int ot = t * rows;
            for (int i = 0; i < rows; i++) {
                grad[i] = -cross[ot + i];
            }
            int r = 0;
            for (; r + 3 < k; r += 4) {
                float g0 = gram[t * k + r];
                float g1 = gram[t * k + r + 1];
                float g2 = gram[t * k + r + 2];
                float g3 = gram[t * k + r + 3];
                int o0 = r * rows;
                int o1 = o0 + rows;
                int o2 = o1 + rows;
                int o3 = o2 + rows;
                for (int i = 0; i < rows; i++) {
                    grad[i] += g0 * x[o0 + i] + g1 * x[o1 + i] + g2 * x[o2 + i] + g3 * x[o3 + i];
                }
            }
            for (; r < k; r++) {
                float g = gram[t * k + r];
                int or = r * rows;
                for (int i = 0; i < rows; i++) {
                    grad[i] += g * x[or + i];
                }
            }
            for (int i = 0; i < rows; i++) {
                float gi = grad[i];
                violation += Math.abs(x[ot + i] == 0 ? Math.min(0f, gi) : gi);
            }
            float hess = gram[t * k + t];
            if (hess != 0) {
                for (int i = 0; i < rows; i++) {
                    x[ot + i] = Math.max(x[ot + i] - grad[i] / hess, 0f);
                }
            }
        }
        return violation;
    }

    /** {@code XᵀX} ({@code k × k}, row-major) of a {@code rows × k} matrix stored by columns, plus l2 on the diagonal. */
    static float[] gramColumns(float[] x, int rows, int k, double l2) {
        float[] g = new float[k * k];
        for (int a = 0; a < k; a++) {
            int oa = a * rows;
            int b = a;
            // Four dot products a pass: independent sums (no add-latency chain), shared loads.
            for (; b + 3 < k; b += 4) {
                int o0 = b * rows;
                int o1 = o0 + rows;
                int o2 = o1 + rows;
                int o3 = o2 + rows;
                double s0 = 0;
                double s1 = 0;
                double s2 = 0;
                double s3 = 0;
                for (int i = 0; i < rows; i++) {
                    double xa = x[oa + i];
                    s0 += xa * x[o0 + i];
                    s1 += xa * x[o1 + i];
                    s2 += xa * x[o2 + i];
                    s3 += xa * x[o3 + i];
                }
                g[a * k + b] = (float) s0;
                g[a * k + b + 1] = (float) s1;
                g[a * k + b + 2] = (float) s2;
                g[a * k + b + 3] = (float) s3;
            }
            for (; b < k; b++) {
                int ob = b * rows;
                double s = 0;
                for (int i = 0; i < rows; i++) {
                    s += (double) x[oa + i] * x[ob + i];
                }
                g[a * k + b] = (float) s;
            }
            for (b = a + 1; b < k; b++) {
                g[b * k + a] = g[a * k + b];
            }
            g[a * k + a] += (float) l2;
        }
        return g;
    }
}
