package org.lamina.plugins.api;

import java.nio.file.Path;

/**
 * The image the user picked: an item of a data set, or an image file.
 *
 * @param dataset the data set, or {@code null} for a file
 * @param index   the item's index in the data set
 * @param file    the image file, or {@code null} for a data-set item
 */
public record ImageSelection(LoadedDataset dataset, int index, Path file) {

    public ImageSelection {
        if ((dataset == null) == (file == null)) {
            throw new IllegalArgumentException("an image selection is either a data-set item or a file");
        }
    }

    /** Item {@code index} of {@code dataset}. */
    public static ImageSelection item(LoadedDataset dataset, int index) {
        return new ImageSelection(dataset, index, null);
    }

    /** An image file. */
    public static ImageSelection file(Path file) {
        return new ImageSelection(null, 0, file);
    }

    /** Short text for people, e.g. {@code fashion-test #17 (Coat)}. */
    public String label() {
        if (dataset == null) {
            return file.getFileName().toString();
        }
        String name = dataset.reference().startsWith("sample:") ? dataset.reference().substring(7)
                : Path.of(dataset.reference()).getFileName().toString();
        int label = dataset.dataset().label(index);
        java.util.List<String> classes = dataset.dataset().classNames();
        return name + " #" + index + (label >= 0 && label < classes.size() ? " (" + classes.get(label) + ")" : "");
    }
}
