package org.lamina.plugins.api;

import org.lamina.analysis.data.ImageDataSet;

import java.nio.file.Path;

/**
 * The image the user picked: an item of a data set, or an image file.
 *
 * @param dataSet the data set, or {@code null} for a file
 * @param index   the item's index in the data set
 * @param file    the image file, or {@code null} for a data-set item
 */
public record ImageSelection(ImageDataSet dataSet, int index, Path file) {

    public ImageSelection {
        if ((dataSet == null) == (file == null)) {
            throw new IllegalArgumentException("an image selection is either a data-set item or a file");
        }
    }

    /** Item {@code index} of {@code dataSet}. */
    public static ImageSelection item(ImageDataSet dataSet, int index) {
        return new ImageSelection(dataSet, index, null);
    }

    /** An image file. */
    public static ImageSelection file(Path file) {
        return new ImageSelection(null, 0, file);
    }

    /** Short text for people, e.g. {@code fashion-mnist/test #17}. */
    public String label() {
        return dataSet != null ? dataSet.name() + " #" + index : file.getFileName().toString();
    }
}
