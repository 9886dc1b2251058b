package org.lamina.analysis.craft;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.lamina.analysis.model.ModelRuntime;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The paper-mode concept maps: implicit differentiation of the NNLS, checked by finite differences. */
class NnlsGradCamTest {

    private static final int C = 12;
    private static final int R = 4;

    private static RowMajorMatrix bank(Random rng) {
        float[] w = new float[R * C];
        for (int i = 0; i < w.length; i++) {
            w[i] = rng.nextFloat() < 0.3 ? 0 : rng.nextFloat();
        }
        return new RowMajorMatrix(R, C, w);
    }

    private static float[] encode(NDManager m, float[] a, RowMajorMatrix w, NmfSettings s) {
        return NonNegativeLeastSquares.encode(m, m.create(a, new Shape(1, C)), w, s).row(0);
    }

    @Test
    void jacobianMatchesFiniteDifferencesOfTheEncoding() {
        ModelRuntime.engine();
        Random rng = new Random(11);
        // Tight tolerance so that the encoding is the exact NNLS solution the KKT system describes.
        NmfSettings tight = new NmfSettings(1e-12, 20_000, 0, 0);
        try (NDManager m = NDManager.newBaseManager()) {
            for (double alphaW : new double[] {0, 0.05}) {
                NmfSettings s = tight.withAlphaW(alphaW);
                RowMajorMatrix w = bank(rng);
                // An activation made of two concepts plus a little of a third direction: some
                // coefficients active, at least one typically at zero.
                float[] a = new float[C];
                for (int k = 0; k < C; k++) {
                    a[k] = 0.8f * w.get(0, k) + 0.5f * w.get(2, k) + 0.05f * rng.nextFloat();
                }
                float[] u = encode(m, a, w, s);
                int[] active = NnlsGradCam.active(u);
                assertThat(active).isNotEmpty();
                double[][] j = NnlsGradCam.jacobian(active, w, C * alphaW);
                double eps = 1e-3;
                for (int k = 0; k < C; k++) {
                    float[] plus = a.clone();
                    float[] minus = a.clone();
                    plus[k] += (float) eps;
                    minus[k] -= (float) eps;
                    float[] up = encode(m, plus, w, s);
                    float[] um = encode(m, minus, w, s);
                    for (int q = 0; q < active.length; q++) {
                        double fd = (up[active[q]] - um[active[q]]) / (2 * eps);
                        assertThat(j[q][k]).as("∂u_%d/∂a_%d, alpha_W %s", active[q], k, alphaW)
                                .isCloseTo(fd, within(2e-3 + 2e-3 * Math.abs(fd)));
                    }
                }
            }
        }
    }

    @Test
    void mapSplitsTheImageCoefficientOverPositions() {
        // J·ā = û_S: the mean over positions of the map before its ReLU is the image's coefficient;
        // with non-negative per-position values (no ReLU clipping) the map's mean equals it.
        ModelRuntime.engine();
        Random rng = new Random(5);
        RowMajorMatrix w = bank(rng);
        int positions = 6;
        float[] maps = new float[positions * C];
        float[] mean = new float[C];
        for (int p = 0; p < positions; p++) {
            double f = 0.5 + p * 0.2; // each position a scaled copy of one concept mix
            for (int k = 0; k < C; k++) {
                maps[p * C + k] = (float) (f * (w.get(1, k) + 0.5 * w.get(3, k)));
                mean[k] += maps[p * C + k] / positions;
            }
        }
        NmfSettings tight = new NmfSettings(1e-12, 20_000, 0, 0);
        try (NDManager m = NDManager.newBaseManager()) {
            RowMajorMatrix codes = NonNegativeLeastSquares.encode(m, m.create(mean, new Shape(1, C)), w, tight);
            float[] map = NnlsGradCam.maps(maps, 1, positions, codes, w, 0)[0];
            for (int c = 0; c < R; c++) {
                double avg = 0;
                for (int p = 0; p < positions; p++) {
                    avg += map[p * R + c] / positions;
                }
                assertThat(avg).isCloseTo(codes.get(0, c), within(1e-4));
            }
            // Concept 1 dominates and grows with the position's scale.
            assertThat(map[5 * R + 1]).isGreaterThan(map[0 * R + 1]);
        }
    }
}
