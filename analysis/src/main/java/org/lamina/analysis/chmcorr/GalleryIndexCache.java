package org.lamina.analysis.chmcorr;

import org.lamina.analysis.cache.CacheDirectory;
import org.lamina.analysis.cache.CacheWrite;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.job.AtomicOutput;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.BatchPlanner;
import org.lamina.analysis.model.ManifestDigest;
import org.lamina.analysis.model.ProbeableModel;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * Builds a {@link GalleryIndex} once, in memory-budgeted batches, and keeps it on disk keyed by
 * what the features were computed from ({@link #key}): the weights' SHA-256, the manifest's
 * digest (input shape, mean/std, probe points — so the point and its grid G), the probe point,
 * the data set's content identity (not its name), how many of its items, and the device type. A
 * file whose key differs is a miss and is rebuilt, never a hit.
 *
 * <p>The file is written through {@link AtomicOutput}, so a crash or a cancel never leaves a
 * truncated index that a later run would trust. A cache that cannot be read or written is a
 * warning ({@link CacheWrite}): the run goes on with the index it computed.
 */
public final class GalleryIndexCache {

    static final String MAGIC = "LAMINA-CHMCORR-GALLERY/2";

    private final Path directory;
    private final Consumer<String> warnings;

    /** A cache in {@code directory}; warnings go to the log. */
    public GalleryIndexCache(Path directory) {
        this(directory, CacheWrite.LOG_WARNINGS);
    }

    /** A cache in {@code directory} that reports an unreadable or unwritable cache to {@code warnings}. */
    public GalleryIndexCache(Path directory, Consumer<String> warnings) {
        this.directory = directory;
        this.warnings = warnings;
    }

    /** {@code chmcorr} under the cache directory ({@link CacheDirectory}: -Dlamina.cacheDir, XDG_CACHE_HOME, HOME). */
    public static GalleryIndexCache defaultCache() {
        return new GalleryIndexCache(CacheDirectory.of("chmcorr"));
    }

    public Path directory() {
        return directory;
    }

    /**
     * The key of the index of these features over the first {@code size} items of a data set:
     * SHA-256 (hex) of everything the pooled features depend on.
     */
    public static String key(SpatialFeatures features, Dataset data, int size) {
        ProbeableModel model = features.model();
        StringBuilder k = new StringBuilder(MAGIC).append('\n');
        k.append("weights ").append(model.weightsSha256()).append('\n');
        k.append("manifest ").append(ManifestDigest.sha256(model.manifest())).append('\n');
        k.append("point ").append(features.point().name()).append(' ')
                .append(Arrays.toString(features.point().shape())).append('\n');
        k.append("data ").append(data.contentIdentity()).append('\n');
        k.append("size ").append(size).append('\n');
        k.append("device ").append(model.device().getDeviceType()).append('\n');
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(k.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }

    /**
     * Where the index of these features over the first {@code size} items of a data set lives.
     * The name is for people (weights, data set name, size, point); the last part and the file's
     * header carry the {@link #key}, which decides.
     */
    public Path fileFor(SpatialFeatures features, Dataset data, int size) {
        return fileFor(features, data, size, key(features, data, size));
    }

    private Path fileFor(SpatialFeatures features, Dataset data, int size, String key) {
        String sha = features.model().weightsSha256();
        String set = data.name().replaceAll("[^A-Za-z0-9._-]", "_");
        return directory.resolve("gallery-" + sha.substring(0, Math.min(16, sha.length())) + "-" + set + "-" + size + "-"
                + features.point().name().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + key.substring(0, 16) + ".bin");
    }

    /** The cached index, or a freshly built (and then, if the cache is writable, cached) one over items {@code [0, size)}. */
    public GalleryIndex loadOrBuild(SpatialFeatures features, Dataset data, int size, ProgressSink progress) {
        if (size < 1 || size > data.size()) {
            throw new IllegalArgumentException("gallery size must be 1 … " + data.size() + " for '" + data.name() + "', got " + size);
        }
        String key = key(features, data, size);
        Path file = fileFor(features, data, size, key);
        if (Files.isRegularFile(file)) {
            try {
                GalleryIndex cached = read(file, key);
                if (cached != null && cached.modelSha256().equals(features.model().weightsSha256())
                        && cached.dataset().equals(data.name()) && cached.point().equals(features.point().name())
                        && cached.size() == size && cached.dimension() == features.channels()) {
                    return cached;
                }
            } catch (UncheckedIOException e) {
                warnings.accept("cannot read the CHM-Corr gallery index cache " + file + " (" + e.getCause().getMessage()
                        + "); rebuilding it");
            }
        }
        GalleryIndex built = build(features, data, size, progress);
        CacheWrite.tryWrite("CHM-Corr gallery index", file, tmp -> writeTo(tmp, built, key), warnings);
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

    /** Writes an index with its key, atomically (throws when the file cannot be written). */
    public static void write(GalleryIndex g, String key, Path file) {
        AtomicOutput.write(file, tmp -> writeTo(tmp, g, key));
    }

    private static void writeTo(Path tmp, GalleryIndex g, String key) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
            out.writeUTF(MAGIC);
            out.writeUTF(key);
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
    }

    /**
     * Reads an index file; null when it is not one, or was computed from something else than
     * {@code key} says (then it is rebuilt).
     */
    public static GalleryIndex read(Path file, String key) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (!MAGIC.equals(in.readUTF()) || !key.equals(in.readUTF())) {
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
