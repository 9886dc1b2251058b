package org.lamina.analysis.infoplane;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.List;
import java.util.Map;

/**
 * Result of an information-plane experiment, written as {@code infoplane.json}. Arrays are
 * {@code [logged epoch][layer]} (means over repeats), {@code …Runs} are
 * {@code [repeat][logged epoch][layer]}; MI in bits.
 *
 * @param layers            measured layers: hidden layers then {@code softmax}
 * @param widths            network widths
 * @param epochs            logged epochs (0 = untrained)
 * @param ixt               mean I(X;T)
 * @param ity               mean I(T;Y)
 * @param ixtStd            sample standard deviation of I(X;T) over repeats (0 for one run)
 * @param ityStd            same for I(T;Y)
 * @param ixtLower          KDE lower bound on I(X;T) (mean), null for other estimators
 * @param ixtRuns           I(X;T) of every run
 * @param ityRuns           I(T;Y) of every run
 * @param gradientMean      ‖mean_b g_b‖ per layer (mean over repeats)
 * @param gradientStd       ‖std_b g_b‖ per layer
 * @param snr               gradientMean / gradientStd per layer (mean over repeats of each run's ratio)
 * @param weightNorm        ‖W‖_F per layer
 * @param trainLoss         training cross-entropy per logged epoch (nats, mean over repeats)
 * @param trainAccuracy     per logged epoch
 * @param testAccuracy      per logged epoch (NaN without test rows)
 * @param entropyY          H(Y) in bits, the ceiling of I(T;Y)
 * @param estimator         estimator name
 * @param estimatorParameters its parameters
 * @param parameters        the experiment parameters
 * @param seeds             seed of every run
 * @param trainingSeconds   wall time of the whole experiment
 * @param provenance        method, versions, device, timestamp
 * @param finalActivations  last-epoch activations of every layer of the first run ({@code [4096 × width]}),
 *                          written to {@code activations-final.npz}, not to JSON
 */
public record InfoPlaneResult(List<String> layers, int[] widths, int[] epochs, double[][] ixt, double[][] ity,
                              double[][] ixtStd, double[][] ityStd, double[][] ixtLower, double[][][] ixtRuns,
                              double[][][] ityRuns, double[][] gradientMean, double[][] gradientStd, double[][] snr,
                              double[][] weightNorm, double[] trainLoss, double[] trainAccuracy, double[] testAccuracy,
                              double entropyY, String estimator, Map<String, Object> estimatorParameters,
                              InfoPlaneParameters parameters, long[] seeds, double trainingSeconds,
                              Map<String, Object> provenance, @JsonIgnore List<float[]> finalActivations) {

    /** Index of the last logged epoch. */
    public int last() {
        return epochs.length - 1;
    }

    /**
     * Compression of a layer: max over logged epochs of I(X;T) minus its final value (bits).
     */
    public double compression(int layer) {
        double max = Double.NEGATIVE_INFINITY;
        for (double[] row : ixt) {
            max = Math.max(max, row[layer]);
        }
        return max - ixt[last()][layer];
    }
}
