package org.lamina.analysis.chmcorr;

import java.util.Arrays;

/**
 * Scores of one exemplar from its correspondences (spec step 5 and "what the user edits").
 */
public final class ExemplarScore {

    /** Cells averaged (or summed) by the default rule. */
    public static final int TOP = 5;

    private ExemplarScore() {
    }

    /**
     * Default CHM-Corr score: the top-5 values of {@code evidence ⊙ mask}, summed and scaled by
     * the matcher's factor (1/5 = the mean of CHM-Corr). Fewer than 5 cells: all of them.
     */
    public static double topFive(float[] evidence, float[] mask, double scale) {
        float[] v = new float[evidence.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = evidence[i] * mask[i];
        }
        Arrays.sort(v);
        double s = 0;
        for (int i = v.length - 1; i >= Math.max(0, v.length - TOP); i--) {
            s += v[i];
        }
        return s * scale;
    }

    /**
     * CHM-Corr++ "re-decide with my attention": {@code Σ_i evidence_i · w_i / G²} over ALL cells
     * (no top-5), with w the user's map (binary or continuous weights in [0, 1]).
     */
    public static double userWeighted(float[] evidence, float[] weights) {
        double s = 0;
        for (int i = 0; i < evidence.length; i++) {
            s += evidence[i] * weights[i];
        }
        return s / evidence.length;
    }
}
