package org.lamina.analysis.infoplane;

import java.util.Map;

/**
 * Estimates I(X;T) and I(T;Y) of one layer's activations T on all inputs X with labels Y
 * (shared/specs/infoplane.md, "Estimators"). Implementations are stateless and thread-safe, so
 * parallel repeats share one instance. All results are in bits and lie in
 * [0, log₂ N] for I(X;T) and [0, H(Y)] for I(T;Y).
 */
public interface MutualInformationEstimator {

    /** Short name used in the CLI, JSON and figures: {@code binning}, {@code binsize}, {@code kde}, {@code ksg}. */
    String name();

    /** The estimator's parameters, for provenance. */
    Map<String, Object> parameters();

    /**
     * @param activations row-major {@code [n × d]} activations of one layer
     * @param n           number of samples (rows)
     * @param d           units of the layer (columns)
     * @param labels      class of every sample, {@code 0 … classes−1}
     */
    InformationEstimate estimate(float[] activations, int n, int d, int[] labels);

    /** Empirical entropy of the labels, in bits: the ceiling of I(T;Y). */
    static double labelEntropy(int[] labels) {
        int classes = 0;
        for (int y : labels) {
            classes = Math.max(classes, y + 1);
        }
        int[] counts = new int[classes];
        for (int y : labels) {
            counts[y]++;
        }
        double h = 0;
        for (int c : counts) {
            if (c > 0) {
                double p = (double) c / labels.length;
                h -= p * Math.log(p);
            }
        }
        return h / Math.log(2);
    }

    /** Validates the common arguments and returns the number of classes. */
    static int checkArguments(float[] activations, int n, int d, int[] labels) {
        if (n < 1 || d < 1 || activations.length != (long) n * d) {
            throw new IllegalArgumentException("activations hold " + activations.length + " values, expected n×d = "
                    + n + "×" + d);
        }
        if (labels.length != n) {
            throw new IllegalArgumentException(labels.length + " labels for " + n + " samples");
        }
        int classes = 0;
        for (int y : labels) {
            if (y < 0) {
                throw new IllegalArgumentException("labels must be 0 … C−1, got " + y);
            }
            classes = Math.max(classes, y + 1);
        }
        for (float a : activations) {
            if (!Float.isFinite(a)) {
                throw new TrainingDivergedException("activations contain NaN or infinity: the network diverged");
            }
        }
        return classes;
    }
}
