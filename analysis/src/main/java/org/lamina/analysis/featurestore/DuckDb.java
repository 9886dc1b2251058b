package org.lamina.analysis.featurestore;

import org.duckdb.DuckDBConnection;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * An in-memory DuckDB connection, the embedded engine of feature stores (chosen over Spark's
 * local mode on start-up, memory and throughput, measured in bench/README.md). DuckDB installs no
 * extensions here: Parquet is built into the JDBC jar, and auto-install would reach the network.
 */
final class DuckDb {

    private DuckDb() {
    }

    /** Opens an in-memory database with extension auto-loading from the network switched off. */
    static DuckDBConnection open() {
        try {
            Class.forName("org.duckdb.DuckDBDriver");
            Properties p = new Properties();
            p.setProperty("autoinstall_known_extensions", "false");
            p.setProperty("autoload_known_extensions", "false");
            // Two cores here; DuckDB would otherwise take every core of a shared machine.
            p.setProperty("threads", String.valueOf(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()))));
            Connection c = DriverManager.getConnection("jdbc:duckdb:", p);
            return c.unwrap(DuckDBConnection.class);
        } catch (ClassNotFoundException | SQLException e) {
            throw new FeatureStoreException("cannot start DuckDB, the engine that reads and writes feature stores: "
                    + e.getMessage(), e);
        }
    }

    /** Version of the DuckDB library, for manifests. */
    static String version() {
        try (DuckDBConnection c = open(); var s = c.createStatement(); var r = s.executeQuery("SELECT version()")) {
            r.next();
            return "duckdb " + r.getString(1);
        } catch (SQLException e) {
            return "duckdb";
        }
    }

    /** {@code name} as a quoted SQL identifier (point names hold dots). */
    static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** {@code text} as an SQL string literal. */
    static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
