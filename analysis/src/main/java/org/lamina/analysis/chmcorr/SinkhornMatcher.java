package org.lamina.analysis.chmcorr;

/**
 * The EMD-Corr alternative (Taesiri et al. 2022, spec "EMD-Corr alternative matcher"): entropic
 * optimal transport (Sinkhorn) on the G²×G² cell cosines with kernel {@code K = exp(−(1 − sim)/0.05)},
 * at most 100 iterations, marginals = the two CC maps (clamped at 0) normalised to sum 1.
 * EMD-Corr scores an exemplar by the top-5 transport entries × sim over all pairs; so that the
 * user's per-query-cell mask applies, each query cell keeps its single heaviest pair here
 * ({@code match[i] = argmax_j T[i, j]}, evidence = T[i, match] · sim) and the score is the sum of
 * the top-5 of those.
 */
public final class SinkhornMatcher implements Matcher {

    /** Entropic regularisation of EMD-Corr. */
    public static final double EPSILON = 0.05;
    /** Iteration cap of EMD-Corr. */
    public static final int MAX_ITERATIONS = 100;

    @Override
    public String name() {
        return "sinkhorn";
    }

    @Override
    public double topFiveScale() {
        return 1.0;
    }

    @Override
    public Correspondences match(FeatureGrid query, FeatureGrid exemplar) {
        double[][] sim = query.cosineMatrix(exemplar);
        double[] a = marginal(CrossCorrelationMap.raw(query, exemplar));
        double[] b = marginal(CrossCorrelationMap.raw(exemplar, query));
        double[][] t = transport(sim, a, b);
        int n = sim.length;
        int[] match = new int[n];
        float[] s = new float[n];
        float[] evidence = new float[n];
        for (int i = 0; i < n; i++) {
            int j = MutualNearestNeighbourMatcher.argmaxRow(t[i]);
            match[i] = j;
            s[i] = (float) sim[i][j];
            evidence[i] = (float) (t[i][j] * sim[i][j]);
        }
        return new Correspondences(match, s, evidence);
    }

    /** The transport plan {@code diag(u) K diag(v)} after Sinkhorn scaling. */
    static double[][] transport(double[][] sim, double[] a, double[] b) {
        int n = a.length;
        int m = b.length;
        double[][] k = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                k[i][j] = Math.exp(-(1 - sim[i][j]) / EPSILON);
            }
        }
        double[] u = new double[n];
        double[] v = new double[m];
        java.util.Arrays.fill(v, 1.0);
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < m; j++) {
                    s += k[i][j] * v[j];
                }
                u[i] = s > 0 ? a[i] / s : 0;
            }
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += k[i][j] * u[i];
                }
                v[j] = s > 0 ? b[j] / s : 0;
            }
        }
        double[][] t = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                t[i][j] = u[i] * k[i][j] * v[j];
            }
        }
        return t;
    }

    /** CC map clamped at 0 and normalised to sum 1 (uniform when it is all zero). */
    static double[] marginal(double[] cc) {
        double[] w = new double[cc.length];
        double s = 0;
        for (int i = 0; i < cc.length; i++) {
            w[i] = Math.max(0, cc[i]);
            s += w[i];
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = s > 0 ? w[i] / s : 1.0 / w.length;
        }
        return w;
    }
}
