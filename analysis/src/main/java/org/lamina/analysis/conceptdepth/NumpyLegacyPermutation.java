package org.lamina.analysis.conceptdepth;

/**
 * The permutation NumPy's legacy {@code np.random.RandomState(seed).permutation(n)} returns,
 * bit for bit: MT19937 seeded with {@code init_genrand(seed)} (NumPy's {@code mt19937_seed}),
 * then a Fisher–Yates shuffle of {@code 0 … n−1} from the last position down, each swap index
 * drawn by {@code random_interval(i)} (masked rejection on 32-bit outputs). scikit-learn's
 * {@code train_test_split(…, random_state=42)} takes its split from this permutation
 * ({@code ShuffleSplit}), which is how the Concept-Depth reference (Luckfort/CD) splits; see
 * {@link TrainTestSplit#reference}. Golden permutations from NumPy are in the tests.
 */
final class NumpyLegacyPermutation {

    private static final int N = 624;
    private static final int M = 397;

    private final int[] mt = new int[N];
    private int pos;

    /** @param seed 0 … 2³²−1, as NumPy accepts for an integer seed */
    NumpyLegacyPermutation(long seed) {
        if (seed < 0 || seed > 0xffffffffL) {
            throw new IllegalArgumentException("a NumPy seed must be in 0 … 4294967295, got " + seed);
        }
        mt[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }
        pos = N;
    }

    /** {@code np.random.RandomState(seed).permutation(n)}. */
    static int[] permutation(long seed, int n) {
        NumpyLegacyPermutation rng = new NumpyLegacyPermutation(seed);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = (int) rng.interval(i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /** A uniform integer in {@code 0 … max} (NumPy's {@code random_interval}, 32-bit branch). */
    long interval(long max) {
        if (max == 0) {
            return 0;
        }
        long mask = max;
        mask |= mask >>> 1;
        mask |= mask >>> 2;
        mask |= mask >>> 4;
        mask |= mask >>> 8;
        mask |= mask >>> 16;
        long value;
        do {
            value = (next() & 0xffffffffL) & mask;
        } while (value > max);
        return value;
    }

    /** MT19937 {@code genrand_int32}. */
    int next() {
        if (pos >= N) {
            for (int k = 0; k < N; k++) {
                int y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
                mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            }
            pos = 0;
        }
        int y = mt[pos++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }
}
