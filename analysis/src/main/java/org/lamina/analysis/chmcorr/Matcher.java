package org.lamina.analysis.chmcorr;

/**
 * Finds patch correspondences between a query's and an exemplar's feature grids (spec step 2).
 * The reference uses CHMNet (Convolutional Hough Matching, trained on PF-PASCAL); Lamina's
 * matchers are substitutes, and a CHM matcher can be added behind this interface.
 */
public interface Matcher {

    /** Short name for options and provenance, e.g. {@code mnn}. */
    String name();

    /** Correspondences of every query cell. */
    Correspondences match(FeatureGrid query, FeatureGrid exemplar);

    /**
     * Factor applied to the sum of the top-5 masked evidence values: 1/5 (a mean, CHM-Corr) or 1
     * (a sum, EMD-Corr). The rerank is the same either way; the reported scores follow the papers.
     */
    double topFiveScale();

    /** {@code mnn} or {@code sinkhorn}. */
    static Matcher parse(String name) {
        return switch (name) {
            case "mnn" -> new MutualNearestNeighbourMatcher();
            case "sinkhorn" -> new SinkhornMatcher();
            default -> throw new IllegalArgumentException("matcher must be mnn or sinkhorn, got '" + name + "'");
        };
    }
}
