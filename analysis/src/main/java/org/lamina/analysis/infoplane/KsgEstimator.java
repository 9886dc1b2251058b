package org.lamina.analysis.infoplane;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * k-nearest-neighbour estimators with the max-norm (Kraskov, Stögbauer &amp; Grassberger 2004).
 *
 * <p>{@link #mutualInformation} is KSG's first estimator I⁽¹⁾ (their eq. 8) for two continuous
 * variables: I = ψ(k) + ψ(N) − ⟨ψ(n_x + 1) + ψ(n_y + 1)⟩, in nats.
 *
 * <p>On a layer of a deterministic network with discrete inputs, I(X;T) is infinite for
 * continuous T (Saxe et al. 2018; Goldfeld et al. 2019), so the information-plane estimate
 * follows the same noise model as KDE: T̃ = T + N(0, σ²I) with one seeded noise draw per sample.
 * Then I(X;T̃) = h(T̃) − (d/2) log(2πeσ²), with h(T̃) the Kozachenko–Leonenko k-NN entropy in
 * max-norm (ψ(N) − ψ(k) + d⟨log 2ε_i⟩, the entropy counterpart of KSG). I(T̃;Y) is KSG I⁽¹⁾ with
 * the discrete Y as one coordinate: the k-th joint neighbour of a sample is its k-th neighbour
 * within its class, and n_y + 1 = N_y, the size of its class. Both are clipped to their ceilings
 * [0, log₂ N] and [0, H(Y)] (KSG is biased for small N and can leave them).
 */
public final class KsgEstimator implements MutualInformationEstimator {

    private final int k;
    private final double noiseVariance;
    private final long seed;

    /**
     * @param k             neighbours (KSG's default 3)
     * @param noiseVariance σ² of the noise added to T before estimating (1e-3 for the 12-bit net)
     * @param seed          seed of that noise
     */
    public KsgEstimator(int k, double noiseVariance, long seed) {
        if (k < 1) {
            throw new IllegalArgumentException("KSG needs k ≥ 1 neighbours, got " + k);
        }
        if (!(noiseVariance > 0) || Double.isInfinite(noiseVariance)) {
            throw new IllegalArgumentException("noise variance must be positive, got " + noiseVariance);
        }
        this.k = k;
        this.noiseVariance = noiseVariance;
        this.seed = seed;
    }

    @Override
    public String name() {
        return "ksg";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("k", k);
        p.put("norm", "max");
        p.put("noiseVariance", noiseVariance);
        p.put("noiseSeed", seed);
        return p;
    }

    @Override
    public InformationEstimate estimate(float[] activations, int n, int d, int[] labels) {
        int classes = MutualInformationEstimator.checkArguments(activations, n, d, labels);
        if (n <= k) {
            throw new IllegalArgumentException("KSG with k = " + k + " needs more than " + k + " samples, got " + n);
        }
        double[] t = new double[n * d];
        SplittableRandom random = new SplittableRandom(seed);
        double sd = Math.sqrt(noiseVariance);
        for (int i = 0; i < t.length; i++) {
            t[i] = activations[i] + sd * random.nextGaussian();
        }
        int[] classCounts = new int[classes];
        for (int y : labels) {
            classCounts[y]++;
        }
        double[] dist = new double[n];
        double[] all = new double[k];
        double[] same = new double[k];
        double logEps = 0;
        double tyTerm = 0;
        for (int i = 0; i < n; i++) {
            Arrays.fill(all, Double.POSITIVE_INFINITY);
            Arrays.fill(same, Double.POSITIVE_INFINITY);
            for (int j = 0; j < n; j++) {
                double m = 0;
                for (int u = 0; u < d; u++) {
                    m = Math.max(m, Math.abs(t[i * d + u] - t[j * d + u]));
                }
                dist[j] = m;
                if (j != i) {
                    insert(all, m);
                    if (labels[j] == labels[i]) {
                        insert(same, m);
                    }
                }
            }
            logEps += Math.log(2 * all[k - 1]);
            double eps = same[k - 1];
            if (classCounts[labels[i]] > k) {
                int nt = 0;
                for (int j = 0; j < n; j++) {
                    if (j != i && dist[j] < eps) {
                        nt++;
                    }
                }
                tyTerm += digamma(nt + 1) + digamma(classCounts[labels[i]]);
            } else {
                tyTerm += digamma(n) + digamma(k); // too few class members: contributes no information
            }
        }
        double ln2 = Math.log(2);
        double entropy = digamma(n) - digamma(k) + d * logEps / n;
        double conditional = 0.5 * d * Math.log(2 * Math.PI * Math.E * noiseVariance);
        double ixt = (entropy - conditional) / ln2;
        double ity = (digamma(k) + digamma(n) - tyTerm / n) / ln2;
        return InformationEstimate.of(Math.max(0, Math.min(Math.log(n) / ln2, ixt)),
                Math.max(0, Math.min(MutualInformationEstimator.labelEntropy(labels), ity)));
    }

    /**
     * KSG I⁽¹⁾ between two continuous variables given as rows {@code a[i]}, {@code b[i]}, in nats.
     * Ties should be broken beforehand (e.g. tiny noise), as Kraskov et al. recommend.
     */
    public static double mutualInformation(double[][] a, double[][] b, int k) {
        int n = a.length;
        if (b.length != n || n <= k) {
            throw new IllegalArgumentException("KSG needs two equally long samples longer than k");
        }
        double[] dx = new double[n];
        double[] dy = new double[n];
        double[] joint = new double[k];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            Arrays.fill(joint, Double.POSITIVE_INFINITY);
            for (int j = 0; j < n; j++) {
                dx[j] = maxNorm(a[i], a[j]);
                dy[j] = maxNorm(b[i], b[j]);
                if (j != i) {
                    insert(joint, Math.max(dx[j], dy[j]));
                }
            }
            double eps = joint[k - 1];
            int nx = 0;
            int ny = 0;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    if (dx[j] < eps) {
                        nx++;
                    }
                    if (dy[j] < eps) {
                        ny++;
                    }
                }
            }
            sum += digamma(nx + 1) + digamma(ny + 1);
        }
        return digamma(k) + digamma(n) - sum / n;
    }

    private static double maxNorm(double[] u, double[] v) {
        double m = 0;
        for (int i = 0; i < u.length; i++) {
            m = Math.max(m, Math.abs(u[i] - v[i]));
        }
        return m;
    }

    /** Keeps the {@code sorted.length} smallest values seen, ascending. */
    private static void insert(double[] sorted, double v) {
        int last = sorted.length - 1;
        if (v >= sorted[last]) {
            return;
        }
        int p = last;
        while (p > 0 && sorted[p - 1] > v) {
            sorted[p] = sorted[p - 1];
            p--;
        }
        sorted[p] = v;
    }

    /** Digamma ψ(x) for x ≥ 1: recurrence up to 6, then the asymptotic series. */
    static double digamma(double x) {
        double result = 0;
        while (x < 6) {
            result -= 1 / x;
            x += 1;
        }
        double f = 1 / (x * x);
        return result + Math.log(x) - 0.5 / x
                - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
    }
}
