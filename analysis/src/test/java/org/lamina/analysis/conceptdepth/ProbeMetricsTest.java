package org.lamina.analysis.conceptdepth;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Metrics, depths, splits and control labels against hand-computed values. */
class ProbeMetricsTest {

    @Test
    void aucCountsTiesAsHalf() {
        // sklearn.metrics.roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.75
        assertThat(ProbeMetrics.auc(new int[] {0, 0, 1, 1}, new double[] {0.1, 0.4, 0.35, 0.8})).isCloseTo(0.75, within(1e-12));
        // one tie between a positive and a negative: (1 + 1 + 0.5 + 1) / 4
        assertThat(ProbeMetrics.auc(new int[] {0, 0, 1, 1}, new double[] {0.1, 0.5, 0.5, 0.8})).isCloseTo(0.875, within(1e-12));
        assertThat(ProbeMetrics.auc(new int[] {1, 1}, new double[] {0.1, 0.5})).isNaN();
    }

    @Test
    void accuracyAndF1OfLabelOne() {
        int[] y = {1, 1, 0, 0, 1};
        double[] p = {0.9, 0.2, 0.7, 0.1, 0.6};
        assertThat(ProbeMetrics.accuracy(y, p)).isCloseTo(0.6, within(1e-12));
        // tp 2, fp 1, fn 1 → 4 / 6
        assertThat(ProbeMetrics.f1(y, p)).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void depthsFollowTheSpecDefinitions() {
        List<String> pts = List.of("a", "b", "c", "d", "e");
        double[] acc = {0.55, 0.60, 0.85, 0.92, 0.93};
        ConceptDepth d = ConceptDepth.of(acc, pts, 0.95, 0.01);
        // τ·max = 0.8835 → first layer ≥ it is 3 (0.92)
        assertThat(d.threshold().layer()).isEqualTo(3);
        assertThat(d.threshold().relative()).isCloseTo(0.8, within(1e-12));
        assertThat(d.jump().layer()).isEqualTo(2);
        assertThat(d.jump().point()).isEqualTo("c");
        // layer 3: max later 0.93 − 0.92 = 0.01 ≤ ε
        assertThat(d.converge().layer()).isEqualTo(3);

        double[] dip = {0.9, 0.7, 0.95, 0.96};
        ConceptDepth e = ConceptDepth.of(dip, List.of("a", "b", "c", "d"), 0.9, 0.01);
        assertThat(e.threshold().layer()).isEqualTo(0);
        assertThat(e.jump().layer()).isEqualTo(2);
        assertThat(e.converge().layer()).isEqualTo(2);
        assertThat(e.converge().relative()).isCloseTo(0.75, within(1e-12));
    }

    @Test
    void splitHasCeilOfTheTestFractionAndIsSeeded() {
        int[] labels = new int[101];
        for (int i = 0; i < 30; i++) {
            labels[i] = 1;
        }
        TrainTestSplit a = TrainTestSplit.of(labels, 0.4, 42, false);
        assertThat(a.test()).hasSize(41);
        assertThat(a.train()).hasSize(60);
        assertThat(TrainTestSplit.of(labels, 0.4, 42, false).test()).isEqualTo(a.test());
        assertThat(TrainTestSplit.of(labels, 0.4, 43, false).test()).isNotEqualTo(a.test());
        TrainTestSplit s = TrainTestSplit.of(labels, 0.4, 42, true);
        long positivesInTest = java.util.Arrays.stream(s.test()).filter(i -> labels[i] == 1).count();
        assertThat(positivesInTest).isEqualTo(12);
        assertThat(s.test().length + s.train().length).isEqualTo(101);
    }

    @Test
    void controlLabelsKeepTheLabelDistributionAndAreFixedPerImage() {
        int[] items = java.util.stream.IntStream.range(100, 300).toArray();
        int[] a = ControlTask.labels(items, 80, 42);
        assertThat(java.util.Arrays.stream(a).sum()).isEqualTo(80);
        assertThat(ControlTask.labels(items, 80, 42)).isEqualTo(a);
        assertThat(ControlTask.labels(items, 80, 7)).isNotEqualTo(a);
    }

    @Test
    void bfloat16RoundsHalfToEven() {
        // 1 + 2^-8 is halfway between bf16 neighbours 1 and 1 + 2^-7: ties go to the even one (1)
        assertThat(Precision.roundToBfloat16(1f + 0x1p-8f)).isEqualTo(1f);
        assertThat(Precision.roundToBfloat16(1f + 0x1p-7f + 0x1p-8f)).isEqualTo(1f + 0x1p-6f);
        assertThat(Precision.roundToBfloat16(1f + 0x1p-9f)).isEqualTo(1f);
        assertThat(Precision.roundToBfloat16(-3.0f)).isEqualTo(-3.0f);
    }
}
