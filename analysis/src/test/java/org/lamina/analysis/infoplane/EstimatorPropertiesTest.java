package org.lamina.analysis.infoplane;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import org.lamina.analysis.data.InformationBottleneckData;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Ceilings I(X;T) ≤ 12 and I(T;Y) ≤ H(Y), and invariance of binning to permuting units. */
class EstimatorPropertiesTest {

    private static final int[] LABELS = InformationBottleneckData.labels();
    private static final double HY = MutualInformationEstimator.labelEntropy(LABELS);

    /** Activations of the 4,096 inputs: random layers of 1–6 units at random scales. */
    private static float[] activations(long seed, int d, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] t = new float[4096 * d];
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) (scale * r.nextGaussian());
        }
        return t;
    }

    @Provide
    Arbitrary<MutualInformationEstimator> binners() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(2, 200).map(BinningEstimator::byCount),
                Arbitraries.doubles().between(1e-4, 5).ofScale(4).map(BinningEstimator::bySize));
    }

    @Property(tries = 60)
    void binningStaysUnderTheCeilings(@ForAll("binners") MutualInformationEstimator estimator,
                                      @ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int d,
                                      @ForAll @IntRange(min = 0, max = 40) int scaleTenths) {
        InformationEstimate e = estimator.estimate(activations(seed, d, scaleTenths / 10.0), 4096, d, LABELS);
        assertThat(e.ixt()).isBetween(0.0, 12.0 + 1e-12);
        assertThat(e.ity()).isBetween(0.0, HY + 1e-12).isLessThanOrEqualTo(e.ixt() + 1e-12);
    }

    @Property(tries = 4)
    void kdeStaysUnderTheCeilings(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5) int d,
                                  @ForAll @IntRange(min = 0, max = 20) int scaleTenths) {
        InformationEstimate e = new KdeEstimator(1e-3).estimate(activations(seed, d, scaleTenths / 10.0), 4096, d, LABELS);
        assertThat(e.ixt()).isBetween(0.0, 12.0);
        assertThat(e.ixtLower()).isBetween(0.0, e.ixt() + 1e-9);
        assertThat(e.ity()).isBetween(0.0, HY);
    }

    @Property(tries = 40)
    void binningIsInvariantToPermutingUnits(@ForAll("binners") MutualInformationEstimator estimator,
                                            @ForAll long seed, @ForAll @IntRange(min = 2, max = 8) int d) {
        float[] t = activations(seed, d, 0.7);
        int[] perm = new int[d];
        for (int j = 0; j < d; j++) {
            perm[j] = j;
        }
        SplitMode.shuffle(perm, new SplittableRandom(seed + 1));
        float[] permuted = new float[t.length];
        for (int i = 0; i < 4096; i++) {
            for (int j = 0; j < d; j++) {
                permuted[i * d + j] = t[i * d + perm[j]];
            }
        }
        InformationEstimate a = estimator.estimate(t, 4096, d, LABELS);
        InformationEstimate b = estimator.estimate(permuted, 4096, d, LABELS);
        assertThat(b.ixt()).isCloseTo(a.ixt(), within(1e-12));
        assertThat(b.ity()).isCloseTo(a.ity(), within(1e-12));
    }
}
