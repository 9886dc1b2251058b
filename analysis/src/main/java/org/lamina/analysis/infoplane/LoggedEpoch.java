package org.lamina.analysis.infoplane;

/**
 * Everything measured at one logged epoch of one run; arrays are per measured layer (MI) or per
 * linear layer (gradients), which coincide: hidden layers then the softmax output.
 *
 * @param epoch          epochs trained so far (0 = untrained)
 * @param ixt            I(X;T) per layer, bits
 * @param ity            I(T;Y) per layer, bits
 * @param ixtLower       KDE lower bound on I(X;T) per layer, or NaN
 * @param gradientMean   ‖mean_b g_b‖₂ of the weight gradient over the training mini-batches
 * @param gradientStd    ‖std_b g_b‖₂ (elementwise population std)
 * @param weightNorm     ‖W‖_F
 * @param trainLoss      mean cross-entropy on the training rows (nats)
 * @param trainAccuracy  accuracy on the training rows
 * @param testAccuracy   accuracy on the test rows (NaN if none)
 */
public record LoggedEpoch(int epoch, double[] ixt, double[] ity, double[] ixtLower, double[] gradientMean,
                          double[] gradientStd, double[] weightNorm, double trainLoss, double trainAccuracy,
                          double testAccuracy) {

    /** Gradient signal-to-noise ratio per layer: mean / std. */
    public double[] snr() {
        double[] s = new double[gradientMean.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = gradientMean[i] / gradientStd[i];
        }
        return s;
    }
}
