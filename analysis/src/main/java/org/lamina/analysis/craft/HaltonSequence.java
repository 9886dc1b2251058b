package org.lamina.analysis.craft;

/**
 * The unscrambled Halton sequence (Halton 1960): coordinate j of point i is the radical inverse
 * of i in the j-th prime base. Index 0 comes first, so the first point is all zeros — the
 * sampler of the reference CRAFT ({@code scipy.stats.qmc.Halton(d, scramble=False)}), which the
 * spec's golden Sobol vectors assume (shared/specs/craft.md §Sobol).
 */
public final class HaltonSequence {

    private HaltonSequence() {
    }

    /** The first {@code count} points in dimension {@code dimension}, {@code [count][dimension]}. */
    public static double[][] points(int dimension, int count) {
        if (dimension < 1 || count < 1) {
            throw new IllegalArgumentException("Halton sequence needs dimension ≥ 1 and count ≥ 1, got "
                    + dimension + " and " + count);
        }
        int[] primes = primes(dimension);
        double[][] out = new double[count][dimension];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < dimension; j++) {
                out[i][j] = radicalInverse(i, primes[j]);
            }
        }
        return out;
    }

    /** Radical inverse of {@code index} in {@code base}: its digits mirrored behind the point. */
    static double radicalInverse(long index, int base) {
        double result = 0;
        double f = 1.0 / base;
        long i = index;
        while (i > 0) {
            result += f * (i % base);
            i /= base;
            f /= base;
        }
        return result;
    }

    /** The first {@code n} primes. */
    static int[] primes(int n) {
        int[] out = new int[n];
        int found = 0;
        for (int c = 2; found < n; c++) {
            boolean prime = true;
            for (int k = 0; k < found && out[k] * out[k] <= c; k++) {
                if (c % out[k] == 0) {
                    prime = false;
                    break;
                }
            }
            if (prime) {
                out[found++] = c;
            }
        }
        return out;
    }
}
