package org.lamina.analysis.conceptdepth;

import java.util.Arrays;

/**
 * One binary concept over a data set: which samples take part and their 0/1 labels.
 *
 * @param name        short name, used in file names ({@code features-<name>.npz})
 * @param description what label 1 means, for people
 * @param items       indices into the concept set's data set, ascending, no duplicates
 * @param labels      0/1 label per item
 */
public record Concept(String name, String description, int[] items, int[] labels) {

    /** The fewest examples per class a probe is fitted on (a 60/40 split leaves ≥ 4 per class to test). */
    public static final int MIN_PER_CLASS = 10;

    public Concept {
        if (items.length != labels.length) {
            throw new IllegalArgumentException("concept '" + name + "': " + items.length + " items but "
                    + labels.length + " labels");
        }
        items = items.clone();
        labels = labels.clone();
    }

    /** Number of items with label 1. */
    public int positives() {
        return (int) Arrays.stream(labels).filter(l -> l == 1).count();
    }

    /** Number of items with label 0. */
    public int negatives() {
        return labels.length - positives();
    }

    /**
     * Checks that a probe can be fitted: both classes present, at least {@link #MIN_PER_CLASS}
     * examples of each. {@code source} names the file or rule the concept came from.
     */
    public void validate(String source) {
        int pos = positives();
        int neg = negatives();
        if (pos == 0 || neg == 0) {
            throw new ConceptSetException(source + ": concept '" + name + "': the label column has a single class ("
                    + labels.length + " rows, all " + (pos == 0 ? "0" : "1") + "); a probe needs examples of both 0 and 1");
        }
        if (pos < MIN_PER_CLASS || neg < MIN_PER_CLASS) {
            throw new ConceptSetException(source + ": concept '" + name + "': " + pos + " examples of label 1 and " + neg
                    + " of label 0; a probe needs at least " + MIN_PER_CLASS + " of each");
        }
    }

    @Override
    public int[] items() {
        return items.clone();
    }

    @Override
    public int[] labels() {
        return labels.clone();
    }
}
