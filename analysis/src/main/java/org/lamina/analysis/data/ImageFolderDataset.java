package org.lamina.analysis.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Images in one sub-folder per class ({@code root/<class>/*.png|jpg|jpeg}). Each folder is one of
 * the model's classes as {@link ClassFolderMapping} decides — by name, by index or from a map
 * file, never by sorted position — and {@link #classNames()} are the model's labels. Images are
 * decoded when the set is opened, resized to the given shape, so that a broken file is reported
 * at once, by name.
 */
public final class ImageFolderDataset implements Dataset {

    private final String name;
    private final long[] shape;
    private final List<float[]> samples;
    private final int[] labels;
    private final List<String> classNames;
    private final List<Path> files;
    private volatile String contentIdentity;
    private final String labelMapping;

    private ImageFolderDataset(String name, long[] shape, List<float[]> samples, int[] labels,
                               List<String> classNames, List<Path> files, String labelMapping) {
        this.labelMapping = labelMapping;
        this.name = name;
        this.shape = shape;
        this.samples = samples;
        this.labels = labels;
        this.classNames = classNames;
        this.files = files;
    }

    /**
     * Reads every image under {@code root}, converted to {@code [channels, height, width]}.
     *
     * @param modelLabels the model's labels, which the class folders are matched against
     * @param labelMap    an explicit {@code folder,label} CSV ({@link LabelMapCsv}), or {@code null}
     */
    public static ImageFolderDataset read(Path root, int channels, int height, int width, List<String> modelLabels,
                                          Path labelMap) {
        if (!Files.isDirectory(root)) {
            throw new DataException(root + ": not a directory (expected one sub-folder per class)");
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
        List<float[]> samples = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (int c = 0; c < classDirs.size(); c++) {
            int label = mapping.classOf().get(classDirs.get(c).getFileName().toString());
            List<Path> images;
            try (Stream<Path> s = Files.list(classDirs.get(c))) {
                images = s.filter(ImageFolderDataset::isImage).sorted().toList();
            } catch (IOException e) {
                throw new DataException(classDirs.get(c) + ": cannot list: " + e.getMessage(), e);
            }
            for (Path img : images) {
                samples.add(ImageInput.toUnitChw(ImageInput.read(img), channels, height, width));
                labels.add(label);
                files.add(img);
            }
        }
        if (samples.isEmpty()) {
            throw new DataException(root + ": no PNG or JPEG images in the class folders");
        }
        return new ImageFolderDataset(root.getFileName().toString(), new long[] {channels, height, width}, samples,
                labels.stream().mapToInt(Integer::intValue).toArray(), List.copyOf(modelLabels), List.copyOf(files),
                mapping.description());
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(p) && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg"));
    }

    /** The file of sample i. */
    public Path file(int i) {
        return files.get(i);
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

    @Override
    public float[] sample(int i) {
        return samples.get(i);
    }

    /**
     * Every image file (class folder and name, size, modification time, SHA-256 of its bytes)
     * with the labels, class names and shape, hashed on first use. A file replaced between
     * opening the set and this first call is the one corner it cannot see.
     */
    @Override
    public String contentIdentity() {
        if (contentIdentity == null) {
            contentIdentity = DatasetIdentity.ofImageFiles(this, files);
        }
        return contentIdentity;
    }
}
