package org.lamina.analysis.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A concept set: rows {@code path_or_text,label[,group]} with a header line. The first column
 * names an image file (relative to the CSV), an index into a data set, or a text; the label is
 * 0 or 1 (concept absent/present). Errors name the file, line and column.
 */
public final class ConceptSetCsv {

    /** One row. */
    public record Row(String item, int label, String group) {
    }

    private ConceptSetCsv() {
    }

    /** Reads and validates the file. */
    public static List<Row> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": file not found", e);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
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
            int label;
            try {
                label = Integer.parseInt(cells[1].trim());
            } catch (NumberFormatException e) {
                throw new DataException(file + ": line " + (n + 1) + ", column label: expected 0 or 1, got '" + cells[1] + "'");
            }
            if (label != 0 && label != 1) {
                throw new DataException(file + ": line " + (n + 1) + ", column label: expected 0 or 1, got " + label);
            }
            rows.add(new Row(item, label, cells.length == 3 ? cells[2].trim() : ""));
        }
        if (rows.isEmpty()) {
            throw new DataException(file + ": no rows after the header");
        }
        return rows;
    }
}
