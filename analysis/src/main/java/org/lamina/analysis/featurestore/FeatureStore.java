package org.lamina.analysis.featurestore;

import org.duckdb.DuckDBConnection;

import org.lamina.analysis.job.ProgressSink;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
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
        return read(manifest.pointNames(), null, null, ProgressSink.none());
    }

    /**
     * Rows of {@code items} (ascending data-set indices) at {@code points}; every item must be in
     * the store, else the first missing ones are named.
     */
    public FeatureChunk readItems(List<String> points, int[] items) {
        return read(points, null, items, ProgressSink.none());
    }

    /**
     * Rows matching the SQL condition {@code where} (over {@code item_id}, {@code label},
     * {@code source} and the point columns, e.g. {@code label = 3}), or all rows when it is null.
     */
    public FeatureChunk select(List<String> points, String where) {
        return read(points, where, null, ProgressSink.none());
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

    private FeatureChunk read(List<String> points, String where, int[] wanted, ProgressSink progress) {
        int[] dims = new int[points.size()];
        for (int p = 0; p < points.size(); p++) {
            int i = manifest.pointIndex(points.get(p));
            if (i < 0) {
                throw new FeatureStoreException("feature store " + dir + " has no point '" + points.get(p)
                        + "'; it holds " + String.join(", ", manifest.pointNames()));
            }
            dims[p] = manifest.points().get(i).dimension();
        }
        if (manifest.parts().isEmpty()) {
            if (wanted != null && wanted.length > 0) {
                throw new FeatureStoreException("feature store " + dir + " is empty; it holds none of the "
                        + wanted.length + " items asked for");
            }
            List<float[]> none = new ArrayList<>();
            for (int ignored : dims) {
                none.add(new float[0]);
            }
            return new FeatureChunk(new int[0], new int[0], new String[0], dims, none);
        }
        StringBuilder sql = new StringBuilder("SELECT " + StoreManifest.ITEM_COLUMN + ", " + StoreManifest.LABEL_COLUMN
                + ", " + StoreManifest.SOURCE_COLUMN);
        for (String p : points) {
            sql.append(", ").append(DuckDb.quote(p));
        }
        sql.append(" FROM ").append(from());
        if (where != null && !where.isBlank()) {
            sql.append(" WHERE (").append(where).append(')');
        }
        sql.append(" ORDER BY ").append(StoreManifest.ITEM_COLUMN);
        int capacity = wanted != null ? wanted.length : (int) Math.min(Integer.MAX_VALUE - 8, manifest.rows());
        int[] items = new int[Math.max(capacity, 1)];
        int[] labels = new int[items.length];
        String[] sources = new String[items.length];
        List<float[]> values = new ArrayList<>();
        for (int d : dims) {
            values.add(new float[Math.max(capacity, 1) * d]);
        }
        int n = 0;
        long seen = 0;
        try (DuckDBConnection db = DuckDb.open(); Statement s = db.createStatement();
             ResultSet r = s.executeQuery(sql.toString())) {
            while (r.next()) {
                seen++;
                long item = r.getLong(1);
                if (wanted != null && Arrays.binarySearch(wanted, (int) item) < 0) {
                    continue;
                }
                if (n == items.length) {
                    throw new FeatureStoreException("feature store " + dir + " holds more rows than its manifest says ("
                            + manifest.rows() + "); a part was changed after the store was written");
                }
                items[n] = (int) item;
                int label = r.getInt(2);
                labels[n] = r.wasNull() ? FeatureChunk.NO_LABEL : label;
                sources[n] = r.getString(3);
                for (int p = 0; p < dims.length; p++) {
                    copy(r.getArray(4 + p), values.get(p), n, dims[p], points.get(p), item);
                }
                n++;
                if ((seen & 1023) == 0) {
                    progress.checkCancelled();
                }
            }
        } catch (SQLException e) {
            throw new FeatureStoreException("feature store " + dir + (where == null ? "" : ", filter '" + where + "'")
                    + ": " + e.getMessage(), e);
        }
        if (where == null && seen != manifest.rows()) {
            throw new FeatureStoreException("feature store " + dir + ": its parts hold " + seen + " rows, its manifest "
                    + manifest.rows() + "; a part was changed after the store was written, extract it again");
        }
        if (wanted != null && n != wanted.length) {
            int[] got = Arrays.copyOf(items, n);
            String missing = Arrays.stream(wanted).filter(i -> Arrays.binarySearch(got, i) < 0).limit(5)
                    .mapToObj(Integer::toString).collect(Collectors.joining(", "));
            throw new FeatureStoreException("feature store " + dir + " lacks " + (wanted.length - n) + " of the "
                    + wanted.length + " items asked for (first: " + missing + "); it holds " + manifest.rows()
                    + " rows of data set '" + manifest.data().name() + "'");
        }
        for (int p = 0; p < dims.length; p++) {
            values.set(p, Arrays.copyOf(values.get(p), n * dims[p]));
        }
        return new FeatureChunk(Arrays.copyOf(items, n), Arrays.copyOf(labels, n), Arrays.copyOf(sources, n), dims,
                values);
    }

    private void copy(Array a, float[] into, int row, int d, String point, long item) throws SQLException {
        if (a == null) {
            throw new FeatureStoreException("feature store " + dir + ", item " + item + ": point " + point + " is null");
        }
        Object[] v = (Object[]) a.getArray();
        if (v.length != d) {
            throw new FeatureStoreException("feature store " + dir + ", item " + item + ": point " + point + " has "
                    + v.length + " values, the manifest says " + d);
        }
        int at = row * d;
        for (int k = 0; k < d; k++) {
            into[at + k] = ((Number) v[k]).floatValue();
        }
    }

    private String from() {
        return "read_parquet([" + manifest.parts().stream()
                .map(p -> DuckDb.literal(dir.resolve(p.file()).toAbsolutePath().toString()))
                .collect(Collectors.joining(", ")) + "])";
    }
}
