package org.lamina.analysis.data;

import org.lamina.analysis.model.ImagePreprocessing;

import java.awt.image.BufferedImage;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
 * therefore be followed by a label.
 *
 * <p>Where the list and its images are read from is an {@link ItemStorage}. {@link #read(Path, int,
 * int, int, ImagePreprocessing, List)} (what {@code lamina extract} opens on one machine) reads
 * local or mounted shared files and refuses {@code hdfs://}, {@code s3a://} and other URLs with a
 * message; the Spark extraction opts in to URLs by passing a storage that reads them through
 * Hadoop's file systems ({@link #read(String, ItemStorage, int, int, int, ImagePreprocessing,
 * List)}), where a relative line is resolved against the list's URL.
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

    private final String list;
    private final ItemStorage storage;
    private final long[] shape;
    private final ImagePreprocessing preprocessing;
    private final List<String> files;
    private final int[] lines;
    private final int[] labels;
    private final List<String> classNames;
    private volatile String contentIdentity;

    private ImageListDataset(String list, ItemStorage storage, long[] shape, ImagePreprocessing preprocessing,
                             List<String> files, int[] lines, int[] labels, List<String> classNames) {
        this.list = list;
        this.storage = storage;
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
        return read(list.toString(), ItemStorage.LOCAL, channels, height, width, preprocessing, modelLabels);
    }

    /**
     * Reads the list at location {@code list} of {@code storage}, whose images are read through
     * the same storage (the Spark extraction's URLs, issue #20); otherwise as
     * {@link #read(Path, int, int, int, ImagePreprocessing, List)}.
     */
    public static ImageListDataset read(String list, ItemStorage storage, int channels, int height, int width,
                                        ImagePreprocessing preprocessing, List<String> modelLabels) {
        if (channels != 1 && channels != 3) {
            throw new DataException("image models need 1 or 3 input channels, the manifest says " + channels);
        }
        List<String> text;
        if (storage == ItemStorage.LOCAL) {
            text = Utf8Lines.read(Path.of(list));
        } else {
            byte[] bytes;
            try {
                bytes = storage.readAllBytes(list);
            } catch (FileNotFoundException | NoSuchFileException e) {
                throw new DataException(list + ": file not found", e);
            } catch (IOException e) {
                throw new DataException(list + ": cannot read: " + e.getMessage(), e);
            }
            text = Utf8Lines.decode(bytes, list).lines().toList();
        }
        List<String> files = new ArrayList<>();
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
            try {
                files.add(storage.resolve(list, path));
            } catch (DataException e) {
                throw new DataException(where + ": " + e.getMessage(), e);
            }
            lineNumbers.add(ln + 1);
            labels.add(label);
        }
        if (files.isEmpty()) {
            throw new DataException(list + ": no image paths (expected one path[,label] a line)");
        }
        return new ImageListDataset(list, storage, new long[] {channels, height, width}, preprocessing, List.copyOf(files),
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

    /** The list's location (a file path, or a URL when read through another storage). */
    public String list() {
        return list;
    }

    /** Where the list and its images are read from. */
    public ItemStorage storage() {
        return storage;
    }

    /** The image location of item i: a file path on local storage, else as {@link #storage()} names it. */
    public String location(int i) {
        return files.get(i);
    }

    /** The image file of item i, for a list read from local storage. */
    public Path file(int i) {
        if (storage != ItemStorage.LOCAL) {
            throw new IllegalStateException(list + " is read through " + storage + ", not as local files");
        }
        return Path.of(files.get(i));
    }

    @Override
    public String name() {
        return storage.fileName(list);
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
        return "list:" + name();
    }

    @Override
    public float[] sample(int i) {
        return decode(i);
    }

    @Override
    public float[] decode(int i) {
        try {
            return ImageInput.toUnitChw(image(i), (int) shape[0], (int) shape[1], (int) shape[2],
                    preprocessing);
        } catch (DataException e) {
            throw atLine(i, e);
        }
    }

    @Override
    public void decodeInto(int i, float[] out, int offset) {
        try {
            ImageInput.toUnitChwInto(image(i), (int) shape[0], (int) shape[1], (int) shape[2],
                    preprocessing, out, offset);
        } catch (DataException e) {
            throw atLine(i, e);
        }
    }

    private BufferedImage image(int i) {
        String f = files.get(i);
        if (storage == ItemStorage.LOCAL) {
            return ImageInput.read(Path.of(f));
        }
        byte[] bytes;
        try {
            bytes = storage.readAllBytes(f);
        } catch (FileNotFoundException | NoSuchFileException e) {
            throw new DataException(f + ": file not found", e);
        } catch (IOException e) {
            throw new DataException(f + ": unreadable image: " + e.getMessage(), e);
        }
        return ImageInput.decode(bytes, f);
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
            contentIdentity = DatasetIdentity.ofImageItems(this, files, storage, preprocessing);
        }
        return contentIdentity;
    }

    /**
     * The identity records of items {@code [from, to)} ({@link DatasetIdentity#imageItemRecord}),
     * concatenated: each file read once. Pieces of every item, in order, give
     * {@link #contentIdentity()} through {@link #contentIdentityOf}; the Spark extraction's tasks
     * make the pieces of their own items, so the driver does not read the whole set.
     */
    public byte[] identityRecords(int from, int to) {
        if (from < 0 || to > files.size() || from > to) {
            throw new IndexOutOfBoundsException("items " + from + " … " + to + " of " + files.size());
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(Math.max(16, 128 * (to - from)));
        for (int i = from; i < to; i++) {
            out.writeBytes(DatasetIdentity.imageItemRecord(files.get(i), storage));
        }
        return out.toByteArray();
    }

    /**
     * {@link #contentIdentity()} from the records of every item, in item order, in pieces; refused
     * unless the pieces hold exactly one record per item.
     */
    public String contentIdentityOf(Iterable<byte[]> pieces) {
        // One pass (the pieces may be read from files as they are iterated): count while hashing.
        long[] records = {0};
        Iterable<byte[]> counted = () -> new java.util.Iterator<>() {
            private final java.util.Iterator<byte[]> it = pieces.iterator();

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public byte[] next() {
                byte[] piece = it.next();
                records[0] += records(piece);
                return piece;
            }
        };
        String id = DatasetIdentity.ofImageItemRecords(this, files.size(), preprocessing, counted);
        if (records[0] != files.size()) {
            throw new DataException(name() + ": identity records of " + records[0] + " items for " + files.size());
        }
        return id;
    }

    /** The records in {@code piece}: four length-prefixed fields each. */
    private long records(byte[] piece) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(piece);
        long n = 0;
        while (b.hasRemaining()) {
            for (int field = 0; field < 4; field++) {
                if (b.remaining() < Integer.BYTES) {
                    throw new DataException(name() + ": an identity piece ends inside a record");
                }
                int length = b.getInt();
                if (length < 0 || length > b.remaining()) {
                    throw new DataException(name() + ": an identity piece ends inside a record");
                }
                b.position(b.position() + length);
            }
            n++;
        }
        return n;
    }
}
