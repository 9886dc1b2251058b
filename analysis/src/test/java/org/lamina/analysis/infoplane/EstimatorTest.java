package org.lamina.analysis.infoplane;

import org.junit.jupiter.api.Test;
import org.lamina.analysis.data.InformationBottleneckData;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Estimators against closed forms (issue #6, "Correctness tests"). */
class EstimatorTest {

    private static final double LOG2 = Math.log(2);

    /** A discrete T with p = 1/2, 1/4, 1/8, 1/8 in four different cells: H = 1.75 bits. */
    @Test
    void binningGivesTheEntropyOfADiscreteVariable() {
        int n = 4096;
        float[] t = new float[n];
        int[] y = new int[n];
        float[] values = {-0.9f, -0.3f, 0.3f, 0.9f};
        for (int i = 0; i < n; i++) {
            int v = i < n / 2 ? 0 : i < 3 * n / 4 ? 1 : i < 7 * n / 8 ? 2 : 3;
            t[i] = values[v];
            y[i] = v >= 2 ? 1 : 0; // Y is a function of T: I(T;Y) = H(Y) = H(3/4, 1/4)
        }
        double hy = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)) / LOG2;
        InformationEstimate e = BinningEstimator.byCount(30).estimate(t, n, 1, y);
        assertThat(e.ixt()).isCloseTo(1.75, within(1e-12));
        assertThat(e.ity()).isCloseTo(hy, within(1e-12));
        InformationEstimate s = BinningEstimator.bySize(0.07).estimate(t, n, 1, y);
        assertThat(s.ixt()).isCloseTo(1.75, within(1e-12));
        assertThat(s.ity()).isCloseTo(hy, within(1e-12));
    }

    @Test
    void binningByCountClampsOutOfRangeValuesToTheEndCells() {
        BinningEstimator b = BinningEstimator.byCount(30, CountBinning.CLAMP);
        // −5 and −1 share the first cell; 1 and 7 share the last (29 cells of width 2/29)
        assertThat(b.cells(new float[] {-5f, -1f, -0.99f, 0.999f, 1f, 7f})).containsExactly(0, 0, 0, 28, 28, 28);
        // bins = 2: a single cell on [−1, 1], so H(T) = 0
        float[] t = {-0.5f, 0.5f, 3f, -3f};
        assertThat(BinningEstimator.byCount(2, CountBinning.CLAMP).estimate(t, 4, 1, new int[] {0, 1, 0, 1}).ixt()).isZero();
    }

    @Test
    void binningBySizeIsUnbounded() {
        BinningEstimator b = BinningEstimator.bySize(0.07);
        assertThat(b.cells(new float[] {0f, 0.069f, 0.0701f, -0.01f, 70.035f})).containsExactly(0, 0, 1, -1, 1000);
    }

    @Test
    void theUntrainedInputLayerOfTheTwelveBitTaskCarriesAllTwelveBits() {
        float[] x = InformationBottleneckData.inputs();
        int[] y = InformationBottleneckData.labels();
        // the raw inputs as T: 4,096 distinct rows, so H(T) = 12 and I(T;Y) = H(Y)
        float[] t = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            t[i] = 2 * x[i] - 1;
        }
        InformationEstimate e = BinningEstimator.byCount(30).estimate(t, 4096, 12, y);
        assertThat(e.ixt()).isCloseTo(12, within(1e-12));
        assertThat(e.ity()).isCloseTo(0.99916, within(5e-6));
    }

    @Test
    void wideLayersFallBackToExactRowInterning() {
        // 30 units × 29 cells do not fit a 63-bit key; the estimate must stay exact
        int n = 512;
        int d = 30;
        float[] t = new float[n * d];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            float v = i % 8 * 0.25f - 0.9f; // eight distinct rows, each 64 times
            for (int j = 0; j < d; j++) {
                t[i * d + j] = j % 2 == 0 ? v : -v;
            }
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(2);
        }
        assertThat(BinningEstimator.byCount(30).estimate(t, n, d, y).ixt()).isCloseTo(3, within(1e-12));
    }

    /**
     * X ~ N(0, s²) and T = X + N(0, σ²): jointly Gaussian with ρ² = s²/(s²+σ²), so
     * I = ½ log₂(1/(1−ρ²)) = ½ log₂(1 + s²/σ²). The KDE bounds bracket it.
     */
    @Test
    void kdeBoundsBracketTheMutualInformationOfCorrelatedGaussians() {
        int n = 2000;
        double noise = 0.01;
        double s2 = 0.03; // ρ² = 0.75, I = 1 bit
        double rho2 = s2 / (s2 + noise);
        double exact = 0.5 * Math.log(1 / (1 - rho2)) / LOG2;
        SplittableRandom r = new SplittableRandom(7);
        float[] t = new float[n];
        for (int i = 0; i < n; i++) {
            t[i] = (float) (Math.sqrt(s2) * r.nextGaussian());
        }
        InformationEstimate e = new KdeEstimator(noise).estimate(t, n, 1, new int[n]);
        // measured: lower 0.71, upper 1.53 bits — the pairwise-distance bounds are loosest at this
        // intermediate overlap (Kolchinsky & Tracey 2017, fig. 1)
        assertThat(e.ixtLower()).isLessThanOrEqualTo(exact);
        assertThat(e.ixt()).isGreaterThanOrEqualTo(exact);
        assertThat(e.ixt() - e.ixtLower()).isLessThan(1.0);
        assertThat(e.ity()).isZero(); // one class: nothing about Y
    }

    @Test
    void kdeJavaLoopAndTensorOpsAgree() {
        int n = 500;
        int d = 3;
        float[] t = new float[n * d];
        int[] y = new int[n];
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < t.length; i++) {
            t[i] = (float) (0.05 * r.nextGaussian());
        }
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(3);
        }
        InformationEstimate java = new KdeEstimator(1e-3, KdeEstimator.Backend.JAVA).estimate(t, n, d, y);
        InformationEstimate tensor = new KdeEstimator(1e-3, KdeEstimator.Backend.TENSOR).estimate(t, n, d, y);
        assertThat(java.ixt()).isCloseTo(tensor.ixt(), within(1e-4));
        assertThat(java.ixtLower()).isCloseTo(tensor.ixtLower(), within(1e-4));
        assertThat(java.ity()).isCloseTo(tensor.ity(), within(1e-4));
    }

    /** Well-separated points (spacing ≫ σ): both KDE bounds reach log₂ N. */
    @Test
    void kdeBoundsMeetAtLogNForSeparatedPoints() {
        int n = 64;
        float[] t = new float[n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = i;
            y[i] = i % 2;
        }
        InformationEstimate e = new KdeEstimator(1e-3).estimate(t, n, 1, y);
        assertThat(e.ixt()).isCloseTo(6, within(1e-6));
        assertThat(e.ixtLower()).isCloseTo(6, within(1e-6));
        assertThat(e.ity()).isCloseTo(1, within(1e-6));
    }

    /** KSG is nearly unbiased on Gaussians; its spread at N = 2,000 is ≈ 0.03 bits, so average 10 samples. */
    @Test
    void ksgMatchesTheAnalyticMutualInformationOfCorrelatedGaussians() {
        for (double rho : new double[] {0.6, 0.9}) {
            int n = 2000;
            int samples = 10;
            SplittableRandom r = new SplittableRandom(11);
            double mean = 0;
            for (int s = 0; s < samples; s++) {
                double[][] a = new double[n][1];
                double[][] b = new double[n][1];
                for (int i = 0; i < n; i++) {
                    double u = r.nextGaussian();
                    a[i][0] = u;
                    b[i][0] = rho * u + Math.sqrt(1 - rho * rho) * r.nextGaussian();
                }
                mean += KsgEstimator.mutualInformation(a, b, 3) / LOG2 / samples;
            }
            double exact = 0.5 * Math.log(1 / (1 - rho * rho)) / LOG2;
            assertThat(mean).as("ρ = %s", rho).isCloseTo(exact, within(0.05 * exact));
        }
    }

    @Test
    void ksgOnALayerSeesLabelsThatAreAFunctionOfIt() {
        int n = 1000;
        float[] t = new float[n];
        int[] y = new int[n];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(2);
            t[i] = y[i] == 1 ? 0.8f + 0.05f * (float) r.nextGaussian() : -0.8f + 0.05f * (float) r.nextGaussian();
        }
        InformationEstimate e = new KsgEstimator(3, 1e-3, 1).estimate(t, n, 1, y);
        assertThat(e.ity()).isCloseTo(MutualInformationEstimator.labelEntropy(y), within(0.05));
        // T̃ ≈ N(±0.8, 0.05² + σ²): I(X;T̃) = h(T̃) − ½log(2πeσ²) ≈ 1 + ½log₂(1 + 0.0025/0.001) ≈ 1.9 bits
        assertThat(e.ixt()).isCloseTo(1 + 0.5 * Math.log(3.5) / LOG2, within(0.2));
    }

    @Test
    void digammaMatchesKnownValues() {
        double gamma = 0.5772156649015329;
        assertThat(KsgEstimator.digamma(1)).isCloseTo(-gamma, within(1e-10));
        assertThat(KsgEstimator.digamma(4)).isCloseTo(1 + 0.5 + 1.0 / 3 - gamma, within(1e-10));
    }

    @Test
    void badParametersAreRejectedWithClearMessages() {
        assertThatThrownBy(() -> BinningEstimator.byCount(1)).hasMessageContaining("bins must be at least 2");
        assertThatThrownBy(() -> BinningEstimator.bySize(0)).hasMessageContaining("bin size must be a positive");
        assertThatThrownBy(() -> new KdeEstimator(0)).hasMessageContaining("noise variance must be positive");
        assertThatThrownBy(() -> new KdeEstimator(-1e-3)).hasMessageContaining("noise variance must be positive");
        assertThatThrownBy(() -> BinningEstimator.byCount(30).estimate(new float[] {Float.NaN}, 1, 1, new int[] {0}))
                .isInstanceOf(TrainingDivergedException.class).hasMessageContaining("NaN");
    }
}
