package org.lamina.analysis.craft;

/**
 * Jansen's estimator of Sobol total-order indices (Jansen 1999; as in the reference CRAFT's
 * {@code JansenEstimator}, shared/specs/craft.md §Sobol):
 * {@code S_Ti = Σ_k (f_A,k − f_C⁽ⁱ⁾,k)² / (2·N·Var(f_A))}, with the sample variance of f_A over
 * N−1, clamped at 1e-12 so a constant output gives zeros, not NaN.
 */
public final class JansenEstimator {

    /** Floor of the variance (a model that ignores every concept gives indices 0, not NaN). */
    public static final double MIN_VARIANCE = 1e-12;

    private JansenEstimator() {
    }

    /**
     * Total-order indices of every concept.
     *
     * @param masks   the masks the outputs were computed on
     * @param outputs one model output per mask row, in row order
     */
    public static double[] totalIndices(SobolMasks masks, double[] outputs) {
        if (outputs.length != masks.rows().length) {
            throw new IllegalArgumentException(outputs.length + " outputs for " + masks.rows().length + " masks");
        }
        int n = masks.designs();
        double mean = 0;
        for (int k = 0; k < n; k++) {
            mean += outputs[k];
        }
        mean /= n;
        double var = 0;
        for (int k = 0; k < n; k++) {
            var += (outputs[k] - mean) * (outputs[k] - mean);
        }
        var = Math.max(var / (n - 1), MIN_VARIANCE);
        double[] st = new double[masks.rank()];
        for (int i = 0; i < st.length; i++) {
            int c = masks.cStart(i);
            double s = 0;
            for (int k = 0; k < n; k++) {
                double d = outputs[k] - outputs[c + k];
                s += d * d;
            }
            st[i] = s / (2.0 * n * var);
        }
        return st;
    }
}
