package org.lamina.analysis.featurestore;

import java.util.Arrays;
import java.util.List;

/**
 * The rows of a run of items, as one store part holds them: for every item its data-set index,
 * label and source, and per probe point its feature vector.
 *
 * @param items      data-set indices, strictly ascending
 * @param labels     label of each item ({@link #NO_LABEL} when the data set has none)
 * @param sources    where each item came from (a file, or {@code file#index}), for people and joins
 * @param dimensions per point, the length of one item's vector
 * @param values     per point, {@code items.length × dimension} row-major float32
 */
public record FeatureChunk(int[] items, int[] labels, String[] sources, int[] dimensions, List<float[]> values) {

    /** Label of an item that has none (a text file without labels). */
    public static final int NO_LABEL = -1;

    public FeatureChunk {
        if (labels.length != items.length || sources.length != items.length) {
            throw new IllegalArgumentException("chunk of " + items.length + " items has " + labels.length
                    + " labels and " + sources.length + " sources");
        }
        if (values.size() != dimensions.length) {
            throw new IllegalArgumentException(values.size() + " value arrays for " + dimensions.length + " points");
        }
        for (int p = 0; p < dimensions.length; p++) {
            if ((long) items.length * dimensions[p] != values.get(p).length) {
                throw new IllegalArgumentException("point " + p + ": " + values.get(p).length + " values for "
                        + items.length + " items of dimension " + dimensions[p]);
            }
        }
        for (int i = 1; i < items.length; i++) {
            if (items[i] <= items[i - 1]) {
                throw new IllegalArgumentException("chunk items must be strictly ascending: " + items[i - 1]
                        + " then " + items[i]);
            }
        }
        values = List.copyOf(values);
    }

    /** Number of rows. */
    public int size() {
        return items.length;
    }

    /** Row {@code row}'s vector at point {@code p} (a copy). */
    public float[] vector(int p, int row) {
        int d = dimensions[p];
        return Arrays.copyOfRange(values.get(p), row * d, (row + 1) * d);
    }
}
