package org.lamina.analysis.conceptdepth;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Control task of Hewitt &amp; Liang (2019, "Designing and Interpreting Probes with Control
 * Tasks"): every input gets a random label that is fixed per input (here per image index, from a
 * seeded hash, so the same image keeps its control label whatever concept or batch it appears
 * in), with the task's label distribution. Selectivity = task accuracy − control accuracy.
 */
public final class ControlTask {

    private ControlTask() {
    }

    /**
     * Control labels for {@code items}: the {@code positives} items with the smallest per-image
     * random key get label 1, so the label distribution matches the task's.
     */
    public static int[] labels(int[] items, int positives, long seed) {
        Integer[] order = IntStream.range(0, items.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingLong(k -> key(seed, items[k])));
        int[] out = new int[items.length];
        for (int r = 0; r < positives; r++) {
            out[order[r]] = 1;
        }
        return out;
    }

    /** SplitMix64 of (seed, item): a fixed pseudo-random key per image. */
    static long key(long seed, int item) {
        long z = seed * 0x9E3779B97F4A7C15L + item + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
