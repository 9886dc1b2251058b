package org.lamina.analysis.conceptdepth;

/**
 * The numerical concept depths of shared/specs/conceptdepth.md (Jin et al. 2024 give no formula,
 * so the thresholds are parameters), from one accuracy per layer {@code l = 0 … L−1}:
 * <ul>
 *   <li>threshold: {@code CD_τ = min{ l : acc_l ≥ τ · max_l acc }} (τ = 0.95);</li>
 *   <li>jump: {@code argmax_{l ≥ 1} (acc_l − acc_{l−1})} (layer 0 when there is one layer), over the
 *       points that do not duplicate an earlier one;</li>
 *   <li>converge: {@code min{ l : max_{l′ ≥ l} acc_{l′} − acc_l ≤ ε }} (ε = 0.01).</li>
 * </ul>
 * Each is reported as the layer index, the point's name and the relative depth {@code (l+1)/L}
 * (or, with {@link #of(double[], java.util.List, double, double, double[])}, a relative depth per
 * point that leaves duplicate points out of L; {@link RedundantPoints}). Over several train/test
 * splits, {@link #median} gives the depth reported as "the" depth.
 *
 * @param threshold CD_τ
 * @param jump      largest one-layer gain
 * @param converge  first layer within ε of every later layer's best
 */
public record ConceptDepth(Mark threshold, Mark jump, Mark converge) {

    /** A layer: index, point name, relative depth (l+1)/L. */
    public record Mark(int layer, String point, double relative) {
    }

    /** Depths of an accuracy curve over the points named. */
    public static ConceptDepth of(double[] acc, java.util.List<String> points, double tau, double epsilon) {
        return of(acc, points, tau, epsilon, null);
    }

    /**
     * Depths of an accuracy curve, with {@code relative[l]} the relative depth of point l
     * ({@code null}: {@code (l+1)/L}).
     */
    public static ConceptDepth of(double[] acc, java.util.List<String> points, double tau, double epsilon,
                                  double[] relative) {
        return of(acc, points, tau, epsilon, relative, null);
    }

    /**
     * As {@link #of(double[], java.util.List, double, double, double[])}, where {@code duplicate[l]}
     * marks a point whose features equal an earlier point's ({@link RedundantPoints}): its "gain"
     * over the point before it is an artefact (0 when it directly follows its original, and the
     * largest gain of a falling curve), so the jump skips it. Threshold and converge need no rule:
     * they take the first qualifying layer, which is never a duplicate (its original, earlier, has
     * the same accuracy).
     */
    public static ConceptDepth of(double[] acc, java.util.List<String> points, double tau, double epsilon,
                                  double[] relative, boolean[] duplicate) {
        int n = acc.length;
        if (n == 0 || points.size() != n) {
            throw new IllegalArgumentException("need one accuracy per point, got " + n + " for " + points.size());
        }
        double max = java.util.Arrays.stream(acc).max().orElseThrow();
        int threshold = 0;
        while (acc[threshold] < tau * max) {
            threshold++;
        }
        int jump = 0;
        double best = Double.NEGATIVE_INFINITY;
        for (int l = 1; l < n; l++) {
            if (duplicate != null && duplicate[l]) {
                continue;
            }
            double gain = acc[l] - acc[l - 1];
            if (gain > best) {
                best = gain;
                jump = l;
            }
        }
        int converge = n - 1;
        double laterMax = Double.NEGATIVE_INFINITY;
        for (int l = n - 1; l >= 0; l--) {
            laterMax = Math.max(laterMax, acc[l]);
            if (laterMax - acc[l] <= epsilon + 1e-12) {
                converge = l;
            }
        }
        return new ConceptDepth(mark(threshold, points, relative), mark(jump, points, relative),
                mark(converge, points, relative));
    }

    /**
     * Per marker, the median layer over the splits' depths (the lower of the two middle layers
     * when the count is even, so that it is a layer that was probed).
     */
    public static ConceptDepth median(java.util.List<ConceptDepth> perSplit, java.util.List<String> points,
                                      double[] relative) {
        if (perSplit.isEmpty()) {
            throw new IllegalArgumentException("no split depths");
        }
        return new ConceptDepth(
                mark(medianLayer(perSplit.stream().mapToInt(d -> d.threshold().layer()).toArray()), points, relative),
                mark(medianLayer(perSplit.stream().mapToInt(d -> d.jump().layer()).toArray()), points, relative),
                mark(medianLayer(perSplit.stream().mapToInt(d -> d.converge().layer()).toArray()), points, relative));
    }

    /** The lower median of layer indices. */
    static int medianLayer(int[] layers) {
        int[] s = layers.clone();
        java.util.Arrays.sort(s);
        return s[(s.length - 1) / 2];
    }

    private static Mark mark(int l, java.util.List<String> points, double[] relative) {
        return new Mark(l, points.get(l), relative == null ? (l + 1.0) / points.size() : relative[l]);
    }
}
