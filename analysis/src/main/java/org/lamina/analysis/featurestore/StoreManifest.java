package org.lamina.analysis.featurestore;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.lamina.analysis.job.OutputException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code _manifest.json} of a feature store, written last (the leading underscore makes Spark and pyarrow, which skip files starting with {@code _} or {@code .}, read the folder as plain Parquet): a folder without it is a store whose
 * writing has not finished (or was killed) and is never read. It says what the rows are features
 * of (model weights and manifest hashes, the data's content identity, points and reduction, the
 * Lamina version and the engine that wrote the parts) and lists the parts with their row counts,
 * so a reader can refuse a store whose parts were removed, truncated or added to by hand.
 *
 * @param format        always {@link #FORMAT}
 * @param formatVersion {@link #FORMAT_VERSION}
 * @param lamina        Lamina version that wrote the store
 * @param engine        what wrote the parts, e.g. {@code duckdb 1.4.4} or {@code spark 3.5.6 (2 partitions)}
 * @param created       ISO-8601 instant the manifest was written
 * @param model         the model the features come from
 * @param data          the data set the rows are items of
 * @param reduce        the reduction asked for ({@code last|mean|cls|spatial-mean|none})
 * @param points        one column per probe point, in forward order
 * @param rows          total rows
 * @param parts         the Parquet files, in item order (each part's items ascending, parts disjoint)
 * @param device        the device the forwards ran on
 * @param extras        what else the writer records (e.g. the CHM-Corr gallery's feature point)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record StoreManifest(String format, int formatVersion, String lamina, String engine, String created,
                            ModelInfo model, DataInfo data, String reduce, List<PointColumn> points, long rows,
                            List<Part> parts, String device, Map<String, Object> extras) {

    /** File name of the manifest inside the store folder. */
    public static final String FILE = "_manifest.json";
    /** Value of {@code format}. */
    public static final String FORMAT = "lamina-feature-store";
    /** Layout version; a reader refuses a newer one. */
    public static final int FORMAT_VERSION = 1;

    /** Column names every store has before its point columns. */
    public static final String ITEM_COLUMN = "item_id";
    public static final String LABEL_COLUMN = "label";
    public static final String SOURCE_COLUMN = "source";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public StoreManifest {
        // Missing lists are left empty here so that read() can name the missing field.
        points = points == null ? List.of() : List.copyOf(points);
        parts = parts == null ? List.of() : List.copyOf(parts);
        extras = extras == null ? Map.of() : Map.copyOf(extras);
    }

    /**
     * The model: enough to tell whether a store may stand in for running this model.
     *
     * @param name           manifest name
     * @param directory      where it was opened from, for people (not compared)
     * @param weightsSha256  SHA-256 of its weights file
     * @param manifestSha256 SHA-256 of its canonical model.json ({@code ManifestDigest})
     */
    public record ModelInfo(String name, String directory, String weightsSha256, String manifestSha256) {

        /** What a manifest records of {@code model}: its name, folder and both hashes. */
        public static ModelInfo of(org.lamina.analysis.model.ProbeableModel model) {
            org.lamina.analysis.model.ModelManifest mf = model.manifest();
            return new ModelInfo(mf.name(), String.valueOf(mf.directory()), model.weightsSha256(),
                    org.lamina.analysis.model.ManifestDigest.sha256(mf));
        }
    }

    /**
     * The data set.
     *
     * @param reference  what the user named ({@code sample:fashion-test}, a folder, a list file)
     * @param name       the data set's name
     * @param identity   its content identity ({@code Dataset.contentIdentity()}): equal identities, equal items
     * @param size       items in the data set (a store may hold a subset)
     * @param labelNames the label of each label index, when the data set has names
     */
    public record DataInfo(String reference, String name, String identity, int size, List<String> labelNames) {
    }

    /**
     * One point column.
     *
     * @param name      probe point name; also the Parquet column name
     * @param shape     shape of one item's value before flattening ({@code [d]} after a reduction)
     * @param reduction what was applied at this point: {@code cls}, {@code mean}, {@code last} (a token
     *                  axis), {@code spatial-mean} (a map's h×w), {@code none} (kept whole)
     * @param dimension length of one item's vector (the product of {@code shape})
     */
    public record PointColumn(String name, long[] shape, String reduction, int dimension) {
    }

    /**
     * One Parquet file.
     *
     * @param file      file name relative to the store folder
     * @param rows      rows it holds
     * @param firstItem its smallest item id
     * @param lastItem  its largest item id
     */
    public record Part(String file, long rows, long firstItem, long lastItem) {
    }

    /** Index of point {@code name}, or −1. */
    public int pointIndex(String name) {
        for (int i = 0; i < points.size(); i++) {
            if (points.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Point names in column order. */
    public List<String> pointNames() {
        return points.stream().map(PointColumn::name).toList();
    }

    /** Writes {@code dir/_manifest.json} atomically (temporary file, then rename). */
    public void write(Path dir) {
        write(StoreFolder.local(dir));
    }

    /**
     * Writes {@code _manifest.json} into {@code dir} wherever it lies (the Spark driver's store on
     * Hadoop's file systems), whole or not at all.
     */
    public void write(StoreFolder dir) {
        byte[] json = toJson();
        try {
            dir.write(FILE, json);
        } catch (IOException e) {
            throw new OutputException("cannot write " + FILE + " into " + dir + ": " + OutputException.reason(e), e);
        }
    }

    /** The manifest's JSON, the bytes {@link #write} writes. */
    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the feature-store manifest: " + e.getMessage(), e);
        }
    }

    /** Reads a store's manifest; a folder without one is refused as an unfinished store. */
    public static StoreManifest read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isDirectory(dir)) {
            throw new FeatureStoreException(dir + ": not a feature store (no such folder)");
        }
        if (!Files.isRegularFile(file)) {
            throw new FeatureStoreException(dir + ": no " + FILE + ", so this store was never finished (its extraction "
                    + "was interrupted or is still running) or the folder is not a feature store; run lamina extract "
                    + "again");
        }
        StoreManifest m;
        try {
            m = JSON.readValue(file.toFile(), StoreManifest.class);
        } catch (IOException e) {
            throw new FeatureStoreException(file + ": not a readable feature-store manifest (" + e.getMessage() + ")", e);
        }
        if (!FORMAT.equals(m.format())) {
            throw new FeatureStoreException(file + ": field format is '" + m.format() + "', expected '" + FORMAT + "'");
        }
        if (m.formatVersion() > FORMAT_VERSION) {
            throw new FeatureStoreException(file + ": formatVersion " + m.formatVersion() + " is newer than this "
                    + "Lamina reads (" + FORMAT_VERSION + "); update Lamina");
        }
        if (m.model() == null || m.model().weightsSha256() == null) {
            throw new FeatureStoreException(file + ": field model (with weightsSha256) is missing");
        }
        if (m.data() == null || m.data().identity() == null) {
            throw new FeatureStoreException(file + ": field data (with identity) is missing");
        }
        if (m.reduce() == null) {
            throw new FeatureStoreException(file + ": field reduce is missing");
        }
        if (m.points().isEmpty()) {
            throw new FeatureStoreException(file + ": field points is empty; a store holds at least one point");
        }
        long total = 0;
        long previous = Long.MIN_VALUE;
        for (Part p : m.parts()) {
            if (p.file() == null || p.file().contains("/") || p.file().contains("\\") || p.file().startsWith(".")) {
                throw new FeatureStoreException(file + ": part file '" + p.file() + "' must be a plain file name inside "
                        + "the store");
            }
            if (p.rows() > 0 && (p.firstItem() <= previous || p.lastItem() < p.firstItem())) {
                throw new FeatureStoreException(file + ": part " + p.file() + " holds items " + p.firstItem() + " … "
                        + p.lastItem() + ", not after the previous part's last item " + previous);
            }
            if (p.rows() > 0) {
                previous = p.lastItem();
            }
            total += p.rows();
        }
        if (total != m.rows()) {
            throw new FeatureStoreException(file + ": field rows is " + m.rows() + " but the parts hold " + total);
        }
        return m;
    }
}
