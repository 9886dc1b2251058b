package org.lamina.analysis.conceptdepth;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

/**
 * The in-place two-loop recursion against the dense inverse-Hessian update it stands for
 * (Nocedal &amp; Wright eq. 7.19: H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ from H₀ = γ I, γ of the
 * newest pair), built here from the same pairs as an independent computation.
 */
class LbfgsMemoryTest {

    @Test
    void directionIsMinusTheDenseBfgsInverseTimesTheGradient() {
        Random rnd = new Random(11);
        int n = 7;
        LbfgsMemory memory = new LbfgsMemory(n);
        List<double[][]> kept = new ArrayList<>();
        double[] g = gaussian(rnd, n);
        assertThat(memory.direction(g)).containsExactly(negated(g));
        // 13 pairs: the ring wraps, so only the last 10 may count.
        for (int p = 0; p < 13; p++) {
            double[] s = gaussian(rnd, n);
            double[] y = s.clone();
            for (int k = 0; k < n; k++) {
                y[k] = (1 + k) * s[k] + 0.1 * rnd.nextGaussian(); // sᵀy > 0, as for a convex objective
            }
            assertThat(memory.offer(s, y)).isTrue();
            kept.add(new double[][] {s.clone(), y.clone()});
            s[0] = 1e9; // the memory keeps copies
        }
        List<double[][]> last = kept.subList(kept.size() - LbfgsMemory.CAPACITY, kept.size());
        double[] want = times(denseInverse(last, n), g);
        double[] got = memory.direction(g);
        for (int k = 0; k < n; k++) {
            assertThat(got[k]).as("direction[%d]", k).isCloseTo(-want[k], offset(1e-10 * (1 + Math.abs(want[k]))));
        }
    }

    @Test
    void pairsWithoutPositiveCurvatureAreRefusedAndClearForgets() {
        LbfgsMemory memory = new LbfgsMemory(2);
        assertThat(memory.offer(new double[] {1, 0}, new double[] {-1, 0})).isFalse();
        assertThat(memory.offer(new double[] {1, 0}, new double[] {0, 0})).isFalse();
        assertThat(memory.isEmpty()).isTrue();
        assertThat(memory.offer(new double[] {1, 0}, new double[] {2, 0})).isTrue();
        assertThat(memory.direction(new double[] {4, 6})).containsExactly(-2, -3); // γ = sᵀy / yᵀy = 1/2
        memory.clear();
        assertThat(memory.direction(new double[] {4, 6})).containsExactly(-4, -6);
    }

    private static double[][] denseInverse(List<double[][]> pairs, int n) {
        double[][] newest = pairs.get(pairs.size() - 1);
        double gamma = dot(newest[0], newest[1]) / dot(newest[1], newest[1]);
        double[][] h = new double[n][n];
        for (int i = 0; i < n; i++) {
            h[i][i] = gamma;
        }
        for (double[][] p : pairs) {
            double[] s = p[0];
            double[] y = p[1];
            double rho = 1 / dot(s, y);
            double[][] v = new double[n][n]; // V = I − ρ y sᵀ
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    v[i][j] = (i == j ? 1 : 0) - rho * y[i] * s[j];
                }
            }
            double[][] next = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int a = 0; a < n; a++) {
                        for (int b = 0; b < n; b++) {
                            sum += v[a][i] * h[a][b] * v[b][j];
                        }
                    }
                    next[i][j] = sum + rho * s[i] * s[j];
                }
            }
            h = next;
        }
        return h;
    }

    private static double[] times(double[][] m, double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = dot(m[i], v);
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double[] gaussian(Random rnd, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = rnd.nextGaussian();
        }
        return out;
    }

    private static double[] negated(double[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = -a[i];
        }
        return out;
    }
}
