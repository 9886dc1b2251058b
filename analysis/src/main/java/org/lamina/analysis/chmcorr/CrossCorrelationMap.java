package org.lamina.analysis.chmcorr;

/**
 * The CHM-Corr attribution ("CC") map, spec step 4: {@code S[i] = q_i · ē / (G² ‖q̄‖ ‖ē‖)} with
 * q̄, ē the spatial means, so that {@code Σ S = cos(q̄, ē)}; min-max normalised; the mask keeps the
 * cells with normalised value ≥ T (T = 0.55 in the reference).
 */
public final class CrossCorrelationMap {

    /** The reference threshold T. */
    public static final double DEFAULT_THRESHOLD = 0.55;

    private CrossCorrelationMap() {
    }

    /** Raw S over the cells of {@code a} against the pooled feature of {@code b} (not normalised). */
    public static double[] raw(FeatureGrid a, FeatureGrid b) {
        float[] aMean = a.pooled();
        float[] bMean = b.pooled();
        double na = 0;
        double nb = 0;
        for (int c = 0; c < aMean.length; c++) {
            na += (double) aMean[c] * aMean[c];
            nb += (double) bMean[c] * bMean[c];
        }
        double denom = a.cellCount() * Math.sqrt(na) * Math.sqrt(nb);
        double[] s = new double[a.cellCount()];
        for (int i = 0; i < s.length; i++) {
            s[i] = denom == 0 ? 0 : a.dot(i, bMean) / denom;
        }
        return s;
    }

    /**
     * Min-max normalised to [0, 1]. A flat map (max = min) becomes all ones: no cell is less
     * relevant than another, so none is masked out.
     */
    public static float[] normalised(double[] raw) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : raw) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        float[] out = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = hi > lo ? (float) ((raw[i] - lo) / (hi - lo)) : 1f;
        }
        return out;
    }

    /** 1 where {@code normalised[i] ≥ threshold}, else 0. */
    public static float[] mask(float[] normalised, double threshold) {
        float[] m = new float[normalised.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = normalised[i] >= threshold ? 1f : 0f;
        }
        return m;
    }
}
