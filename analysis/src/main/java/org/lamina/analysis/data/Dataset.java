package org.lamina.analysis.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/**
 * A labelled data set: samples as unit-range floats ({@code [0, 1]} for images) and integer
 * labels. A model's normalisation is applied when a batch is made, so one data set serves several
 * models. A set may hold its samples in memory (IDX files, a few KB each) or decode them when asked
 * ({@link ImageFolderDataset}): whole passes go through {@link BatchPrefetch} or {@link #batch}, so
 * that no pass holds more than a few batches of decoded samples.
 */
public interface Dataset {

    /** Short name for provenance, e.g. {@code sample:fashion-test}. */
    String name();

    /** Number of samples. */
    int size();

    /** Shape of one sample, e.g. {@code [1, 28, 28]}. */
    long[] sampleShape();

    /** Label of sample i (0-based class index). */
    int label(int i);

    /** Class names (index = label). */
    List<String> classNames();

    /**
     * How the labels were assigned, recorded in every output that uses them:
     * {@code by-index} (the file stores class indices, as an IDX label file does), or for an
     * image folder {@code by-name}, {@code by-index} or {@code file:map.csv}
     * (see {@link ClassFolderMapping}).
     */
    default String labelMapping() {
        return ClassFolderMapping.BY_INDEX;
    }

    /** Sample i's values, row-major, unit range. Callers that change them must copy them first. */
    float[] sample(int i);

    /**
     * Sample i's values for a pass over many samples: as {@link #sample}, but a set that decodes
     * lazily neither keeps nor looks up a copy. Callers that change them must copy them first.
     */
    default float[] decode(int i) {
        return sample(i);
    }

    /**
     * Writes sample i's values into {@code out} from {@code offset} (a batch's buffer); a set that
     * decodes files writes them there directly instead of allocating an array per sample.
     */
    default void decodeInto(int i, float[] out, int offset) {
        float[] s = decode(i);
        long size = 1;
        for (long d : sampleShape()) {
            size *= d;
        }
        if (s.length != size) {
            throw new DataException("data set '" + name() + "', " + describeItem(i) + " has " + s.length
                    + " values, expected " + size);
        }
        System.arraycopy(s, 0, out, offset, s.length);
    }

    /** Sample i as errors name it: {@code item 12}, or for a file-backed set the file too. */
    default String describeItem(int i) {
        return "item " + i;
    }

    /**
     * SHA-256 (hex) of what this set holds: its samples, labels, class names and sample shape,
     * never its name ({@link DatasetIdentity}). Caches key on it, so two sets with the same name
     * and size are different entries and a set edited in place is a new one. The default hashes
     * the decoded samples; sets read from files hash their files' content instead and remember
     * the identity.
     */
    default String contentIdentity() {
        return DatasetIdentity.ofSamples(this);
    }

    /** All labels. */
    default int[] labels() {
        int[] out = new int[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = label(i);
        }
        return out;
    }

    /**
     * Samples {@code [from, to)} as one tensor {@code [to - from, *sampleShape]}, normalised per
     * channel as {@code (x - mean[c]) / std[c]} (pass mean 0 and std 1 for raw values).
     */
    default NDArray batch(NDManager manager, int from, int to, float[] mean, float[] std) {
        if (from < 0 || to > size() || from >= to) {
            throw new IllegalArgumentException("batch [" + from + ", " + to + ") outside data set '" + name()
                    + "' of " + size() + " samples");
        }
        long[] shape = sampleShape();
        int channels = shape.length == 3 ? (int) shape[0] : 1;
        int size = 1;
        for (long d : shape) {
            size *= (int) d;
        }
        float[] values = new float[(to - from) * size];
        int plane = size / channels;
        for (int i = from; i < to; i++) {
            int at = (i - from) * size;
            decodeInto(i, values, at);
            for (int c = 0; c < channels; c++) {
                float m = mean[mean.length == 1 ? 0 : c];
                float sd = std[std.length == 1 ? 0 : c];
                for (int k = at + c * plane; k < at + (c + 1) * plane; k++) {
                    values[k] = (values[k] - m) / sd;
                }
            }
        }
        long[] full = new long[shape.length + 1];
        full[0] = to - from;
        System.arraycopy(shape, 0, full, 1, shape.length);
        return manager.create(values, new Shape(full));
    }
}
