package org.lamina.analysis.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A concept set: rows {@code path_or_text,label[,group]} with a header line. The first column
 * names an image file (relative to the CSV), an index into a data set, or a text; the label is
 * 0 or 1 (concept absent/present). The file must be UTF-8 ({@link Utf8Lines}). Errors name the
 * file, the line (counted in the file, header and blank lines included), the column and the
 * offending value.
 */
public final class ConceptSetCsv {

    /**
     * One row.
     *
     * @param line the row's line number in the file (1 = the header), for error messages
     */
    public record Row(String item, int label, String group, int line) {
    }

    private ConceptSetCsv() {
    }

    /** Reads and validates the file. */
    public static List<Row> read(Path file) {
        List<String> lines = Utf8Lines.read(file);
        if (lines.isEmpty()) {
            throw new DataException(file + ": empty (expected a header 'path_or_text,label[,group]' and rows)");
        }
        String[] header = lines.get(0).trim().split(",", -1);
        if (header.length < 2 || !header[1].trim().equals("label")) {
            throw new DataException(file + ": line 1: header must be 'path_or_text,label[,group]', got '" + lines.get(0) + "'");
        }
        List<Row> rows = new ArrayList<>();
        for (int n = 1; n < lines.size(); n++) {
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
            throw new DataException(file + ": no rows after the header");
        }
        return rows;
    }
}
