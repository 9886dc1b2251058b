package org.lamina.analysis.data;

import org.lamina.analysis.model.ModelLocator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A labelled image data set in IDX form (an {@code *-images-idx3-ubyte[.gz]} file and, beside it,
 * the matching {@code *-labels-idx1-ubyte[.gz]}), such as the bundled Fashion-MNIST and MNIST
 * subsets.
 *
 * @param name   e.g. {@code fashion-mnist/test}
 * @param file   the images file
 * @param images the images, {@code [n, H, W]}
 * @param labels class index per image, or an empty array when no label file was found
 */
public record ImageDataSet(String name, Path file, IdxFile images, int[] labels) {

    /** Number of images. */
    public int size() {
        return images.count();
    }

    /** Image {@code i} as {@code [1, H, W]} values in [0, 1]. */
    public float[] pixels(int i) {
        if (i < 0 || i >= size()) {
            throw new DataException(name + ": image index " + i + " out of range 0.." + (size() - 1));
        }
        return images.itemAsUnitFloats(i);
    }

    /** Image {@code i} as a grey-scale picture (for thumbnails and for models of another input size). */
    public java.awt.image.BufferedImage image(int i) {
        float[] px = pixels(i);
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(width(), height(),
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height(); y++) {
            for (int x = 0; x < width(); x++) {
                int v = Math.round(px[y * width() + x] * 255);
                img.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        return img;
    }

    /** Label of image {@code i}, or -1 when unlabelled. */
    public int label(int i) {
        return labels.length > i ? labels[i] : -1;
    }

    /** Image height. */
    public int height() {
        return images.dims()[1];
    }

    /** Image width. */
    public int width() {
        return images.dims().length > 2 ? images.dims()[2] : 1;
    }

    /** Reads an IDX images file and the labels file next to it (when there is one). */
    public static ImageDataSet open(Path imagesFile) {
        IdxFile images = IdxFile.read(imagesFile);
        if (images.dims().length != 3) {
            throw new DataException(imagesFile + ": expected an IDX file of images [n, H, W], got "
                    + images.dims().length + " dimensions");
        }
        String fileName = imagesFile.getFileName().toString();
        Path labelsFile = imagesFile.resolveSibling(fileName.replace("images-idx3", "labels-idx1"));
        int[] labels = new int[0];
        if (!labelsFile.equals(imagesFile) && Files.isRegularFile(labelsFile)) {
            labels = IdxFile.read(labelsFile).labels();
            if (labels.length != images.count()) {
                throw new DataException(labelsFile + ": " + labels.length + " labels for " + images.count() + " images in " + imagesFile);
            }
        }
        Path dir = imagesFile.toAbsolutePath().getParent();
        String split = fileName.contains("-") ? fileName.substring(0, fileName.indexOf('-')) : fileName;
        return new ImageDataSet(dir.getFileName() + "/" + split, imagesFile, images, labels);
    }

    /** Image files of the bundled data sets ({@code sample-models/data/NAME/test-images-idx3-ubyte.gz}). */
    public static List<Path> bundledFiles() {
        List<Path> out = new ArrayList<>();
        Path root;
        try {
            root = ModelLocator.samplesDirectory().resolve("data");
        } catch (RuntimeException e) {
            return out;
        }
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.sorted().forEach(d -> {
                Path test = d.resolve("test-images-idx3-ubyte.gz");
                if (Files.isRegularFile(test)) {
                    out.add(test);
                }
            });
        } catch (IOException e) {
            return out;
        }
        return out;
    }
}
