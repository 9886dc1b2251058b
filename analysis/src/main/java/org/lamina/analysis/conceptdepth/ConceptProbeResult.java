package org.lamina.analysis.conceptdepth;

import java.util.List;

/**
 * The probes of one concept at every point, over K train/test splits. The per-point metrics
 * ({@code acc}, {@code f1}, …) are means over the splits (with K = 1 they are the one split's, as
 * before repeated splits existed); {@code depth} is the per-marker median of the splits' depths.
 *
 * @param name        concept name
 * @param description what label 1 means
 * @param points      probe points, forward order
 * @param acc         test accuracy per point
 * @param f1          test F1 of label 1 per point
 * @param auc         test ROC-AUC per point
 * @param trainAcc    training accuracy per point
 * @param controlAcc  test accuracy of the control-task probe per point
 * @param selectivity acc − controlAcc per point (Hewitt &amp; Liang 2019)
 * @param depth       threshold / jump / converge depths: per marker the median layer over the splits
 * @param iterations  solver iterations per point (the most over the splits)
 * @param positives   items with label 1
 * @param negatives   items with label 0
 * @param trainSize   rows fitted
 * @param testSize    rows held out
 * @param accStd      population standard deviation of the test accuracy over the splits, per point
 * @param accMin      lowest test accuracy over the splits, per point
 * @param accMax      highest test accuracy over the splits, per point
 * @param splitAcc    test accuracy per split (row) and point (column)
 * @param splitDepths depths of each split's accuracy curve, split order
 */
public record ConceptProbeResult(String name, String description, List<String> points, double[] acc, double[] f1,
                                 double[] auc, double[] trainAcc, double[] controlAcc, double[] selectivity,
                                 ConceptDepth depth, int[] iterations, int positives, int negatives, int trainSize,
                                 int testSize, double[] accStd, double[] accMin, double[] accMax,
                                 double[][] splitAcc, List<ConceptDepth> splitDepths) {

    /** Per-split layers of one marker ({@code threshold}, {@code jump} or {@code converge}); empty for old files. */
    public int[] splitLayers(String marker) {
        if (splitDepths == null) {
            return new int[0];
        }
        return splitDepths.stream().mapToInt(d -> switch (marker) {
            case "threshold" -> d.threshold().layer();
            case "jump" -> d.jump().layer();
            case "converge" -> d.converge().layer();
            default -> throw new IllegalArgumentException("no depth marker '" + marker + "'");
        }).toArray();
    }
}
