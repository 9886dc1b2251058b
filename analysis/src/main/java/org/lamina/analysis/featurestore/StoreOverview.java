package org.lamina.analysis.featurestore;

import org.duckdb.DuckDBConnection;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the workbench shows of a feature store in its data list (issue #20, "in the workbench a
 * store opens in the data list"): a summary of the manifest for people, and the rows an SQL
 * condition selects — item id, label and source, without reading the vectors — so the view only
 * collects the condition and draws the answer. The condition is DuckDB SQL over {@code item_id},
 * {@code label}, {@code source} and the point columns (float arrays, e.g.
 * {@code list_max("relu2") > 2}); it runs in an in-memory database on the store's own Parquet
 * files, with the user's rights, like the DuckDB shell the README shows.
 */
public final class StoreOverview {

    /** Most rows {@link #rows} returns; {@link Rows#matching} still counts them all. */
    public static final int DEFAULT_LIMIT = 1000;

    private final FeatureStore store;

    private StoreOverview(FeatureStore store) {
        this.store = store;
    }

    /** Opens the store in {@code dir} (refused as {@link FeatureStore#open} refuses). */
    public static StoreOverview open(Path dir) {
        return new StoreOverview(FeatureStore.open(dir));
    }

    public FeatureStore store() {
        return store;
    }

    /** The manifest in a few lines: model, data, reduction and points, rows and parts, writer. */
    public List<String> summary() {
        StoreManifest m = store.manifest();
        List<String> out = new ArrayList<>();
        out.add("model " + m.model().name() + " (weights " + abbrev(m.model().weightsSha256()) + ")");
        out.add("data " + m.data().name() + ": " + String.format(Locale.ROOT, "%,d", m.rows()) + " of "
                + String.format(Locale.ROOT, "%,d", m.data().size()) + " items");
        out.add("reduce " + m.reduce() + ", " + m.points().size() + " point" + (m.points().size() == 1 ? "" : "s") + ":");
        for (StoreManifest.PointColumn p : m.points()) {
            out.add("  " + p.name() + " " + Arrays.toString(p.shape()) + " " + p.reduction() + " ("
                    + String.format(Locale.ROOT, "%,d", p.dimension()) + " values)");
        }
        out.add(m.parts().size() + " part" + (m.parts().size() == 1 ? "" : "s") + ", " + m.engine() + ", "
                + (m.created() == null ? "" : m.created().replaceFirst("\\.\\d+Z$", "Z")));
        return out;
    }

    /**
     * The manifest in three lines for a narrow list: model and data with the row count, the
     * reduction with each point's per-item shape, and parts, engine and date.
     */
    public List<String> compactSummary() {
        StoreManifest m = store.manifest();
        String points = m.points().stream().map(p -> p.name() + " " + Arrays.toString(p.shape()))
                .collect(Collectors.joining(", "));
        String created = m.created() == null ? "" : ", " + m.created().replaceFirst("T.*$", "");
        return List.of(m.model().name() + " on " + m.data().name() + ": " + String.format(Locale.ROOT, "%,d", m.rows())
                        + " of " + String.format(Locale.ROOT, "%,d", m.data().size()) + " items",
                m.reduce() + ": " + points,
                m.parts().size() + " part" + (m.parts().size() == 1 ? "" : "s") + ", " + m.engine() + created);
    }

    /**
     * The rows matching an SQL condition.
     *
     * @param matching how many rows match in all
     * @param items    the first matching rows' item ids (at most the limit), ascending
     * @param labels   their labels ({@link FeatureChunk#NO_LABEL} when none)
     * @param sources  their sources
     */
    public record Rows(long matching, int[] items, int[] labels, String[] sources) {
    }

    /**
     * Rows matching {@code where} (all when null or blank), the first {@code limit} listed.
     *
     * @throws FeatureStoreException naming the store, the condition and DuckDB's complaint
     */
    public Rows rows(String where, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be ≥ 0, got " + limit);
        }
        String cond = where == null || where.isBlank() ? null : where.strip();
        if (cond != null && cond.contains(";")) {
            throw new FeatureStoreException("feature store " + store.directory() + ", filter '" + cond + "': one SQL "
                    + "condition, without ';' (e.g. label = 3 AND item_id < 100)");
        }
        long matching = store.count(cond);
        if (store.manifest().parts().isEmpty()) {
            return new Rows(0, new int[0], new int[0], new String[0]);
        }
        String sql = "SELECT " + StoreManifest.ITEM_COLUMN + ", " + StoreManifest.LABEL_COLUMN + ", "
                + StoreManifest.SOURCE_COLUMN + " FROM " + from() + (cond == null ? "" : " WHERE (" + cond + ")")
                + " ORDER BY " + StoreManifest.ITEM_COLUMN + " LIMIT " + limit;
        int n = (int) Math.min(limit, matching);
        int[] items = new int[n];
        int[] labels = new int[n];
        String[] sources = new String[n];
        int got = 0;
        try (DuckDBConnection db = DuckDb.open(); Statement s = db.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next() && got < n) {
                items[got] = (int) r.getLong(1);
                int label = r.getInt(2);
                labels[got] = r.wasNull() ? FeatureChunk.NO_LABEL : label;
                sources[got] = r.getString(3);
                got++;
            }
        } catch (SQLException e) {
            throw new FeatureStoreException("feature store " + store.directory() + ", filter '" + cond + "': "
                    + e.getMessage(), e);
        }
        return new Rows(matching, Arrays.copyOf(items, got), Arrays.copyOf(labels, got), Arrays.copyOf(sources, got));
    }

    private String from() {
        return "read_parquet([" + store.manifest().parts().stream()
                .map(p -> DuckDb.literal(store.directory().resolve(p.file()).toAbsolutePath().toString()))
                .collect(Collectors.joining(", ")) + "])";
    }

    private static String abbrev(String sha) {
        return sha == null ? "none" : sha.substring(0, Math.min(12, sha.length())) + "…";
    }
}
