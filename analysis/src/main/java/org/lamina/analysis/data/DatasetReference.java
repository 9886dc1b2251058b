package org.lamina.analysis.data;

import org.lamina.analysis.model.ModelLocator;
import org.lamina.analysis.model.ModelManifest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one string that names a data set in sessions and in the workbench: a bundled set
 * ({@code sample:fashion-test}, see {@link SampleData}), an image folder (one sub-folder per
 * class), or an IDX images file ({@code *-images-idx3-ubyte[.gz]} with its
 * {@code *-labels-idx1-ubyte[.gz]} beside it).
 */
public final class DatasetReference {

    /** The bundled test sets the workbench offers first. */
    public static final List<String> BUNDLED_TEST_SETS = List.of("sample:fashion-test", "sample:mnist-test");

    private DatasetReference() {
    }

    /**
     * Opens the data set a reference names.
     *
     * @param imageShape  {@code [c, h, w]} image folders are resized to
     * @param classNames  class names for an IDX file (e.g. the model's labels); generic names
     *                    ({@code class 0}, …) where they run out
     */
    public static Dataset open(String reference, long[] imageShape, List<String> classNames) {
        return open(reference, imageShape, classNames, null);
    }

    /**
     * Opens the data set a reference names; an image folder's class folders are matched to
     * {@code classNames} (the model's labels), or mapped by {@code labelMap} ({@code folder,label}
     * CSV, may be {@code null}). A bundled set is not checked against {@code classNames} here:
     * concept sets use a bundled set's own classes whatever the model.
     */
    public static Dataset open(String reference, long[] imageShape, List<String> classNames, Path labelMap) {
        return open(reference, new ModelManifest.InputSpec(imageShape, new float[] {0f}, new float[] {1f}), classNames,
                labelMap);
    }

    /** As {@link #open(String, long[], List)} for a model's input (its shape and preprocessing). */
    public static Dataset open(String reference, ModelManifest.InputSpec input, List<String> classNames) {
        return open(reference, input, classNames, null);
    }

    /**
     * As {@link #open(String, long[], List, Path)} for a model's input: an image folder's images of
     * another size go through the model's recorded preprocessing.
     */
    public static Dataset open(String reference, ModelManifest.InputSpec input, List<String> classNames, Path labelMap) {
        long[] imageShape = input.shape();
        if (reference.startsWith(ModelLocator.SAMPLE_PREFIX)) {
            return SampleData.open(reference, imageShape, List.of(), labelMap);
        }
        if (Files.isDirectory(Path.of(reference))) {
            return SampleData.open(reference, input, classNames, labelMap);
        }
        Path images = Path.of(reference);
        String fileName = images.getFileName().toString();
        if (!fileName.contains("images-idx3")) {
            throw new DataException(reference + ": not a data set (give sample:NAME, an image folder, or an "
                    + "IDX file named *-images-idx3-ubyte[.gz] with its *-labels-idx1-ubyte[.gz] beside it)");
        }
        Path labels = images.resolveSibling(fileName.replace("images-idx3", "labels-idx1"));
        if (!Files.isRegularFile(labels)) {
            throw new DataException(reference + ": the labels file " + labels.getFileName() + " is missing beside it");
        }
        List<String> names = new ArrayList<>(classNames);
        for (int k = names.size(); k < 256; k++) {
            names.add("class " + k);
        }
        return IdxDataset.read(reference, images, labels, names);
    }
}
