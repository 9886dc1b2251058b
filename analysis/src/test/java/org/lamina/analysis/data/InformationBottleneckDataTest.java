package org.lamina.analysis.data;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The regenerated 12-bit set matches the original var_u.mat counts (spec infoplane.md). */
class InformationBottleneckDataTest {

    @Test
    void hasTheOriginalLabelBalance() {
        int[] y = InformationBottleneckData.labels();
        assertThat(y).hasSize(4096);
        int positives = 0;
        for (int v : y) {
            positives += v;
        }
        assertThat(positives).isEqualTo(2118);
        double p = positives / 4096.0;
        double entropy = -(p * Math.log(p) + (1 - p) * Math.log(1 - p)) / Math.log(2);
        assertThat(entropy).isCloseTo(0.99916, within(5e-6));
    }

    @Test
    void rowIIsIWrittenMostSignificantBitFirst() {
        float[] x = InformationBottleneckData.inputs();
        assertThat(x).hasSize(4096 * 12);
        // 2048 = 1 followed by eleven zeros; 1 = eleven zeros then 1
        assertThat(x[2048 * 12]).isEqualTo(1f);
        assertThat(x[2048 * 12 + 11]).isEqualTo(0f);
        assertThat(x[12 + 11]).isEqualTo(1f);
        assertThat(x[12]).isEqualTo(0f);
    }
}
