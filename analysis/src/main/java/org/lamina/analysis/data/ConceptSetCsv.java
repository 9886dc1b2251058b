package org.lamina.analysis.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A concept set: rows {@code path_or_text,label[,group]}, with or without a header line. The
 * first column names an image file (relative to the CSV), an index into a data set, or a text;
 * the label is 0 or 1 (concept absent/present). The file must be UTF-8 ({@link Utf8Lines}).
 * Errors name the file, the line (counted in the file, header and blank lines included), the
 * column and the offending value.
 *
 * <p>The header is optional (issue #21, §6: it used to be required and was documented nowhere).
 * The first non-blank line is a header when its second column is {@code label} (any case), a row
 * when it is {@code 0} or {@code 1}; anything else is refused, naming the line, rather than
 * guessed: a header with another column name or a row with a bad label cannot be told apart.
 */
public final class ConceptSetCsv {

    /**
     * One row.
     *
     * @param line the row's line number in the file (1 = the first line, a header or a row), for error messages
     */
    public record Row(String item, int label, String group, int line) {
    }

    private ConceptSetCsv() {
    }

    /** Reads and validates the file. */
    public static List<Row> read(Path file) {
        List<String> lines = Utf8Lines.read(file);
        int first = 0;
        while (first < lines.size() && lines.get(first).isBlank()) {
            first++;
        }
        if (first == lines.size()) {
            throw new DataException(file + ": empty (expected rows 'path_or_text,label[,group]', label 0 or 1, "
                    + "optionally after a header line)");
        }
        String[] head = lines.get(first).trim().split(",", -1);
        String second = head.length < 2 ? null : head[1].trim();
        boolean hasHeader;
        if (second != null && second.equalsIgnoreCase("label")) {
            hasHeader = true;
        } else if (second != null && (second.equals("0") || second.equals("1"))) {
            hasHeader = false;
        } else {
            throw new DataException(file + ": line " + (first + 1) + ": neither a header 'path_or_text,label[,group]' "
                    + "nor a row 'path_or_text,0|1[,group]', got '" + lines.get(first) + "'");
        }
        List<Row> rows = new ArrayList<>();
        for (int n = hasHeader ? first + 1 : first; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",", -1);
            if (cells.length < 2 || cells.length > 3) {
                throw new DataException(file + ": line " + (n + 1) + ": expected 2 or 3 comma-separated columns, got "
                        + cells.length);
            }
            String item = cells[0].trim();
            if (item.isEmpty()) {
                throw new DataException(file + ": line " + (n + 1) + ", column path_or_text: empty");
            }
            String value = cells[1].trim();
            if (!value.equals("0") && !value.equals("1")) {
                throw new DataException(file + ": line " + (n + 1) + ", column label: expected 0 or 1, got '" + cells[1] + "'");
            }
            rows.add(new Row(item, Integer.parseInt(value), cells.length == 3 ? cells[2].trim() : "", n + 1));
        }
        if (rows.isEmpty()) {
            // Only a header can leave no rows: without one, the first line is a row.
            throw new DataException(file + ": no rows after the header");
        }
        return rows;
    }
}
