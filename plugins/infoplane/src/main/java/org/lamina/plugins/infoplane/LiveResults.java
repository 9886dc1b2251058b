package org.lamina.plugins.infoplane;

import org.lamina.analysis.data.InformationBottleneckData;
import org.lamina.analysis.infoplane.InfoPlaneParameters;
import org.lamina.analysis.infoplane.InfoPlaneResult;
import org.lamina.analysis.infoplane.LoggedEpoch;

import java.util.List;
import java.util.Map;

/** Builds a partial {@link InfoPlaneResult} from the epochs one run has logged so far, to draw it live. */
final class LiveResults {

    private LiveResults() {
    }

    /** H(Y) of the 12-bit labels, bits. */
    static double entropyY() {
        int[] labels = InformationBottleneckData.labels();
        double p = 0;
        for (int y : labels) {
            p += y == 1 ? 1 : 0;
        }
        p /= labels.length;
        return p <= 0 || p >= 1 ? 0 : -(p * Math.log(p) + (1 - p) * Math.log(1 - p)) / Math.log(2);
    }

    /** The logged points of one run so far as a result (no spread, no activations); {@code points} non-empty. */
    static InfoPlaneResult partial(InfoPlaneParameters p, List<LoggedEpoch> points, double entropyY) {
        int n = points.size();
        int[] epochs = new int[n];
        double[][] ixt = new double[n][];
        double[][] ity = new double[n][];
        double[][] zero = new double[n][];
        double[][] gm = new double[n][];
        double[][] gs = new double[n][];
        double[][] snr = new double[n][];
        double[][] wn = new double[n][];
        double[] loss = new double[n];
        double[] trainAcc = new double[n];
        double[] testAcc = new double[n];
        for (int e = 0; e < n; e++) {
            LoggedEpoch pt = points.get(e);
            epochs[e] = pt.epoch();
            ixt[e] = pt.ixt();
            ity[e] = pt.ity();
            zero[e] = new double[pt.ixt().length];
            gm[e] = pt.gradientMean();
            gs[e] = pt.gradientStd();
            snr[e] = pt.snr();
            wn[e] = pt.weightNorm();
            loss[e] = pt.trainLoss();
            trainAcc[e] = pt.trainAccuracy();
            testAcc[e] = pt.testAccuracy();
        }
        return new InfoPlaneResult(p.layerNames(), p.widths(), epochs, ixt, ity, zero, zero, null,
                new double[][][] {ixt}, new double[][][] {ity}, gm, gs, snr, wn, loss, trainAcc, testAcc, entropyY,
                p.estimator(), Map.of(), p, new long[] {p.seed()}, 0, Map.of(), List.of());
    }
}
