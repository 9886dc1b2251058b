package org.lamina.analysis.chmcorr;

import java.util.List;

/**
 * Pooled (spatial-mean) features of every gallery image at the model's last spatial feature map,
 * L2-normalised so that a dot product is the cosine (spec step 1), with the labels and the key
 * the on-disk cache checks ({@link GalleryIndexCache}).
 *
 * @param modelSha256 SHA-256 of the weights the features came from
 * @param dataset     the gallery data set reference, e.g. {@code sample:fashion-train}
 * @param point       the probe point pooled
 * @param dimension   feature dimension (the point's channels)
 * @param features    {@code [size × dimension]} row-major, unit length (zero rows stay zero)
 * @param labels      label per image
 * @param classNames  class names (index = label)
 */
public record GalleryIndex(String modelSha256, String dataset, String point, int dimension, float[] features,
                           int[] labels, List<String> classNames) {

    public GalleryIndex {
        if (dimension < 1 || features.length != (long) labels.length * dimension) {
            throw new IllegalArgumentException("gallery index: " + features.length + " feature values for "
                    + labels.length + " images of dimension " + dimension);
        }
        classNames = List.copyOf(classNames);
    }

    public int size() {
        return labels.length;
    }

    /** Normalises rows in place to unit length; returns the array. */
    static float[] normaliseRows(float[] rows, int dimension) {
        for (int o = 0; o < rows.length; o += dimension) {
            double s = 0;
            for (int c = 0; c < dimension; c++) {
                s += (double) rows[o + c] * rows[o + c];
            }
            if (s > 0) {
                float inv = (float) (1 / Math.sqrt(s));
                for (int c = 0; c < dimension; c++) {
                    rows[o + c] *= inv;
                }
            }
        }
        return rows;
    }
}
