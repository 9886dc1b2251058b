package org.lamina.analysis.data;

import java.nio.file.Path;
import java.util.List;

/** Images and labels from a pair of IDX files (MNIST layout). */
public final class IdxDataset implements Dataset {

    private final String name;
    private final IdxFile images;
    private final int[] labels;
    private final List<String> classNames;
    private volatile String contentIdentity;

    private IdxDataset(String name, IdxFile images, int[] labels, List<String> classNames) {
        this.name = name;
        this.images = images;
        this.labels = labels;
        this.classNames = classNames;
    }

    /**
     * Reads an image file {@code [n, H, W]} and a label file {@code [n]}; checks that the counts
     * match and that every label names a class.
     */
    public static IdxDataset read(String name, Path imageFile, Path labelFile, List<String> classNames) {
        IdxFile images = IdxFile.read(imageFile);
        if (images.dims().length != 3) {
            throw new DataException(imageFile + ": expected IDX images [n, height, width], got "
                    + java.util.Arrays.toString(images.dims()));
        }
        int[] labels = IdxFile.read(labelFile).labels();
        if (labels.length != images.count()) {
            throw new DataException(labelFile + ": " + labels.length + " labels for " + images.count()
                    + " images in " + imageFile.getFileName() + " (the counts must match)");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= classNames.size()) {
                throw new DataException(labelFile + ": label " + labels[i] + " of item " + i + " is not one of the "
                        + classNames.size() + " classes");
            }
        }
        return new IdxDataset(name, images, labels, List.copyOf(classNames));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public long[] sampleShape() {
        return new long[] {1, images.dims()[1], images.dims()[2]};
    }

    @Override
    public int label(int i) {
        return labels[i];
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public float[] sample(int i) {
        return images.itemAsUnitFloats(i);
    }

    /** The IDX images' decoded bytes and dimensions with the labels (gzipped or not, the same set). */
    @Override
    public String contentIdentity() {
        if (contentIdentity == null) {
            contentIdentity = DatasetIdentity.ofBytes(this, images.dims(), images.data());
        }
        return contentIdentity;
    }
}
