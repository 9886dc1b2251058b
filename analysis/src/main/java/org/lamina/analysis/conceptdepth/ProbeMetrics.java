package org.lamina.analysis.conceptdepth;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The per-layer metrics of the reference: accuracy, F1 of label 1, ROC-AUC from the probe's
 * probabilities (Mann–Whitney form with average ranks for ties, equal to sklearn's
 * {@code roc_auc_score}).
 */
public final class ProbeMetrics {

    private ProbeMetrics() {
    }

    /** Fraction of rows where {@code p > 0.5} matches the label. */
    public static double accuracy(int[] y, double[] p) {
        int ok = 0;
        for (int i = 0; i < y.length; i++) {
            if ((p[i] > 0.5 ? 1 : 0) == y[i]) {
                ok++;
            }
        }
        return (double) ok / y.length;
    }

    /** F1 of label 1 (0 when there are no predicted and no true positives, as sklearn's zero_division). */
    public static double f1(int[] y, double[] p) {
        int tp = 0;
        int fp = 0;
        int fn = 0;
        for (int i = 0; i < y.length; i++) {
            boolean pred = p[i] > 0.5;
            if (pred && y[i] == 1) {
                tp++;
            } else if (pred) {
                fp++;
            } else if (y[i] == 1) {
                fn++;
            }
        }
        return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
    }

    /** ROC-AUC; NaN when the labels hold one class only. */
    public static double auc(int[] y, double[] p) {
        int n = y.length;
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
        double[] rank = new double[n];
        for (int a = 0; a < n; ) {
            int b = a;
            while (b + 1 < n && p[order[b + 1]] == p[order[a]]) {
                b++;
            }
            double avg = (a + b) / 2.0 + 1;
            for (int k = a; k <= b; k++) {
                rank[order[k]] = avg;
            }
            a = b + 1;
        }
        long pos = Arrays.stream(y).filter(v -> v == 1).count();
        long neg = n - pos;
        if (pos == 0 || neg == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (y[i] == 1) {
                sum += rank[i];
            }
        }
        return (sum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }
}
