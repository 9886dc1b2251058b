package org.lamina.analysis.data;

import org.lamina.analysis.model.ImagePreprocessing;
import org.lamina.analysis.model.ModelLocator;
import org.lamina.analysis.model.ModelManifest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The bundled data sets, by the names users type: {@code sample:fashion-train},
 * {@code sample:fashion-test}, {@code sample:mnist-train}, {@code sample:mnist-test}. Other
 * arguments are an image folder (one sub-folder per class) or a list file of image paths
 * ({@link ImageListDataset}, {@code .txt} or {@code .lst}).
 */
public final class SampleData {

    /** Fashion-MNIST class names (Zalando). */
    public static final List<String> FASHION_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** MNIST class names. */
    public static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    private static final Map<String, String> FOLDERS = Map.of("fashion", "fashion-mnist", "mnist", "mnist");

    private SampleData() {
    }

    /** Names of the bundled data sets. */
    public static List<String> names() {
        return List.of("sample:fashion-train", "sample:fashion-test", "sample:mnist-train", "sample:mnist-test");
    }

    /**
     * Opens a bundled data set ({@code sample:…}) shaped as {@code [c, h, w]}. An image folder needs
     * the model's labels to know its classes: use {@link #open(String, long[], List, Path)}.
     */
    public static Dataset open(String argument, long[] imageShape) {
        return open(argument, imageShape, List.of(), null);
    }

    /**
     * Opens a data set by name ({@code sample:…}) or image-folder path for a model.
     *
     * @param modelLabels the model's labels. An image folder's class folders are matched to them
     *                    ({@link ClassFolderMapping}); a bundled set whose classes are not the
     *                    model's (Fashion-MNIST for a digit classifier) is refused, since its
     *                    label indices would mean other classes. Empty: no model (bundled sets only).
     * @param labelMap    {@code --labels map.csv} for an image folder, or {@code null}
     */
    public static Dataset open(String argument, long[] imageShape, List<String> modelLabels, Path labelMap) {
        return open(argument, imageShape, ImagePreprocessing.STRETCH, modelLabels, labelMap);
    }

    /**
     * As {@link #open(String, long[], List, Path)} for a model's input: an image folder's images of
     * another size go through the model's recorded preprocessing ({@link ImagePreprocessing}).
     */
    public static Dataset open(String argument, ModelManifest.InputSpec input, List<String> modelLabels, Path labelMap) {
        return open(argument, input.shape(), input.preprocessing(), modelLabels, labelMap);
    }

    private static Dataset open(String argument, long[] imageShape, ImagePreprocessing preprocessing,
                                List<String> modelLabels, Path labelMap) {
        if (argument.startsWith(ModelLocator.SAMPLE_PREFIX)) {
            String name = argument.substring(ModelLocator.SAMPLE_PREFIX.length());
            int dash = name.lastIndexOf('-');
            String set = dash < 0 ? "" : name.substring(0, dash);
            String split = dash < 0 ? "" : name.substring(dash + 1);
            if (!FOLDERS.containsKey(set) || !(split.equals("train") || split.equals("test"))) {
                throw new DataException("unknown sample data set '" + name + "'; bundled: " + names());
            }
            if (labelMap != null) {
                throw new DataException("--labels " + labelMap + " applies to image folders; " + argument
                        + " stores class indices");
            }
            List<String> classes = set.equals("fashion") ? FASHION_CLASSES : DIGITS;
            if (!modelLabels.isEmpty() && !modelLabels.equals(classes)) {
                throw new DataException(argument + " holds the classes " + classes + ", not the model's labels "
                        + LabelListText.of(modelLabels) + ": its label indices would mean other classes. Use the model's own data set "
                        + "or an image folder named after its labels");
            }
            Path dir = ModelLocator.samplesDirectory().resolve("data").resolve(FOLDERS.get(set));
            return IdxDataset.read(argument, dir.resolve(split + "-images-idx3-ubyte.gz"),
                    dir.resolve(split + "-labels-idx1-ubyte.gz"), classes);
        }
        if (ItemStorage.isUrl(argument)) {
            throw new DataException(argument + " is a URL; Lamina reads data from local or mounted shared storage only. "
                    + "Mount it (e.g. NFS, or a FUSE mount of the bucket) and give its path, or extract on Spark "
                    + "(lamina-spark.jar reads lists at hdfs:// and s3a:// URLs)");
        }
        Path p = Path.of(argument);
        if (Files.isRegularFile(p) && ImageListDataset.isListFile(argument)) {
            // A list of image paths (issue #20): what a Spark extraction's executors read, so the
            // single-machine extraction reads the same list the same way.
            if (labelMap != null) {
                throw new DataException("--labels " + labelMap + " applies to image folders; the list " + argument
                        + " gives each image's label itself (path,label)");
            }
            if (imageShape.length != 3) {
                throw new DataException(argument + ": image lists need a model with an image input [c, h, w]");
            }
            return ImageListDataset.read(p, (int) imageShape[0], (int) imageShape[1], (int) imageShape[2], preprocessing,
                    modelLabels);
        }
        if (!Files.isDirectory(p)) {
            throw new DataException(argument + ": no such data set (give sample:NAME, a folder with one sub-folder per "
                    + "class, or a list file of image paths, .txt or .lst, one path[,label] a line)");
        }
        if (imageShape.length != 3) {
            throw new DataException(argument + ": image folders need a model with an image input [c, h, w]");
        }
        return ImageFolderDataset.read(p, (int) imageShape[0], (int) imageShape[1], (int) imageShape[2], preprocessing,
                modelLabels, labelMap);
    }
}
