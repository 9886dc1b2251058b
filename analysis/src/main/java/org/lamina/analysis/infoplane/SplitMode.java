package org.lamina.analysis.infoplane;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How the 4,096 patterns split into training and test rows. {@link #CONTIGUOUS}: the first
 * {@code fraction} of rows train (IDNNs: 3,277 of 4,096 at 80 %, no shuffle). {@link #SHUFFLED}:
 * a seeded shuffle first (Saxe et al.). MI is always measured on all rows.
 */
public enum SplitMode {
    CONTIGUOUS,
    SHUFFLED;

    /** Parses {@code contiguous|shuffled}. */
    public static SplitMode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("split must be contiguous or shuffled, got '" + s + "'");
        }
    }

    /**
     * Row order: the first {@code trainCount(n, fraction)} entries are the training rows, the rest test.
     */
    public int[] order(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (this == SHUFFLED) {
            shuffle(order, new SplittableRandom(seed));
        }
        return order;
    }

    /** Training rows for a fraction in (0, 1]: {@code round(n · fraction)}, at least 1 (IDNNs: 3,277 at 0.8). */
    public static int trainCount(int n, double fraction) {
        return Math.max(1, Math.min(n, (int) Math.round(n * fraction)));
    }

    static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
