package org.lamina.analysis.chmcorr;

/**
 * Parameters of CHM-Corr, defaults from the reference (spec steps 1–7).
 *
 * @param shortlist N, exemplars reranked (50; CHM-Corr++ used 300), 1 … 1000
 * @param k         K of the majority vote (20), 1 … N
 * @param threshold T of the CC mask (0.55), in [0, 1]
 * @param matcher   {@code mnn} (cosine + mutual nearest neighbours, default) or {@code sinkhorn} (EMD-Corr)
 * @param shown     exemplars of the predicted class in the explanation (5)
 * @param pairs     patch pairs drawn per shown exemplar (5)
 */
public record ChmcorrParameters(int shortlist, int k, double threshold, String matcher, int shown, int pairs) {

    public static final int DEFAULT_N = 50;
    public static final int DEFAULT_K = 20;

    public ChmcorrParameters {
        if (shortlist < 1 || shortlist > 1000) {
            throw new IllegalArgumentException("--n (shortlist size N) must be 1 … 1000, got " + shortlist);
        }
        if (k < 1 || k > shortlist) {
            throw new IllegalArgumentException("--k must be 1 … N (" + shortlist + "), got " + k);
        }
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("--threshold must be in [0, 1], got " + threshold);
        }
        Matcher.parse(matcher);
        if (shown < 1 || pairs < 1) {
            throw new IllegalArgumentException("shown exemplars and pairs must be at least 1");
        }
    }

    /** N = 50, K = 20, T = 0.55, mnn, 5 exemplars with 5 pairs each. */
    public static ChmcorrParameters defaults() {
        return new ChmcorrParameters(DEFAULT_N, DEFAULT_K, CrossCorrelationMap.DEFAULT_THRESHOLD, "mnn", 5, 5);
    }

    public ChmcorrParameters withMatcher(String m) {
        return new ChmcorrParameters(shortlist, k, threshold, m, shown, pairs);
    }
}
