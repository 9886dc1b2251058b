package org.lamina.analysis.export;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The numbers behind a figure as a table, written as RFC 4180 CSV (comma-separated, fields with
 * commas, quotes or line breaks quoted, quotes doubled).
 *
 * @param columns column names
 * @param rows    rows, each as long as {@code columns}
 */
public record FigureData(List<String> columns, List<List<Object>> rows) {

    public FigureData {
        columns = List.copyOf(columns);
        List<List<Object>> copy = new ArrayList<>(rows.size());
        for (List<Object> r : rows) {
            if (r.size() != columns.size()) {
                throw new IllegalArgumentException("row has " + r.size() + " values for " + columns.size() + " columns");
            }
            copy.add(java.util.Collections.unmodifiableList(new ArrayList<>(r)));
        }
        rows = java.util.Collections.unmodifiableList(copy);
    }

    /** A table to fill row by row. */
    public static Builder builder(String... columns) {
        return new Builder(List.of(columns));
    }

    /** Writes the table as CSV with a header line. */
    public void writeCsv(Writer out) throws IOException {
        writeRow(out, new ArrayList<>(columns));
        for (List<Object> r : rows) {
            writeRow(out, r);
        }
    }

    private static void writeRow(Writer out, List<?> values) throws IOException {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(field(values.get(i)));
        }
        out.write("\r\n");
    }

    private static String field(Object v) {
        String s = v == null ? "" : (v instanceof Float f ? Float.toString(f) : String.valueOf(v));
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    /** Collects rows. */
    public static final class Builder {
        private final List<String> columns;
        private final List<List<Object>> rows = new ArrayList<>();

        private Builder(List<String> columns) {
            this.columns = columns;
        }

        public Builder row(Object... values) {
            rows.add(java.util.Arrays.asList(Objects.requireNonNull(values)));
            return this;
        }

        public FigureData build() {
            return new FigureData(columns, rows);
        }
    }
}
