package org.lamina.analysis.conceptdepth;

import java.util.List;

/**
 * The probes of one concept at every point.
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
 * @param depth       threshold / jump / converge depths
 * @param iterations  Newton iterations per point
 * @param positives   items with label 1
 * @param negatives   items with label 0
 * @param trainSize   rows fitted
 * @param testSize    rows held out
 */
public record ConceptProbeResult(String name, String description, List<String> points, double[] acc, double[] f1,
                                 double[] auc, double[] trainAcc, double[] controlAcc, double[] selectivity,
                                 ConceptDepth depth, int[] iterations, int positives, int negatives, int trainSize,
                                 int testSize) {
}
