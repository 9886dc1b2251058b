package org.lamina.plugins.infoplane;

import org.lamina.analysis.infoplane.InfoPlaneParameters;
import org.lamina.analysis.infoplane.InfoPlaneResult;
import org.lamina.analysis.infoplane.LoggedEpoch;

import java.util.List;
import java.util.Map;

/** Builds a partial {@link InfoPlaneResult} from the epochs one run has logged so far, to draw it live. */
final class LiveResults {

    private LiveResults() {
    }

    /** H(Y) of labels in bits: the ceiling of I(T;Y) drawn while a run is live. */
    static double entropyY(int[] labels) {
        java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
        for (int y : labels) {
            counts.merge(y, 1, Integer::sum);
        }
        double h = 0;
        for (int c : counts.values()) {
            double p = (double) c / labels.length;
            h -= p * Math.log(p);
        }
        return h / Math.log(2);
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
