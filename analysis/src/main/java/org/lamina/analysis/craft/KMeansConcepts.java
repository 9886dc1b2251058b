package org.lamina.analysis.craft;

import java.util.SplittableRandom;

/**
 * k-means as a concept decomposition (Fel et al., NeurIPS 2023, "A Holistic Approach to Unifying
 * Automatic Concept Extraction and Concept Importance Estimation", §3: k-means is dictionary
 * learning with U one-hot, ||u_i||₀ = 1, u_i ∈ {0, 1}): A ≈ U·W with W the r centroids and each
 * row of U the indicator of its nearest centroid. A new activation is encoded the same way, by its
 * nearest centroid (one-hot). The authors' library (KempnerInstitute/overcomplete,
 * {@code OptimKMeans}, which Xplique's holistic CRAFT uses) encodes with scikit-learn's
 * {@code transform}, the distances to every centroid, but decodes with {@code z @ centers}, which
 * does not reconstruct A from those distances; Lamina keeps the paper's one-hot code so that
 * decode(encode(a)) is a's centroid and the Sobol masks switch concepts on and off.
 *
 * <p>Fit: scikit-learn 1.2's {@code KMeans} defaults — greedy k-means++ seeding
 * (2 + ⌊ln r⌋ candidates per centre, the one that lowers the potential most), Lloyd iterations
 * until the centres move less than {@code tol · mean column variance} in total (tol 1e-4) or 300
 * iterations, best inertia of {@value #INITS} seeded starts; an empty cluster takes the point
 * farthest from its centre. Deterministic for a seed (Java's {@link SplittableRandom}, so not
 * sklearn's draws: the tests compare inertia and matched centroids, not bits).
 */
final class KMeansConcepts {

    static final int INITS = 10;
    static final int MAX_ITERATIONS = 300;
    static final double TOLERANCE = 1e-4;

    /** Labels, centres, inertia, iterations of the best start. */
    record Fit(int[] labels, double[] centres, double inertia, int iterations, boolean converged) {
    }

    private KMeansConcepts() {
    }

    static ConceptBank fit(RowMajorMatrix a, int r, long seed) {
        int n = a.rows();
        int c = a.cols();
        double[] x = Dense.of(a);
        Fit best = fit(x, n, c, r, seed, INITS);
        double[] u = new double[n * r];
        for (int i = 0; i < n; i++) {
            u[i * r + best.labels()[i]] = 1;
        }
        double err = Math.sqrt(best.inertia() / Math.max(Dense.squaredNorm(x), Double.MIN_NORMAL));
        java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("algorithm", "k-means (Lloyd) from greedy k-means++ seeding, best inertia of " + INITS + " starts");
        details.put("tolerance", TOLERANCE);
        details.put("maxIterations", MAX_ITERATIONS);
        details.put("inertia", best.inertia());
        details.put("encoding", "one-hot nearest centroid (the paper's U ∈ {0,1}, ||u||₀ = 1)");
        return new ConceptBank(Decomposition.KMEANS, RowMajorMatrix.of(n, r, u), RowMajorMatrix.of(r, c, best.centres()),
                null, best.iterations(), best.converged(), err, details);
    }

    /** The best of {@code inits} seeded k-means runs on {@code x} ({@code n × c}). */
    static Fit fit(double[] x, int n, int c, int r, long seed, int inits) {
        double tol = TOLERANCE * meanVariance(x, n, c);
        Fit best = null;
        SplittableRandom seeds = new SplittableRandom(seed);
        for (int s = 0; s < inits; s++) {
            Fit f = lloyd(x, n, c, r, plusPlus(x, n, c, r, seeds.split()), tol);
            if (best == null || f.inertia() < best.inertia()) {
                best = f;
            }
        }
        return best;
    }

    static double meanVariance(double[] x, int n, int c) {
        double total = 0;
        for (int k = 0; k < c; k++) {
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += x[i * c + k];
            }
            mean /= n;
            double v = 0;
            for (int i = 0; i < n; i++) {
                double d = x[i * c + k] - mean;
                v += d * d;
            }
            total += v / n;
        }
        return total / c;
    }

    /** Greedy k-means++ (scikit-learn's {@code _kmeans_plusplus}). */
    static double[] plusPlus(double[] x, int n, int c, int r, SplittableRandom rnd) {
        double[] centres = new double[r * c];
        int trials = 2 + (int) Math.log(r);
        int first = rnd.nextInt(n);
        System.arraycopy(x, first * c, centres, 0, c);
        double[] closest = new double[n];
        double pot = 0;
        for (int i = 0; i < n; i++) {
            closest[i] = dist(x, i, x, first, c);
            pot += closest[i];
        }
        for (int k = 1; k < r; k++) {
            int bestCandidate = -1;
            double bestPot = Double.POSITIVE_INFINITY;
            double[] bestDist = null;
            for (int t = 0; t < trials; t++) {
                double target = rnd.nextDouble() * pot;
                int cand = n - 1;
                double cum = 0;
                for (int i = 0; i < n; i++) {
                    cum += closest[i];
                    if (cum > target) {
                        cand = i;
                        break;
                    }
                }
                double[] d = new double[n];
                double p = 0;
                for (int i = 0; i < n; i++) {
                    d[i] = Math.min(closest[i], dist(x, i, x, cand, c));
                    p += d[i];
                }
                if (p < bestPot) {
                    bestPot = p;
                    bestCandidate = cand;
                    bestDist = d;
                }
            }
            System.arraycopy(x, bestCandidate * c, centres, k * c, c);
            closest = bestDist;
            pot = bestPot;
        }
        return centres;
    }

    private static Fit lloyd(double[] x, int n, int c, int r, double[] centres, double tol) {
        int[] labels = new int[n];
        double[] d = new double[n];
        int it = 0;
        boolean converged = false;
        while (it < MAX_ITERATIONS) {
            it++;
            assign(x, n, c, centres, r, labels, d);
            double[] next = new double[r * c];
            int[] counts = new int[r];
            for (int i = 0; i < n; i++) {
                counts[labels[i]]++;
                for (int k = 0; k < c; k++) {
                    next[labels[i] * c + k] += x[i * c + k];
                }
            }
            for (int j = 0; j < r; j++) {
                if (counts[j] == 0) {
                    // Relocate an empty cluster to the point farthest from its centre.
                    int far = 0;
                    for (int i = 1; i < n; i++) {
                        if (d[i] > d[far]) {
                            far = i;
                        }
                    }
                    System.arraycopy(x, far * c, next, j * c, c);
                    d[far] = 0;
                    continue;
                }
                for (int k = 0; k < c; k++) {
                    next[j * c + k] /= counts[j];
                }
            }
            double shift = 0;
            for (int q = 0; q < next.length; q++) {
                double s = next[q] - centres[q];
                shift += s * s;
            }
            centres = next;
            if (shift <= tol) {
                converged = true;
                break;
            }
        }
        double inertia = assign(x, n, c, centres, r, labels, d);
        return new Fit(labels, centres, inertia, it, converged);
    }

    /** Nearest centre of every row; returns the inertia. */
    static double assign(double[] x, int n, int c, double[] centres, int r, int[] labels, double[] dist) {
        double inertia = 0;
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bd = Double.POSITIVE_INFINITY;
            for (int j = 0; j < r; j++) {
                double dd = dist(x, i, centres, j, c);
                if (dd < bd) {
                    bd = dd;
                    best = j;
                }
            }
            labels[i] = best;
            dist[i] = bd;
            inertia += bd;
        }
        return inertia;
    }

    private static double dist(double[] x, int i, double[] y, int j, int c) {
        double s = 0;
        int a = i * c;
        int b = j * c;
        for (int k = 0; k < c; k++) {
            double v = x[a + k] - y[b + k];
            s += v * v;
        }
        return s;
    }

    /** One-hot nearest-centroid codes of the rows of {@code x} ({@code rows × C}). */
    static RowMajorMatrix encode(float[] x, int rows, RowMajorMatrix w) {
        int r = w.rows();
        int c = w.cols();
        double[] centres = Dense.of(w);
        double[] xd = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            xd[i] = x[i];
        }
        int[] labels = new int[rows];
        assign(xd, rows, c, centres, r, labels, new double[rows]);
        float[] u = new float[rows * r];
        for (int i = 0; i < rows; i++) {
            u[i * r + labels[i]] = 1;
        }
        return new RowMajorMatrix(rows, r, u);
    }
}
