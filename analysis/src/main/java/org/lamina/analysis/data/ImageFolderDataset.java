package org.lamina.analysis.data;

import org.lamina.analysis.model.ImagePreprocessing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Images in one sub-folder per class ({@code root/<class>/*.png|jpg|jpeg}). Each folder is one of
 * the model's classes as {@link ClassFolderMapping} decides — by name, by index, by WordNet id or
 * from a map file, never by sorted position — and {@link #classNames()} are the model's labels.
 *
 * <p>Opening the set only lists the files: an image is decoded when it is asked for
 * ({@link #sample}), converted to the model's shape with its preprocessing, so a folder of 50,000
 * ImageNet images costs its file list, not 50,000 decoded tensors (DESIGN §7, "data sets stream").
 * Whole passes go through {@link BatchPrefetch}, which decodes the next batches on a background
 * thread into a bounded queue. A broken file is reported by name when it is decoded. The last
 * {@value #RECENT} decoded samples are kept, because the workbench and the analyses that show a
 * few images ask for the same ones again and again.
 */
public final class ImageFolderDataset implements Dataset {

    /** How many recently decoded samples are kept (about 19 MB at 3×224×224). */
    static final int RECENT = 32;

    private final String name;
    private final long[] shape;
    private final ImagePreprocessing preprocessing;
    private final int[] labels;
    private final List<String> classNames;
    private final List<Path> files;
    private final String labelMapping;
    private final Map<Integer, float[]> recent = new LinkedHashMap<>(RECENT * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, float[]> eldest) {
            return size() > RECENT;
        }
    };
    private volatile String contentIdentity;

    private ImageFolderDataset(String name, long[] shape, ImagePreprocessing preprocessing, int[] labels,
                               List<String> classNames, List<Path> files, String labelMapping) {
        this.labelMapping = labelMapping;
        this.name = name;
        this.shape = shape;
        this.preprocessing = preprocessing;
        this.labels = labels;
        this.classNames = classNames;
        this.files = files;
    }

    /**
     * Lists every image under {@code root}, to be converted to {@code [channels, height, width]}
     * by stretching (no recorded preprocessing).
     *
     * @param modelLabels the model's labels, which the class folders are matched against
     * @param labelMap    an explicit {@code folder,label} CSV ({@link LabelMapCsv}) or a WordNet-id
     *                    synset file ({@link SynsetMapping}), or {@code null}
     */
    public static ImageFolderDataset read(Path root, int channels, int height, int width, List<String> modelLabels,
                                          Path labelMap) {
        return read(root, channels, height, width, ImagePreprocessing.STRETCH, modelLabels, labelMap);
    }

    /** As {@link #read(Path, int, int, int, List, Path)}, with the model's recorded preprocessing. */
    public static ImageFolderDataset read(Path root, int channels, int height, int width,
                                          ImagePreprocessing preprocessing, List<String> modelLabels, Path labelMap) {
        if (!Files.isDirectory(root)) {
            throw new DataException(root + ": not a directory (expected one sub-folder per class)");
        }
        if (channels != 1 && channels != 3) {
            throw new DataException("image models need 1 or 3 input channels, the manifest says " + channels);
        }
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(root)) {
            classDirs = s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new DataException(root + ": cannot list: " + e.getMessage(), e);
        }
        if (classDirs.isEmpty()) {
            throw new DataException(root + ": no class sub-folders (expected root/<class>/<image>.png)");
        }
        ClassFolderMapping mapping = ClassFolderMapping.resolve(root,
                classDirs.stream().map(d -> d.getFileName().toString()).toList(), modelLabels, labelMap);
        List<Integer> labels = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (Path classDir : classDirs) {
            int label = mapping.classOf().get(classDir.getFileName().toString());
            List<Path> images;
            try (Stream<Path> s = Files.list(classDir)) {
                images = s.filter(ImageFolderDataset::isImage).sorted().toList();
            } catch (IOException e) {
                throw new DataException(classDir + ": cannot list: " + e.getMessage(), e);
            }
            for (Path img : images) {
                labels.add(label);
                files.add(img);
            }
        }
        if (files.isEmpty()) {
            throw new DataException(root + ": no PNG or JPEG images in the class folders");
        }
        return new ImageFolderDataset(root.getFileName().toString(), new long[] {channels, height, width},
                preprocessing, labels.stream().mapToInt(Integer::intValue).toArray(), List.copyOf(modelLabels),
                List.copyOf(files), mapping.description());
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg")) && Files.isRegularFile(p);
    }

    /** The file of sample i. */
    public Path file(int i) {
        return files.get(i);
    }

    /** How images of another size are brought to the sample shape. */
    public ImagePreprocessing preprocessing() {
        return preprocessing;
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
        return labelMapping;
    }

    /** Sample i, decoded from its file now unless it is among the last few decoded. */
    @Override
    public float[] sample(int i) {
        synchronized (recent) {
            float[] hit = recent.get(i);
            if (hit != null) {
                return hit;
            }
        }
        float[] s = decode(i);
        synchronized (recent) {
            recent.put(i, s);
        }
        return s;
    }

    /** Decodes sample i without keeping it (a whole pass would only churn the recent ones). */
    @Override
    public float[] decode(int i) {
        Path f = files.get(i);
        return ImageInput.toUnitChw(ImageInput.read(f), (int) shape[0], (int) shape[1], (int) shape[2], preprocessing);
    }

    @Override
    public void decodeInto(int i, float[] out, int offset) {
        ImageInput.toUnitChwInto(ImageInput.read(files.get(i)), (int) shape[0], (int) shape[1], (int) shape[2],
                preprocessing, out, offset);
    }

    @Override
    public String describeItem(int i) {
        return "item " + i + " (" + files.get(i) + ")";
    }

    /**
     * Every image file (class folder and name, size, modification time, SHA-256 of its bytes)
     * with the labels, class names and shape, hashed on first use by reading the files one at a
     * time (nothing is decoded or kept). A file replaced between opening the set and this first
     * call is the one corner it cannot see.
     */
    @Override
    public String contentIdentity() {
        if (contentIdentity == null) {
            contentIdentity = DatasetIdentity.ofImageFiles(this, files, preprocessing);
        }
        return contentIdentity;
    }
}
