package org.lamina.analysis.craft;

/**
 * Deletion and insertion curves of one concept ranking (shared/specs/craft.md §Faithfulness):
 * the class logit h((u ⊙ m)·W) as the top-k concepts of the ranking are zeroed (deletion, from
 * all concepts) or added back (insertion, from none), k = 0 … r, averaged over the images. AUCs
 * use the trapezoid rule over k/r ∈ [0, 1]; a faithful ranking has a low deletion AUC and a high
 * insertion AUC.
 *
 * @param ranking      {@code sobol}, {@code gradient-input}, {@code occlusion} or {@code random}
 * @param deletion     mean logit after deleting the top k, k = 0 … r
 * @param insertion    mean logit after inserting the top k, k = 0 … r
 * @param deletionAuc  area under {@code deletion}
 * @param insertionAuc area under {@code insertion}
 */
public record FidelityCurve(String ranking, double[] deletion, double[] insertion, double deletionAuc, double insertionAuc) {

    /** A curve from its points, with its AUCs. */
    public static FidelityCurve of(String ranking, double[] deletion, double[] insertion) {
        return new FidelityCurve(ranking, deletion, insertion, auc(deletion), auc(insertion));
    }

    /** Trapezoid area over x = k / (len − 1). */
    public static double auc(double[] y) {
        if (y.length < 2) {
            return y.length == 1 ? y[0] : 0;
        }
        double s = 0;
        for (int k = 1; k < y.length; k++) {
            s += (y[k - 1] + y[k]) / 2;
        }
        return s / (y.length - 1);
    }
}
