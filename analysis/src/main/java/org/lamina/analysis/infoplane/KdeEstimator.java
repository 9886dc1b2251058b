package org.lamina.analysis.infoplane;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.lamina.analysis.model.ModelRuntime;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Kernel-density bounds of Saxe et al. (2018) (ibsgd {@code kde.py}, after Kolchinsky &amp; Tracey
 * 2017): T is taken as the activations plus Gaussian noise of variance σ². With
 * D_ij = ‖t_i − t_j‖²,
 * <ul>
 * <li>upper bound I(X;T) = −(1/N) Σ_i log[(1/N) Σ_j exp(−D_ij / 2σ²)];</li>
 * <li>lower bound (Bhattacharyya): the same with 8σ² in place of 2σ²;</li>
 * <li>I(T;Y) = H_up(T) − Σ_c p_c H_up(T_c), each class with its own N_c (the d/2 log 2πσ² terms
 *     cancel, so only the log-mean-kernel terms remain).</li>
 * </ul>
 * The N² pairwise terms are batched tensor ops on the PyTorch engine: one matrix product for the
 * distances, one {@code exp} per bandwidth, and one matrix product with the one-hot labels for all
 * class sums. Results are converted from nats to bits.
 */
public final class KdeEstimator implements MutualInformationEstimator {

    private final double noiseVariance;

    /** @param noiseVariance σ² (1e-3 for the 12-bit network, 0.1 for MNIST-size nets) */
    public KdeEstimator(double noiseVariance) {
        if (!(noiseVariance > 0) || Double.isInfinite(noiseVariance)) {
            throw new IllegalArgumentException("noise variance must be positive, got " + noiseVariance);
        }
        this.noiseVariance = noiseVariance;
    }

    @Override
    public String name() {
        return "kde";
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("noiseVariance", noiseVariance);
        p.put("ixt", "upper bound (kernel 2σ²); ixtLower: Bhattacharyya lower bound (kernel 8σ²)");
        return p;
    }

    @Override
    public InformationEstimate estimate(float[] activations, int n, int d, int[] labels) {
        int classes = MutualInformationEstimator.checkArguments(activations, n, d, labels);
        ModelRuntime.engine();
        double ln2 = Math.log(2);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray t = m.create(activations, new Shape(n, d));
            NDArray sq = t.square().sum(new int[] {1});
            NDArray dist = sq.reshape(n, 1).add(sq.reshape(1, n)).sub(t.matMul(t.transpose()).mul(2f)).maximum(0f);
            NDArray kernel = dist.mul((float) (-1 / (2 * noiseVariance))).exp();
            float[] rowSums = kernel.sum(new int[] {1}).toFloatArray();
            float[] lowerSums = dist.mul((float) (-1 / (8 * noiseVariance))).exp().sum(new int[] {1}).toFloatArray();
            float[] onehot = new float[n * classes];
            int[] classCounts = new int[classes];
            for (int i = 0; i < n; i++) {
                onehot[i * classes + labels[i]] = 1f;
                classCounts[labels[i]]++;
            }
            float[] classSums = kernel.matMul(m.create(onehot, new Shape(n, classes))).toFloatArray();
            double up = 0;
            double lo = 0;
            double conditional = 0;
            for (int i = 0; i < n; i++) {
                up -= Math.log(rowSums[i] / n);
                lo -= Math.log(lowerSums[i] / n);
                int c = labels[i];
                conditional -= Math.log(classSums[i * classes + c] / classCounts[c]);
            }
            up /= n;
            lo /= n;
            conditional /= n; // Σ_c p_c · (−1/N_c Σ_{i∈c} log …) = −1/N Σ_i log …
            double ixt = clamp(up / ln2, Math.log(n) / ln2);
            double ixtLower = clamp(lo / ln2, Math.log(n) / ln2);
            double ity = clamp((up - conditional) / ln2, MutualInformationEstimator.labelEntropy(labels));
            return new InformationEstimate(ixt, ity, ixtLower);
        }
    }

    /** Removes float round-off past the analytic limits 0 and {@code max}. */
    private static double clamp(double v, double max) {
        return Math.max(0, Math.min(max, v));
    }
}
