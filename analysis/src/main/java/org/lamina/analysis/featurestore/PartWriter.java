package org.lamina.analysis.featurestore;

import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

/**
 * Writes one {@link FeatureChunk} as one Parquet part of a store through an in-process DuckDB:
 * the rows go into an in-memory table through DuckDB's appender, are copied to a hidden temporary
 * file next to the part and the file is renamed into place, so a part is either whole or absent.
 * The single-machine {@link FeatureStoreWriter} and each Spark task write their parts with it, so
 * both produce the same files.
 *
 * <p>Not thread-safe: one writer per thread (it owns a DuckDB connection).
 */
public final class PartWriter implements AutoCloseable {

    /**
     * Rows per Parquet row group: the smallest DuckDB writes (one vector). A reader fetching a few
     * items (CHM-Corr's exemplars) decodes the row groups whose item-id statistics match, so
     * smaller groups are fewer bytes decoded per lookup: 57 ms instead of 75–970 ms for one item of
     * a 4,096 × 6,272-float part (bench/README.md "Feature stores (#20)").
     */
    public static final int ROW_GROUP_ROWS = 2048;

    private static final String TABLE = "chunk";

    private final List<StoreManifest.PointColumn> points;
    private final DuckDBConnection db;

    /** A writer for parts with columns {@code points}. */
    public PartWriter(List<StoreManifest.PointColumn> points) {
        this.points = List.copyOf(points);
        this.db = DuckDb.open();
        StringBuilder ddl = new StringBuilder("CREATE TABLE " + TABLE + " (" + StoreManifest.ITEM_COLUMN + " BIGINT, "
                + StoreManifest.LABEL_COLUMN + " INTEGER, " + StoreManifest.SOURCE_COLUMN + " VARCHAR");
        for (StoreManifest.PointColumn p : this.points) {
            ddl.append(", ").append(DuckDb.quote(p.name())).append(" FLOAT[]");
        }
        execute(ddl.append(')').toString(), null);
    }

    /**
     * Writes {@code chunk} (non-empty, its vectors of the columns' dimensions) to {@code file},
     * replacing a file of that name atomically (a re-run Spark task writes the same part again).
     *
     * @return the part's entry for the manifest
     */
    public StoreManifest.Part write(FeatureChunk chunk, Path file) {
        if (chunk.size() == 0) {
            throw new IllegalArgumentException("a part holds at least one row");
        }
        if (chunk.dimensions().length != points.size()) {
            throw new IllegalArgumentException("chunk has " + chunk.dimensions().length + " points, the store has "
                    + points.size());
        }
        for (int p = 0; p < points.size(); p++) {
            if (chunk.dimensions()[p] != points.get(p).dimension()) {
                throw new IllegalArgumentException("point " + points.get(p).name() + ": chunk vectors of length "
                        + chunk.dimensions()[p] + ", the store's column has " + points.get(p).dimension());
            }
        }
        try (DuckDBAppender a = db.createAppender(DuckDBConnection.DEFAULT_SCHEMA, TABLE)) {
            for (int r = 0; r < chunk.size(); r++) {
                a.beginRow();
                a.append((long) chunk.items()[r]);
                if (chunk.labels()[r] == FeatureChunk.NO_LABEL) {
                    a.appendNull();
                } else {
                    a.append(chunk.labels()[r]);
                }
                a.append(chunk.sources()[r]);
                for (int p = 0; p < points.size(); p++) {
                    a.append(chunk.vector(p, r));
                }
                a.endRow();
            }
        } catch (SQLException e) {
            throw new FeatureStoreException("cannot append rows for " + file + ": " + e.getMessage(), e);
        }
        // Hidden while written: Spark, pyarrow and DuckDB's globs skip names starting with '.'.
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            // No ORDER BY: the chunk's items are ascending (FeatureChunk checks) and DuckDB keeps
            // insertion order; sorting cost 0.5–1 s per 100 MB part.
            execute("COPY " + TABLE + " TO " + DuckDb.literal(tmp.toAbsolutePath().toString())
                    + " (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE " + ROW_GROUP_ROWS + ")", file);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new FeatureStoreException("cannot write the feature-store part " + file + ": " + e.getMessage(), e);
        } finally {
            execute("DELETE FROM " + TABLE, file);
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // A hidden leftover; no reader looks at it.
            }
        }
        int n = chunk.size();
        return new StoreManifest.Part(file.getFileName().toString(), n, chunk.items()[0], chunk.items()[n - 1]);
    }

    private void execute(String sql, Path file) {
        try (Statement s = db.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new FeatureStoreException("feature-store part" + (file == null ? "" : " " + file) + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException e) {
            // Nothing to lose: written parts are on disk; the manifest decides what is a store.
        }
    }
}
