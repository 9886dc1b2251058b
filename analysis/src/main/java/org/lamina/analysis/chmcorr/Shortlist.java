package org.lamina.analysis.chmcorr;

/**
 * The kNN shortlist of one query (spec step 1), best first.
 *
 * @param galleryIndices gallery item indices
 * @param labels         their labels
 * @param similarity     cosine similarity of pooled features with the query
 */
public record Shortlist(int[] galleryIndices, int[] labels, float[] similarity) {

    public Shortlist {
        if (galleryIndices.length != labels.length || labels.length != similarity.length) {
            throw new IllegalArgumentException("shortlist arrays differ in length");
        }
    }

    public int size() {
        return galleryIndices.length;
    }
}
