package org.lamina.analysis.chmcorr;

import org.lamina.analysis.cache.CacheDirectory;
import org.lamina.analysis.cache.CacheWrite;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.featurestore.FeatureChunk;
import org.lamina.analysis.featurestore.FeatureStore;
import org.lamina.analysis.featurestore.FeatureStoreException;
import org.lamina.analysis.featurestore.FeatureStoreWriter;
import org.lamina.analysis.featurestore.StoreManifest;
import org.lamina.analysis.job.JobCancelledException;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.BatchPlanner;
import org.lamina.analysis.model.ManifestDigest;
import org.lamina.analysis.model.ProbeableModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Builds a {@link GalleryIndex} once, in memory-budgeted batches, and keeps it on disk keyed by
 * what the features were computed from ({@link #key}): the weights' SHA-256, the manifest's
 * digest (input shape, mean/std, probe points — so the point and its grid G), the probe point,
 * the data set's content identity (not its name), how many of its items, and the device type. A
 * file whose key differs is a miss and is rebuilt, never a hit.
 *
 * <p>Each entry is a feature store (issue #20: "the CHM-Corr gallery cache becomes a store"): one
 * Parquet part of rows (item id, label, source, the point's pooled L2-normalised vector), and a
 * manifest, written last, that records the model, the data's content identity, the point (reduction
 * {@code spatial-mean}, extras {@code normalisation: l2}) and the {@link #key}, so the cache can be
 * read by DuckDB, pandas or Spark like any store. An entry is written into a temporary sibling
 * folder and renamed into place only once its manifest is written, so a crash or a cancel never
 * leaves an entry a later run would trust. A cache that cannot be read or written is a warning
 * ({@link CacheWrite}): the run goes on with the index it computed.
 */
public final class GalleryIndexCache {

    static final String MAGIC = "LAMINA-CHMCORR-GALLERY/3";

    /** The manifest's {@code extras} entry holding the {@link #key}. */
    static final String KEY_EXTRA = "chmcorrGalleryKey";

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
        return key(features, data, size, null);
    }

    /**
     * The key of an index computed from {@code store} rather than the model ({@link GalleryStore#origin}):
     * a separate entry, since the store's forwards may have run elsewhere (another device, batch).
     */
    static String key(SpatialFeatures features, Dataset data, int size, GalleryStore store) {
        ProbeableModel model = features.model();
        StringBuilder k = new StringBuilder(MAGIC).append('\n');
        k.append("weights ").append(model.weightsSha256()).append('\n');
        k.append("manifest ").append(ManifestDigest.sha256(model.manifest())).append('\n');
        k.append("point ").append(features.point().name()).append(' ')
                .append(Arrays.toString(features.point().shape())).append('\n');
        k.append("data ").append(data.contentIdentity()).append('\n');
        k.append("size ").append(size).append('\n');
        k.append("device ").append(model.device().getDeviceType()).append('\n');
        if (store != null) {
            k.append("store ").append(store.origin()).append('\n');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(k.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }

    /**
     * The store folder of the index of these features over the first {@code size} items of a data
     * set. The name is for people (weights, data set name, size, point); its last part and the
     * manifest's {@link #KEY_EXTRA} carry the {@link #key}, which decides.
     */
    public Path entryFor(SpatialFeatures features, Dataset data, int size) {
        return entryFor(features, data, size, key(features, data, size));
    }

    /** Where the index built from {@code store} lives. */
    public Path entryFor(SpatialFeatures features, Dataset data, int size, GalleryStore store) {
        return entryFor(features, data, size, key(features, data, size, store));
    }

    private Path entryFor(SpatialFeatures features, Dataset data, int size, String key) {
        String sha = features.model().weightsSha256();
        String set = data.name().replaceAll("[^A-Za-z0-9._-]", "_");
        return directory.resolve("gallery-" + sha.substring(0, Math.min(16, sha.length())) + "-" + set + "-" + size + "-"
                + features.point().name().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + key.substring(0, 16));
    }

    /** The cached index, or a freshly built (and then, if the cache is writable, cached) one over items {@code [0, size)}. */
    public GalleryIndex loadOrBuild(SpatialFeatures features, Dataset data, int size, ProgressSink progress) {
        return loadOrBuild(features, data, size, null, progress);
    }

    /**
     * As {@link #loadOrBuild(SpatialFeatures, Dataset, int, ProgressSink)}, built from the gallery
     * store when {@code store} is not null ({@link GalleryStore#index}), under a key of its own.
     */
    public GalleryIndex loadOrBuild(SpatialFeatures features, Dataset data, int size, GalleryStore store,
                                    ProgressSink progress) {
        if (size < 1 || size > data.size()) {
            throw new IllegalArgumentException("gallery size must be 1 … " + data.size() + " for '" + data.name() + "', got " + size);
        }
        String key = key(features, data, size, store);
        Path entry = entryFor(features, data, size, key);
        if (Files.isRegularFile(entry.resolve(StoreManifest.FILE))) {
            try {
                GalleryIndex cached = read(entry, key);
                if (cached != null && cached.modelSha256().equals(features.model().weightsSha256())
                        && cached.dataset().equals(data.name()) && cached.point().equals(features.point().name())
                        && cached.size() == size && cached.dimension() == features.channels()) {
                    return cached;
                }
            } catch (UncheckedIOException | FeatureStoreException e) {
                warnings.accept("cannot read the CHM-Corr gallery index cache " + entry + " (" + e.getMessage()
                        + "); rebuilding it");
            }
        }
        GalleryIndex built = store != null ? store.index(size, progress) : build(features, data, size, progress);
        tryWrite(built, features, data, key, entry);
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

    /** Between an entry's name and the writing process's id in its temporary folder's name. */
    private static final String TMP_MARK = ".tmp-";

    /**
     * Removes the temporary folders of writers that died before renaming them (killed, or the
     * machine went down): a gallery store of ImageNet is gigabytes. A folder is abandoned when the
     * process id in its name is not running; a live writer's folder, in this process or another
     * sharing the cache, is left alone. (A recycled id only delays the sweep to a later run.)
     */
    static void sweepAbandoned(Path cacheDir) {
        if (cacheDir == null || !Files.isDirectory(cacheDir)) {
            return;
        }
        try (var s = Files.list(cacheDir)) {
            for (Path f : s.toList()) {
                String name = f.getFileName().toString();
                int at = name.lastIndexOf(TMP_MARK);
                if (at < 0) {
                    continue;
                }
                String rest = name.substring(at + TMP_MARK.length());
                int dash = rest.indexOf('-');
                long pid;
                try {
                    pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                deleteQuietly(f);
            }
        } catch (IOException | UncheckedIOException e) {
            // Only space is lost; the next write sweeps again.
        }
    }

    /** Writes the entry, or reports why not: a cache only saves time. */
    private void tryWrite(GalleryIndex g, SpatialFeatures features, Dataset data, String key, Path entry) {
        Path tmp = entry.resolveSibling(entry.getFileName() + TMP_MARK + ProcessHandle.current().pid() + "-"
                + System.nanoTime());
        sweepAbandoned(entry.getParent());
        try {
            write(g, features, data, key, tmp);
            if (Files.exists(entry, LinkOption.NOFOLLOW_LINKS)) {
                // An entry for this key that did not read back (damaged, or of an older layout).
                deleteRecursively(entry);
            }
            Files.move(tmp, entry, StandardCopyOption.ATOMIC_MOVE);
        } catch (JobCancelledException e) {
            deleteQuietly(tmp);
            throw e;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": "
                    + e.getMessage();
            // The same words as CacheWrite's, which the other caches use.
            warnings.accept("cannot write the CHM-Corr gallery index cache (" + why + "); the run goes on without "
                    + "caching " + entry);
        }
    }

    /**
     * Writes an index as a feature store in {@code dir} (new or empty; throws when it cannot be
     * written), its manifest last.
     */
    public static void write(GalleryIndex g, SpatialFeatures features, Dataset data, String key, Path dir) {
        ProbeableModel model = features.model();
        int d = g.dimension();
        List<StoreManifest.PointColumn> columns = List.of(new StoreManifest.PointColumn(g.point(), new long[] {d},
                "spatial-mean", d));
        int[] items = IntStream.range(0, g.size()).toArray();
        String[] sources = new String[g.size()];
        for (int i = 0; i < sources.length; i++) {
            sources[i] = data.describeItem(i);
        }
        try (FeatureStoreWriter w = FeatureStoreWriter.create(dir, columns, false)) {
            w.write(new FeatureChunk(items, g.labels().clone(), sources, new int[] {d}, List.of(g.features())));
            w.commit("Lamina " + (GalleryIndexCache.class.getPackage().getImplementationVersion() == null ? "0.1.0-SNAPSHOT"
                            : GalleryIndexCache.class.getPackage().getImplementationVersion()),
                    StoreManifest.ModelInfo.of(model),
                    new StoreManifest.DataInfo(g.dataset(), data.name(), data.contentIdentity(), data.size(),
                            g.classNames()),
                    "spatial-mean", model.device().toString(),
                    Map.of(KEY_EXTRA, key, "normalisation", "l2", "galleryPoint", g.point()));
        }
    }

    /**
     * Reads an entry; null when it was computed from something else than {@code key} says (then it
     * is rebuilt). Throws {@link FeatureStoreException} when it is not a readable store.
     */
    public static GalleryIndex read(Path dir, String key) {
        FeatureStore s = FeatureStore.open(dir);
        StoreManifest m = s.manifest();
        if (!key.equals(m.extras().get(KEY_EXTRA)) || m.points().size() != 1) {
            return null;
        }
        StoreManifest.PointColumn c = m.points().get(0);
        FeatureChunk rows = s.readAll();
        for (int i = 0; i < rows.size(); i++) {
            if (rows.items()[i] != i) {
                throw new FeatureStoreException(dir + ": gallery cache rows must be items 0 … " + (m.rows() - 1)
                        + ", row " + i + " is item " + rows.items()[i]);
            }
        }
        List<String> names = m.data().labelNames() == null ? List.of() : m.data().labelNames();
        return new GalleryIndex(m.model().weightsSha256(), m.data().name(), c.name(), c.dimension(), rows.values().get(0),
                rows.labels(), names);
    }

    private static void deleteQuietly(Path p) {
        try {
            deleteRecursively(p);
        } catch (IOException | RuntimeException e) {
            // Only a temporary folder; the next write uses another name.
        }
    }

    private static void deleteRecursively(Path f) throws IOException {
        if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
            // The manifest first: from then on nobody reads the rest as an entry.
            Files.deleteIfExists(f.resolve(StoreManifest.FILE));
            try (Stream<Path> s = Files.list(f)) {
                for (Path c : s.toList()) {
                    deleteRecursively(c);
                }
            }
        }
        Files.delete(f);
    }
}
