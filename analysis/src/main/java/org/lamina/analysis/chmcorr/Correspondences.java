package org.lamina.analysis.chmcorr;

/**
 * Where each query cell lands in one exemplar and how much evidence that pair carries.
 *
 * @param match      exemplar cell per query cell ({@code i = row * G + col}), −1 when the matcher
 *                   found none (e.g. not a mutual nearest neighbour)
 * @param similarity patch similarity {@code cos(F_q[i], F_e[match[i]])} (spec step 3), 0 without a match
 * @param evidence   what the scorer ranks per query cell: the similarity itself for
 *                   cosine/MNN, transport mass × similarity for Sinkhorn
 */
public record Correspondences(int[] match, float[] similarity, float[] evidence) {

    public Correspondences {
        if (match.length != similarity.length || match.length != evidence.length) {
            throw new IllegalArgumentException("match, similarity and evidence differ in length");
        }
    }
}
