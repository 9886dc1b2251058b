package org.lamina.analysis.craft;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The exact sampler and estimator of shared/specs/craft.md §Sobol, against its golden vectors. */
class CraftSobolTest {

    @Test
    void haltonStartsAtIndexZeroUnscrambled() {
        double[][] h = HaltonSequence.points(6, 3);
        assertThat(h[0]).containsOnly(0.0);
        assertThat(h[1]).containsExactly(new double[] {0.5, 1 / 3.0, 0.2, 1 / 7.0, 1 / 11.0, 1 / 13.0}, within(1e-12));
        assertThat(h[2][0]).isEqualTo(0.25);
        assertThat(h[2][1]).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(h[2][2]).isCloseTo(0.4, within(1e-12));
    }

    @Test
    void masksHaveTheSpecsLayout() {
        SobolMasks m = SobolMasks.of(3, 32);
        assertThat(m.rows()).hasNumberOfRows(32 * 5);
        assertThat(m.rows()[1]).containsExactly(new double[] {0.5, 1 / 3.0, 0.2}, within(1e-12));
        // C⁽²⁾ row 1 = A row 1 with column 2 (index 1) from B row 1 (Halton coordinate 5, base 13).
        assertThat(m.rows()[m.cStart(1) + 1]).containsExactly(new double[] {0.5, 1 / 11.0, 0.2}, within(1e-12));
        assertThat(m.withoutB().rows()).hasNumberOfRows(32 * 4);
    }

    @Test
    void linearModelMatchesGoldenVector() {
        SobolMasks m = SobolMasks.of(3, 32);
        double[] y = evaluate(m, r -> r[0] + 2 * r[1] + 3 * r[2]);
        assertThat(JansenEstimator.totalIndices(m, y))
                .containsExactly(new double[] {0.06078, 0.27420, 0.55235}, within(5e-5));
    }

    @Test
    void interactionModelMatchesGoldenVector() {
        SobolMasks m = SobolMasks.of(3, 32);
        double[] y = evaluate(m, r -> r[0] * r[1] + r[2]);
        assertThat(JansenEstimator.totalIndices(m, y))
                .containsExactly(new double[] {0.16723, 0.24242, 0.58171}, within(5e-5));
    }

    @Test
    void skippingBGivesIdenticalIndices() {
        SobolMasks m = SobolMasks.of(4, 16);
        java.util.function.ToDoubleFunction<double[]> f = r -> Math.sin(3 * r[0]) + r[1] * r[3] + r[2] * r[2];
        assertThat(JansenEstimator.totalIndices(m.withoutB(), evaluate(m.withoutB(), f)))
                .containsExactly(JansenEstimator.totalIndices(m, evaluate(m, f)), within(1e-15));
    }

    @Test
    void constantModelGivesZerosNotNaN() {
        SobolMasks m = SobolMasks.of(2, 8);
        assertThat(JansenEstimator.totalIndices(m, evaluate(m, r -> 4.0))).containsOnly(0.0);
    }

    private static double[] evaluate(SobolMasks m, java.util.function.ToDoubleFunction<double[]> f) {
        double[] y = new double[m.rows().length];
        for (int i = 0; i < y.length; i++) {
            y[i] = f.applyAsDouble(m.rows()[i]);
        }
        return y;
    }
}
