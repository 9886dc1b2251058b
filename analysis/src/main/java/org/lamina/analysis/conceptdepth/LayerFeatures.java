package org.lamina.analysis.conceptdepth;

import java.util.List;

/**
 * Pooled representations of a set of samples at several probe points of one model.
 *
 * @param model      model name
 * @param points     probe points, forward order
 * @param dimensions feature dimension per point
 * @param items      data-set indices of the rows, ascending
 * @param values     per point, {@code items.length × dimension} row-major float32
 * @param seconds    extraction wall time
 */
public record LayerFeatures(String model, List<String> points, int[] dimensions, int[] items, List<float[]> values,
                            double seconds) {

    /** Row of data-set index {@code item}, or −1. */
    public int row(int item) {
        return java.util.Arrays.binarySearch(items, item);
    }

    /** Rows {@code rows} of point {@code p}'s features, row-major. */
    public float[] gather(int p, int[] rows) {
        int d = dimensions[p];
        float[] src = values.get(p);
        float[] out = new float[rows.length * d];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(src, rows[r] * d, out, r * d, d);
        }
        return out;
    }
}
