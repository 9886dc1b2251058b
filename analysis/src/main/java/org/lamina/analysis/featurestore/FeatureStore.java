package org.lamina.analysis.featurestore;

import org.duckdb.DuckDBConnection;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ManifestDigest;
import org.lamina.analysis.model.ProbeableModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A finished feature store, opened for reading: its manifest ({@link StoreManifest#read} refuses
 * an unfinished one) and its parts, read through DuckDB in item order. Rows that a filter or an
 * item list does not want are dropped as they stream past, so memory holds what is returned.
 */
public final class FeatureStore {

    private final Path dir;
    private final StoreManifest manifest;

    private FeatureStore(Path dir, StoreManifest manifest) {
        this.dir = dir;
        this.manifest = manifest;
    }

    /** Opens the store in {@code dir}: its manifest, and every part it lists present. */
    public static FeatureStore open(Path dir) {
        StoreManifest m = StoreManifest.read(dir);
        for (StoreManifest.Part p : m.parts()) {
            if (!Files.isRegularFile(dir.resolve(p.file()))) {
                throw new FeatureStoreException(dir + ": part " + p.file() + " listed in " + StoreManifest.FILE
                        + " is missing; the store is damaged, extract it again");
            }
        }
        return new FeatureStore(dir, m);
    }

    /** The store's folder. */
    public Path directory() {
        return dir;
    }

    /** Its manifest. */
    public StoreManifest manifest() {
        return manifest;
    }

    /** Every row, every point. */
    public FeatureChunk readAll() {
        return read(manifest.pointNames(), null, null, true, ProgressSink.none());
    }

    /**
     * Rows of {@code items} (ascending data-set indices) at {@code points}; every item must be in
     * the store, else the first missing ones are named.
     */
    public FeatureChunk readItems(List<String> points, int[] items) {
        return read(points, null, items, true, ProgressSink.none());
    }

    /**
     * Rows of those of {@code items} (ascending data-set indices) the store holds, at
     * {@code points}; the caller names what is missing in its own terms.
     */
    public FeatureChunk readPresent(List<String> points, int[] items) {
        return read(points, null, items, false, ProgressSink.none());
    }

    /**
     * Rows matching the SQL condition {@code where} (over {@code item_id}, {@code label},
     * {@code source} and the point columns, e.g. {@code label = 3}), or all rows when it is null.
     */
    public FeatureChunk select(List<String> points, String where) {
        return read(points, where, null, true, ProgressSink.none());
    }

    /**
     * Checks that this store holds features of {@code model} over {@code data}: the same weights,
     * the same {@code model.json} and the same items (content identity), else a refusal naming
     * {@code what} (e.g. "gallery store"), the folder, the manifest field and both values. Every
     * consumer of a store (probes, CHM-Corr's gallery, CRAFT's activations) checks these three.
     */
    public void requireSource(String what, ProbeableModel model, Dataset data) {
        StoreManifest.ModelInfo m = manifest.model();
        String name = model.manifest().name();
        if (!model.weightsSha256().equals(m.weightsSha256())) {
            throw new FeatureStoreException(what + " " + dir + " holds features of model '" + m.name()
                    + "' (manifest field model.weightsSha256 " + abbrev(m.weightsSha256()) + "), not of '" + name
                    + "' (" + abbrev(model.weightsSha256()) + "); extract a store with this model");
        }
        String digest = ManifestDigest.sha256(model.manifest());
        if (!digest.equals(m.manifestSha256())) {
            throw new FeatureStoreException(what + " " + dir + " was extracted with a different model.json for the "
                    + "same weights (manifest field model.manifestSha256 " + abbrev(m.manifestSha256()) + " vs "
                    + abbrev(digest) + "): its points or preprocessing may differ; extract it again");
        }
        String identity = data.contentIdentity();
        if (!identity.equals(manifest.data().identity())) {
            throw new FeatureStoreException(what + " " + dir + " holds items of data set '" + manifest.data().name()
                    + "' (manifest field data.identity " + abbrev(manifest.data().identity()) + "), not of '"
                    + data.name() + "' (" + abbrev(identity) + "); the item ids would name other items");
        }
    }

    private static String abbrev(String sha) {
        return sha == null ? "none" : sha.substring(0, Math.min(12, sha.length()));
    }

    /** Number of rows matching {@code where} (all when null), without reading the vectors. */
    public long count(String where) {
        String sql = "SELECT count(*) FROM " + from() + (where == null ? "" : " WHERE (" + where + ")");
        try (DuckDBConnection db = DuckDb.open(); Statement s = db.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new FeatureStoreException("feature store " + dir + (where == null ? "" : ", filter '" + where + "'")
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads {@code points} of the rows that {@code where} (a caller's SQL, or null) or
     * {@code wanted} (ascending items, or null; with {@code requireAll} every one must be there)
     * select.
     *
     * <p>Vectors are read as unnested lists, so every value arrives as a plain float: DuckDB's JDBC
     * arrays box each element, which cost 4–8 s and 3.9 GB to read a 148 MB store
     * (bench/README.md "Feature stores (#20)"). How the values find their rows depends on order:
     * a plain scan with range conditions, which is all this class writes itself, returns rows in
     * file order (DuckDB's documented insertion-order guarantee for SELECT … WHERE), and the
     * manifest lists parts in item order; a caller's filter may hold anything (an {@code IN} list
     * is planned as a join and comes back shuffled, seen here), so there each value also carries
     * its list index and lands by item and index. Either way every value carries its item id and
     * a row that is null, of another length or out of step is refused, never shifted.
     */
    private FeatureChunk read(List<String> points, String where, int[] wanted, boolean requireAll,
                              ProgressSink progress) {
        int[] dims = new int[points.size()];
        for (int p = 0; p < points.size(); p++) {
            int i = manifest.pointIndex(points.get(p));
            if (i < 0) {
                throw new FeatureStoreException("feature store " + dir + " has no point '" + points.get(p)
                        + "'; it holds " + String.join(", ", manifest.pointNames()));
            }
            dims[p] = manifest.points().get(i).dimension();
        }
        boolean ordered = where == null || where.isBlank();
        List<StoreManifest.Part> parts = wanted == null ? manifest.parts() : partsHolding(wanted);
        String condition = ordered ? ranges(wanted) : " WHERE (" + where + ")";
        String filter = ordered ? "" : ", filter '" + where + "'";
        try (DuckDBConnection db = DuckDb.open(); Statement s = db.createStatement()) {
            Rows rows = rows(s, parts, condition, ordered);
            if (wanted == null && ordered && rows.ids.length != manifest.rows()) {
                throw new FeatureStoreException("feature store " + dir + ": its parts hold " + rows.ids.length
                        + " rows, its manifest " + manifest.rows() + "; a part was changed after the store was "
                        + "written, extract it again");
            }
            boolean[] keep = new boolean[rows.ids.length];
            int kept = 0;
            for (int i = 0; i < keep.length; i++) {
                keep[i] = wanted == null || Arrays.binarySearch(wanted, (int) rows.ids[i]) >= 0;
                kept += keep[i] ? 1 : 0;
            }
            int[] items = new int[kept];
            int[] labels = new int[kept];
            String[] sources = new String[kept];
            int[] slot = new int[keep.length];
            for (int i = 0, k = 0; i < keep.length; i++) {
                slot[i] = keep[i] ? k : -1;
                if (keep[i]) {
                    items[k] = (int) rows.ids[i];
                    labels[k] = rows.labels[i];
                    sources[k++] = rows.sources[i];
                }
            }
            if (wanted != null && requireAll && kept != wanted.length) {
                String missing = Arrays.stream(wanted).filter(i -> Arrays.binarySearch(items, i) < 0).limit(5)
                        .mapToObj(Integer::toString).collect(Collectors.joining(", "));
                throw new FeatureStoreException("feature store " + dir + " lacks " + (wanted.length - kept) + " of the "
                        + wanted.length + " items asked for (first: " + missing + "); it holds " + manifest.rows()
                        + " rows of data set '" + manifest.data().name() + "'");
            }
            progress.begin((long) dims.length * rows.ids.length);
            List<float[]> values = new ArrayList<>();
            for (int p = 0; p < dims.length; p++) {
                float[] into = new float[Math.multiplyExact(kept, dims[p])];
                if (rows.ids.length > 0) {
                    if (ordered) {
                        readInOrder(s, parts, condition, points.get(p), dims[p], rows.ids, slot, into, progress);
                    } else {
                        readByIndex(s, parts, condition, points.get(p), dims[p], rows.ids, slot, into, progress);
                    }
                }
                values.add(into);
            }
            return new FeatureChunk(items, labels, sources, dims, values);
        } catch (SQLException e) {
            throw new FeatureStoreException("feature store " + dir + filter + ": " + e.getMessage(), e);
        }
    }

    /** Item ids (ascending), labels and sources of the selected rows. */
    private record Rows(long[] ids, int[] labels, String[] sources) {
    }

    private Rows rows(Statement s, List<StoreManifest.Part> parts, String condition, boolean ordered)
            throws SQLException {
        List<Long> ids = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        if (!parts.isEmpty()) {
            // Sorting ids, labels and sources is cheap; the vectors are never sorted.
            try (ResultSet r = s.executeQuery("SELECT " + StoreManifest.ITEM_COLUMN + ", " + StoreManifest.LABEL_COLUMN
                    + ", " + StoreManifest.SOURCE_COLUMN + " FROM " + from(parts) + condition
                    + (ordered ? "" : " ORDER BY " + StoreManifest.ITEM_COLUMN))) {
                while (r.next()) {
                    long item = r.getLong(1);
                    if (!ids.isEmpty() && item <= ids.get(ids.size() - 1)) {
                        throw new FeatureStoreException("feature store " + dir + ": item " + item + " follows item "
                                + ids.get(ids.size() - 1) + "; a part was changed after the store was written, "
                                + "extract it again");
                    }
                    ids.add(item);
                    int label = r.getInt(2);
                    labels.add(r.wasNull() ? FeatureChunk.NO_LABEL : label);
                    sources.add(r.getString(3));
                }
            }
        }
        return new Rows(ids.stream().mapToLong(Long::longValue).toArray(),
                labels.stream().mapToInt(Integer::intValue).toArray(), sources.toArray(String[]::new));
    }

    /**
     * Point {@code point} of rows {@code ids}, which the same condition returns in the same
     * (file) order: each row's values follow each other, so the item id only has to step along.
     * Rows with {@code slot < 0} are read past.
     */
    private void readInOrder(Statement s, List<StoreManifest.Part> parts, String condition, String point, int d,
                             long[] ids, int[] slot, float[] into, ProgressSink progress) throws SQLException {
        int row = -1;
        int filled = d;
        long read = 0;
        try (ResultSet r = s.executeQuery("SELECT " + StoreManifest.ITEM_COLUMN + ", unnest(" + DuckDb.quote(point)
                + ") FROM " + from(parts) + condition)) {
            while (r.next()) {
                if (filled == d) {
                    // The next row starts: it must be the next id of the item column.
                    long item = r.getLong(1);
                    if (row >= 0 && ids[row] == item) {
                        throw wrongLength(point, d, item, d + 1);
                    }
                    row++;
                    if (row == ids.length || ids[row] != item) {
                        throw outOfStep(point, d, row == ids.length ? item : ids[row]);
                    }
                    filled = 0;
                } else if (r.getLong(1) != ids[row]) {
                    throw wrongLength(point, d, ids[row], filled);
                }
                float v = r.getFloat(2);
                if (r.wasNull()) {
                    throw new FeatureStoreException("feature store " + dir + ", item " + ids[row] + ": point " + point
                            + " holds a null value");
                }
                if (slot[row] >= 0) {
                    into[slot[row] * d + filled] = v;
                }
                if (++filled == d) {
                    progress.advance(1);
                }
                if ((++read & ((1 << 20) - 1)) == 0) {
                    progress.checkCancelled();
                }
            }
        }
        if (filled != d) {
            throw wrongLength(point, d, ids[row], filled);
        }
        if (row + 1 != ids.length) {
            throw outOfStep(point, d, ids[row + 1]);
        }
    }

    /**
     * Point {@code point} of rows {@code ids} in whatever order DuckDB returns them: each value
     * comes with its 1-based list index and lands at its row (found by item id) and index; every
     * row must then have exactly {@code d} values.
     */
    private void readByIndex(Statement s, List<StoreManifest.Part> parts, String condition, String point, int d,
                             long[] ids, int[] slot, float[] into, ProgressSink progress) throws SQLException {
        int[] count = new int[ids.length];
        long read = 0;
        String column = DuckDb.quote(point);
        try (ResultSet r = s.executeQuery("SELECT " + StoreManifest.ITEM_COLUMN + ", generate_subscripts(" + column
                + ", 1), unnest(" + column + ") FROM " + from(parts) + condition)) {
            int row = -1;
            long current = Long.MIN_VALUE;
            while (r.next()) {
                long item = r.getLong(1);
                if (item != current) {
                    row = Arrays.binarySearch(ids, item);
                    if (row < 0) {
                        throw new FeatureStoreException("feature store " + dir + ": point " + point + " has values for "
                                + "item " + item + ", which the item column did not select; a part changed while read");
                    }
                    current = item;
                }
                int k = r.getInt(2) - 1;
                if (k < 0 || k >= d) {
                    throw wrongLength(point, d, item, k + 1);
                }
                float v = r.getFloat(3);
                if (r.wasNull()) {
                    throw new FeatureStoreException("feature store " + dir + ", item " + item + ": point " + point
                            + " holds a null value");
                }
                if (slot[row] >= 0) {
                    into[slot[row] * d + k] = v;
                }
                if (++count[row] == d) {
                    progress.advance(1);
                }
                if ((++read & ((1 << 20) - 1)) == 0) {
                    progress.checkCancelled();
                }
            }
        }
        for (int row = 0; row < ids.length; row++) {
            if (count[row] != d) {
                throw wrongLength(point, d, ids[row], count[row]);
            }
        }
    }

    private FeatureStoreException wrongLength(String point, int d, long item, int values) {
        return new FeatureStoreException("feature store " + dir + ", item " + item + ": point " + point + " has "
                + (values == 0 ? "no values (null or empty)" : values + " or more values") + ", the manifest says " + d);
    }

    private FeatureStoreException outOfStep(String point, int d, long item) {
        return new FeatureStoreException("feature store " + dir + ", item " + item + ": point " + point + " has no "
                + "values (null or empty) or its values are out of step with the item column; the manifest says " + d
                + " values per item");
    }

    /** The parts whose item range holds one of {@code wanted} (ascending), from the manifest. */
    private List<StoreManifest.Part> partsHolding(int[] wanted) {
        List<StoreManifest.Part> out = new ArrayList<>();
        for (StoreManifest.Part p : manifest.parts()) {
            if (p.rows() == 0) {
                continue;
            }
            int at = Arrays.binarySearch(wanted, (int) Math.min(Integer.MAX_VALUE, p.firstItem()));
            int next = at >= 0 ? at : -at - 1;
            if (next < wanted.length && wanted[next] <= p.lastItem()) {
                out.add(p);
            }
        }
        return out;
    }

    /** Most runs spelled out in a WHERE clause; beyond, one range and the rest dropped in Java. */
    private static final int MAX_RANGES = 64;

    /**
     * The WHERE clause for items {@code wanted} (null: none): the runs of consecutive items as
     * ranges, which DuckDB checks against each row group's item-id statistics, so only the groups
     * holding wanted items are decoded. Ranges, not {@code IN}: an {@code IN} list is planned as
     * a join, which does not keep file order.
     */
    private static String ranges(int[] wanted) {
        if (wanted == null || wanted.length == 0) {
            return "";
        }
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < wanted.length && runs.size() <= MAX_RANGES; ) {
            int j = i;
            while (j + 1 < wanted.length && wanted[j + 1] == wanted[j] + 1) {
                j++;
            }
            runs.add(StoreManifest.ITEM_COLUMN + " BETWEEN " + wanted[i] + " AND " + wanted[j]);
            i = j + 1;
        }
        if (runs.size() > MAX_RANGES) {
            return " WHERE " + StoreManifest.ITEM_COLUMN + " BETWEEN " + wanted[0] + " AND "
                    + wanted[wanted.length - 1];
        }
        return " WHERE " + String.join(" OR ", runs);
    }

    private String from() {
        return from(manifest.parts());
    }

    private String from(List<StoreManifest.Part> parts) {
        return "read_parquet([" + parts.stream()
                .map(p -> DuckDb.literal(dir.resolve(p.file()).toAbsolutePath().toString()))
                .collect(Collectors.joining(", ")) + "])";
    }
}
