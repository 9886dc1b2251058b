package org.lamina.analysis.chmcorr;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.job.AtomicOutput;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.BatchPlanner;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link GalleryIndex} once, in memory-budgeted batches, and keeps it on disk keyed by
 * the model's weight hash, the data set (and how many of its items) and the probe point. The
 * file is written through {@link AtomicOutput}, so a crash or a cancel never leaves a truncated
 * index that a later run would trust; a file whose header does not match the key is rebuilt.
 */
public final class GalleryIndexCache {

    static final String MAGIC = "LAMINA-CHMCORR-GALLERY/1";

    private final Path directory;

    public GalleryIndexCache(Path directory) {
        this.directory = directory;
    }

    /** {@code -Dlamina.cacheDir} or {@code ~/.cache/lamina}, then {@code chmcorr}. */
    public static GalleryIndexCache defaultCache() {
        String base = System.getProperty("lamina.cacheDir", Path.of(System.getProperty("user.home"), ".cache", "lamina").toString());
        return new GalleryIndexCache(Path.of(base).resolve("chmcorr"));
    }

    public Path directory() {
        return directory;
    }

    /** Where the index of these features over the first {@code size} items of a data set lives. */
    public Path fileFor(SpatialFeatures features, Dataset data, int size) {
        String sha = features.model().weightsSha256();
        String set = data.name().replaceAll("[^A-Za-z0-9._-]", "_");
        return directory.resolve("gallery-" + sha.substring(0, Math.min(16, sha.length())) + "-" + set + "-" + size + "-"
                + features.point().name().replaceAll("[^A-Za-z0-9._-]", "_") + ".bin");
    }

    /** The cached index, or a freshly built (and then cached) one over items {@code [0, size)}. */
    public GalleryIndex loadOrBuild(SpatialFeatures features, Dataset data, int size, ProgressSink progress) {
        if (size < 1 || size > data.size()) {
            throw new IllegalArgumentException("gallery size must be 1 … " + data.size() + " for '" + data.name() + "', got " + size);
        }
        Path file = fileFor(features, data, size);
        if (Files.isRegularFile(file)) {
            GalleryIndex cached = read(file);
            if (cached != null && cached.modelSha256().equals(features.model().weightsSha256())
                    && cached.dataset().equals(data.name()) && cached.point().equals(features.point().name())
                    && cached.size() == size && cached.dimension() == features.channels()) {
                return cached;
            }
        }
        GalleryIndex built = build(features, data, size, progress);
        write(built, file);
        return built;
    }

    /** Pools the features of items {@code [0, size)} in batches (no cache). */
    public static GalleryIndex build(SpatialFeatures features, Dataset data, int size, ProgressSink progress) {
        int batch = BatchPlanner.forwardBatchSize(features.model().manifest(), features.model().device());
        int d = features.channels();
        float[] rows = new float[size * d];
        progress.begin((size + batch - 1) / batch);
        for (int from = 0; from < size; from += batch) {
            progress.checkCancelled();
            int to = Math.min(size, from + batch);
            FeatureGrid[] grids = features.ofItems(data, from, to);
            for (int i = 0; i < grids.length; i++) {
                System.arraycopy(grids[i].pooled(), 0, rows, (from + i) * d, d);
            }
            progress.message("gallery features " + to + " / " + size);
            progress.advance(1);
        }
        int[] labels = new int[size];
        for (int i = 0; i < size; i++) {
            labels[i] = data.label(i);
        }
        return new GalleryIndex(features.model().weightsSha256(), data.name(), features.point().name(), d,
                GalleryIndex.normaliseRows(rows, d), labels, data.classNames());
    }

    /** Writes atomically. */
    public static void write(GalleryIndex g, Path file) {
        AtomicOutput.write(file, tmp -> {
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
                out.writeUTF(MAGIC);
                out.writeUTF(g.modelSha256());
                out.writeUTF(g.dataset());
                out.writeUTF(g.point());
                out.writeInt(g.size());
                out.writeInt(g.dimension());
                out.writeInt(g.classNames().size());
                for (String c : g.classNames()) {
                    out.writeUTF(c);
                }
                for (int l : g.labels()) {
                    out.writeInt(l);
                }
                for (float f : g.features()) {
                    out.writeFloat(f);
                }
            }
        });
    }

    /** Reads an index file; null when it is not one (then it is rebuilt). */
    public static GalleryIndex read(Path file) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (!MAGIC.equals(in.readUTF())) {
                return null;
            }
            String sha = in.readUTF();
            String set = in.readUTF();
            String point = in.readUTF();
            int size = in.readInt();
            int d = in.readInt();
            int classes = in.readInt();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < classes; i++) {
                names.add(in.readUTF());
            }
            int[] labels = new int[size];
            for (int i = 0; i < size; i++) {
                labels[i] = in.readInt();
            }
            float[] f = new float[size * d];
            for (int i = 0; i < f.length; i++) {
                f[i] = in.readFloat();
            }
            return new GalleryIndex(sha, set, point, d, f, labels, names);
        } catch (IOException | RuntimeException e) {
            if (e instanceof IOException io && !(io instanceof java.io.EOFException) && !Files.isReadable(file)) {
                throw new UncheckedIOException("cannot read gallery index " + file, io);
            }
            return null;
        }
    }
}
