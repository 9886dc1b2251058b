package org.lamina.analysis.chmcorr;

/**
 * Lamina's default matcher: cosine similarity between the query's and the exemplar's feature-map
 * cells, keeping a pair only when the two cells are each other's nearest neighbour on the G×G
 * grid. This is NOT CHMNet (Min &amp; Cho's Convolutional Hough Matching, used by the reference):
 * it has no learned geometry and no trained weights, only the classifier's own features.
 * Argmax ties go to the lowest cell index (as numpy's argmax).
 */
public final class MutualNearestNeighbourMatcher implements Matcher {

    @Override
    public String name() {
        return "mnn";
    }

    @Override
    public double topFiveScale() {
        return 1.0 / 5;
    }

    @Override
    public Correspondences match(FeatureGrid query, FeatureGrid exemplar) {
        double[][] m = query.cosineMatrix(exemplar);
        int n = m.length;
        int[] bestInExemplar = new int[n];
        int[] bestInQuery = new int[n];
        for (int i = 0; i < n; i++) {
            bestInExemplar[i] = argmaxRow(m[i]);
        }
        for (int j = 0; j < n; j++) {
            int best = 0;
            for (int i = 1; i < n; i++) {
                if (m[i][j] > m[best][j]) {
                    best = i;
                }
            }
            bestInQuery[j] = best;
        }
        int[] match = new int[n];
        float[] sim = new float[n];
        for (int i = 0; i < n; i++) {
            int j = bestInExemplar[i];
            if (bestInQuery[j] == i) {
                match[i] = j;
                sim[i] = (float) m[i][j];
            } else {
                match[i] = -1;
            }
        }
        return new Correspondences(match, sim, sim.clone());
    }

    static int argmaxRow(double[] row) {
        int best = 0;
        for (int j = 1; j < row.length; j++) {
            if (row[j] > row[best]) {
                best = j;
            }
        }
        return best;
    }
}
