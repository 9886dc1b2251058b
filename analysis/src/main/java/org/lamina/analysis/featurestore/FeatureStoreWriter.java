package org.lamina.analysis.featurestore;

import org.lamina.analysis.data.ItemStorage;
import org.lamina.analysis.job.OutputException;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a feature store on one machine: each {@link FeatureChunk} becomes its own Parquet part
 * ({@link PartWriter}, through DuckDB), so memory holds one chunk whatever the store's size.
 * {@link #commit} writes the manifest last; until then the folder is not a store
 * ({@link StoreManifest#read} refuses it). An existing store is replaced only when
 * asked, and its manifest is removed first, so no reader sees old parts under a new manifest or
 * the reverse.
 */
public final class FeatureStoreWriter implements PartSink, AutoCloseable {

    private final Path dir;
    private final List<StoreManifest.PointColumn> points;
    private final PartWriter partWriter;
    private final List<StoreManifest.Part> parts = new ArrayList<>();
    private long lastItem = Long.MIN_VALUE;
    private long rows;
    private boolean committed;

    private FeatureStoreWriter(Path dir, List<StoreManifest.PointColumn> points) {
        this.dir = dir;
        this.points = List.copyOf(points);
        this.partWriter = new PartWriter(points);
    }

    /**
     * Prepares {@code dir} for a new store with columns {@code points}: the folder must not exist,
     * be empty, or (with {@code replace}) hold a finished store, which is then removed.
     */
    public static FeatureStoreWriter create(Path dir, List<StoreManifest.PointColumn> points, boolean replace) {
        prepare(dir, replace);
        return new FeatureStoreWriter(dir, points);
    }

    /**
     * Checks and empties the target folder of a store. A path that reads as a URL ({@code hdfs://x}
     * turned into the relative path {@code hdfs:/x}) is refused rather than created as a local
     * folder named {@code hdfs:}: stores at URLs are the Spark extraction's.
     */
    public static void prepare(Path dir, boolean replace) {
        // What Path.of("hdfs://nn/x") keeps of a URL still reads as one.
        if (ItemStorage.isUrl(dir.toString())) {
            throw new OutputException("refusing to write a feature store at " + dir + ": a URL; lamina extract writes "
                    + "to local or mounted storage only (the Spark application lamina-spark.jar writes stores to "
                    + "hdfs:// and s3a:// URLs)");
        }
        prepare(StoreFolder.local(dir), replace);
    }

    /**
     * Checks and empties the target folder of a store wherever it lies (the Spark driver passes a
     * folder on Hadoop's file systems): the folder must not exist, be empty, or (with
     * {@code replace}) hold a finished store, which is then removed, its manifest first.
     */
    public static void prepare(StoreFolder dir, boolean replace) {
        try {
            StoreFolder.Kind kind = dir.kind();
            if (kind == StoreFolder.Kind.OTHER) {
                throw new OutputException("refusing to write a feature store at " + dir + ": it exists and is not a folder");
            }
            if (kind == StoreFolder.Kind.FOLDER && !dir.list().isEmpty()) {
                if (!dir.isFile(StoreManifest.FILE)) {
                    throw new OutputException("refusing to write a feature store into " + dir + ": the folder holds "
                            + "files and is not a finished feature store (no " + StoreManifest.FILE + "); choose an "
                            + "empty or new folder");
                }
                if (!replace) {
                    throw new OutputException(dir + " already holds a feature store; pass --overwrite to replace it "
                            + "or choose another folder");
                }
                // The manifest goes first: from here on nobody reads the old parts as a store.
                dir.delete(StoreManifest.FILE);
                for (String f : dir.list()) {
                    dir.delete(f);
                }
            }
            dir.create();
        } catch (IOException e) {
            throw new OutputException("cannot write " + dir + ": " + OutputException.reason(e), e);
        }
    }

    /** Name of part {@code index}: sorted by name is sorted by item. */
    public static String partName(int index) {
        return String.format(Locale.ROOT, "part-%05d.parquet", index);
    }

    /** Writes {@code chunk} as the next part; its items must all follow the previous part's. */
    @Override
    public void write(FeatureChunk chunk) {
        if (committed) {
            throw new IllegalStateException("store " + dir + " is already committed");
        }
        if (chunk.size() == 0) {
            return;
        }
        if (chunk.items()[0] <= lastItem) {
            throw new IllegalArgumentException("chunk starts at item " + chunk.items()[0] + ", not after the previous "
                    + "part's last item " + lastItem);
        }
        StoreManifest.Part part = partWriter.write(chunk, dir.resolve(partName(parts.size())));
        parts.add(part);
        lastItem = part.lastItem();
        rows += part.rows();
    }

    /**
     * Writes the manifest, last, making the folder a store.
     *
     * @return the manifest written
     */
    public StoreManifest commit(String lamina, StoreManifest.ModelInfo model, StoreManifest.DataInfo data,
                                String reduce, String device, Map<String, Object> extras) {
        StoreManifest m = new StoreManifest(StoreManifest.FORMAT, StoreManifest.FORMAT_VERSION, lamina, DuckDb.version(),
                Instant.now().toString(), model, data, reduce, points, rows, parts, device, extras);
        m.write(dir);
        committed = true;
        return m;
    }

    /** The engine that writes parts, for manifests ({@code duckdb v1.4.4}). */
    public static String engine() {
        return DuckDb.version();
    }

    /** Rows written so far. */
    public long rows() {
        return rows;
    }

    @Override
    public void close() {
        partWriter.close();
    }
}
