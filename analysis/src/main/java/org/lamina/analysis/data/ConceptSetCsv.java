package org.lamina.analysis.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A concept set: rows {@code path_or_text,label[,group]}, with or without a header line. The
 * first column names an image file (relative to the CSV), an index into a data set, or a text
 * (a language model's concept set, header {@code text,label[,group]}); the label is 0 or 1
 * (concept absent/present). The file must be UTF-8 ({@link Utf8Lines}) and follows RFC 4180
 * ({@link CsvRecords}): a text that holds a comma, a quote or a line break is written in double
 * quotes (issue #19; the column used to be split at every comma). Unquoted fields are stripped of
 * surrounding blanks, quoted ones are kept as written. Errors name the file, the line (counted in
 * the file, header and blank lines included), the column and the offending value.
 *
 * <p>The header is optional (issue #21, §6: it used to be required and was documented nowhere).
 * The first record is a header when its second column is {@code label} (any case), a row when it
 * is {@code 0} or {@code 1}; anything else is refused, naming the line, rather than guessed: a
 * header with another column name or a row with a bad label cannot be told apart.
 */
public final class ConceptSetCsv {

    /**
     * One row.
     *
     * @param line the row's line number in the file (1 = the first line, a header or a row), for error messages
     */
    public record Row(String item, int label, String group, int line) {
    }

    /**
     * A whole file.
     *
     * @param itemHeader the header's first column name (e.g. {@code text} or {@code path_or_index}),
     *                   absent without a header
     * @param rows       the rows in file order
     */
    public record Table(Optional<String> itemHeader, List<Row> rows) {
        public Table {
            rows = List.copyOf(rows);
        }
    }

    private ConceptSetCsv() {
    }

    /** Reads and validates the file. */
    public static List<Row> read(Path file) {
        return readTable(file).rows();
    }

    /** Reads and validates the file, keeping the header's first column name. */
    public static Table readTable(Path file) {
        List<CsvRecords.Record> records = CsvRecords.read(file);
        if (records.isEmpty()) {
            throw new DataException(file + ": empty (expected rows 'path_or_text,label[,group]', label 0 or 1, "
                    + "optionally after a header line)");
        }
        CsvRecords.Record head = records.get(0);
        String second = head.size() < 2 ? null : head.field(1);
        boolean hasHeader;
        if (second != null && second.equalsIgnoreCase("label")) {
            hasHeader = true;
        } else if (second != null && (second.equals("0") || second.equals("1"))) {
            hasHeader = false;
        } else {
            throw new DataException(file + ": line " + head.line() + ": neither a header 'path_or_text,label[,group]' "
                    + "nor a row 'path_or_text,0|1[,group]', got '" + String.join(",", head.fields()) + "'");
        }
        List<Row> rows = new ArrayList<>();
        for (int k = hasHeader ? 1 : 0; k < records.size(); k++) {
            CsvRecords.Record r = records.get(k);
            if (r.size() < 2 || r.size() > 3) {
                throw new DataException(file + ": line " + r.line() + ": expected 2 or 3 comma-separated columns, got "
                        + r.size() + " (a text that holds a comma must be written in double quotes)");
            }
            String item = r.field(0);
            if (item.isEmpty()) {
                throw new DataException(file + ": line " + r.line() + ", column path_or_text: empty");
            }
            String value = r.field(1);
            if (!value.equals("0") && !value.equals("1")) {
                throw new DataException(file + ": line " + r.line() + ", column label: expected 0 or 1, got '"
                        + r.fields().get(1) + "'" + (r.quoted()[0] ? ""
                        : " (if the first column holds a comma, write it in double quotes)"));
            }
            rows.add(new Row(item, Integer.parseInt(value), r.size() == 3 ? r.field(2) : "", r.line()));
        }
        if (rows.isEmpty()) {
            // Only a header can leave no rows: without one, the first line is a row.
            throw new DataException(file + ": no rows after the header");
        }
        return new Table(hasHeader ? Optional.of(head.field(0)) : Optional.empty(), rows);
    }
}
