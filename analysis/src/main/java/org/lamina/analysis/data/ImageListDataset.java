package org.lamina.analysis.data;

import org.lamina.analysis.model.ImagePreprocessing;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Images named by a list file, one {@code path[,label]} a line (issue #20): the data set of
 * {@code lamina extract --data LIST.txt} and of the Spark extraction, where every executor opens
 * the same list on storage they all read. A relative path is resolved against the list's folder,
 * so a folder of images and its list move together. Blank lines and lines starting with {@code #}
 * are skipped; the item index is the position among the remaining lines, the same on every
 * machine.
 *
 * <p>The label, after the <em>last</em> comma, is one of the model's labels by name, or else a
 * class index {@code 0 … n-1}; a line without one is an unlabelled item (label
 * {@value #NO_LABEL}, stored as null in a feature store). A path that itself holds a comma must
 * therefore be followed by a label. Paths are local or on a mounted shared file system;
 * {@code hdfs://}, {@code s3a://} and other URLs are refused with a message, since images are read
 * with {@link ImageInput#read}, not through Hadoop's file systems.
 *
 * <p>Opening reads only the list: with ImageNet's 1.28 M lines, every executor opening it must not
 * touch 1.28 M files. A missing or broken image is reported by name, with its list line, when it
 * is decoded; the content identity ({@link DatasetIdentity#ofImageFiles}) reads every file, once,
 * when first asked (the driver asks, executors do not).
 */
public final class ImageListDataset implements Dataset {

    /** Label of a line without one. */
    public static final int NO_LABEL = -1;

    /** Extensions that make an argument a list file rather than a folder or a text data set. */
    public static final List<String> EXTENSIONS = List.of(".txt", ".lst");

    private static final Pattern URL = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*");

    private final Path list;
    private final long[] shape;
    private final ImagePreprocessing preprocessing;
    private final List<Path> files;
    private final int[] lines;
    private final int[] labels;
    private final List<String> classNames;
    private volatile String contentIdentity;

    private ImageListDataset(Path list, long[] shape, ImagePreprocessing preprocessing, List<Path> files, int[] lines,
                             int[] labels, List<String> classNames) {
        this.list = list;
        this.shape = shape;
        this.preprocessing = preprocessing;
        this.files = files;
        this.lines = lines;
        this.labels = labels;
        this.classNames = classNames;
    }

    /** Whether {@code argument} names a list file by its extension ({@link #EXTENSIONS}). */
    public static boolean isListFile(String argument) {
        String n = argument.toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(n::endsWith);
    }

    /**
     * Reads the list {@code list}, for a model taking {@code [channels, height, width]} images
     * made with {@code preprocessing}.
     *
     * @param modelLabels the model's labels: names a line's label may give, and the set's class names
     * @throws DataException naming the file and line of the first bad entry
     */
    public static ImageListDataset read(Path list, int channels, int height, int width, ImagePreprocessing preprocessing,
                                        List<String> modelLabels) {
        if (channels != 1 && channels != 3) {
            throw new DataException("image models need 1 or 3 input channels, the manifest says " + channels);
        }
        List<String> text = Utf8Lines.read(list);
        Path base = list.toAbsolutePath().getParent();
        List<Path> files = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int ln = 0; ln < text.size(); ln++) {
            String line = text.get(ln).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = list + ", line " + (ln + 1);
            String path = line;
            int label = NO_LABEL;
            int comma = line.lastIndexOf(',');
            if (comma >= 0) {
                path = line.substring(0, comma).strip();
                label = label(line.substring(comma + 1).strip(), modelLabels, where);
            }
            if (path.isEmpty()) {
                throw new DataException(where + ": no image path before the label ('" + line + "'); expected path[,label]");
            }
            if (URL.matcher(path).matches()) {
                throw new DataException(where + ": '" + path + "' is a URL; Lamina reads images from local or mounted "
                        + "shared storage only. Mount it (e.g. NFS, or a FUSE mount of the bucket) and list file paths");
            }
            Path p;
            try {
                p = base.resolve(path).normalize();
            } catch (InvalidPathException e) {
                throw new DataException(where + ": '" + path + "' is not a valid file path: " + e.getMessage(), e);
            }
            files.add(p);
            lineNumbers.add(ln + 1);
            labels.add(label);
        }
        if (files.isEmpty()) {
            throw new DataException(list + ": no image paths (expected one path[,label] a line)");
        }
        return new ImageListDataset(list, new long[] {channels, height, width}, preprocessing, List.copyOf(files),
                lineNumbers.stream().mapToInt(Integer::intValue).toArray(),
                labels.stream().mapToInt(Integer::intValue).toArray(), List.copyOf(modelLabels));
    }

    private static int label(String given, List<String> modelLabels, String where) {
        if (given.isEmpty()) {
            throw new DataException(where + ": empty label after the comma; expected path[,label] with label one of "
                    + LabelListText.of(modelLabels) + " or a class index");
        }
        int byName = modelLabels.indexOf(given);
        if (byName >= 0) {
            return byName;
        }
        int index;
        try {
            index = Integer.parseInt(given);
        } catch (NumberFormatException e) {
            throw new DataException(where + ": label '" + given + "' is none of the model's labels "
                    + LabelListText.of(modelLabels) + " and not a class index (a path holding a comma must be "
                    + "followed by its label)");
        }
        if (index < 0 || index >= modelLabels.size()) {
            throw new DataException(where + ": class index " + index + " is outside 0 … " + (modelLabels.size() - 1)
                    + " (the model has " + modelLabels.size() + " labels)");
        }
        return index;
    }

    /** The list file. */
    public Path list() {
        return list;
    }

    /** The image file of item i. */
    public Path file(int i) {
        return files.get(i);
    }

    @Override
    public String name() {
        return list.getFileName().toString();
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public long[] sampleShape() {
        return shape.clone();
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
    public String labelMapping() {
        return "list:" + list.getFileName();
    }

    @Override
    public float[] sample(int i) {
        return decode(i);
    }

    @Override
    public float[] decode(int i) {
        try {
            return ImageInput.toUnitChw(ImageInput.read(files.get(i)), (int) shape[0], (int) shape[1], (int) shape[2],
                    preprocessing);
        } catch (DataException e) {
            throw atLine(i, e);
        }
    }

    @Override
    public void decodeInto(int i, float[] out, int offset) {
        try {
            ImageInput.toUnitChwInto(ImageInput.read(files.get(i)), (int) shape[0], (int) shape[1], (int) shape[2],
                    preprocessing, out, offset);
        } catch (DataException e) {
            throw atLine(i, e);
        }
    }

    private DataException atLine(int i, DataException e) {
        return new DataException(list + ", line " + lines[i] + ": " + e.getMessage(), e);
    }

    @Override
    public String describeItem(int i) {
        return "item " + i + " (" + files.get(i) + ")";
    }

    /**
     * Every listed file (folder and name, size, modification time, SHA-256 of its bytes) with the
     * labels, class names, shape and preprocessing, hashed once on first use.
     */
    @Override
    public String contentIdentity() {
        if (contentIdentity == null) {
            contentIdentity = DatasetIdentity.ofImageFiles(this, files, preprocessing);
        }
        return contentIdentity;
    }
}
