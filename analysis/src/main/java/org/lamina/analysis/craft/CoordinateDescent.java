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
}
