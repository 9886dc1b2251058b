package org.lamina.analysis.chmcorr;

import org.lamina.analysis.data.Utf8Lines;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A user map as CSV: G lines of G comma-separated weights in [0, 1] (row 0 = top of the image);
 * blank lines and lines starting with {@code #} are skipped. Errors name the file, line and column.
 */
public final class MaskCsv {

    private MaskCsv() {
    }

    /** Reads a G×G map, row-major ({@code row * G + col}). */
    public static float[] read(Path file, int grid) {
        // Strict UTF-8: a missing, unreadable or mis-encoded file is a DataException naming it.
        List<String> lines = Utf8Lines.read(file);
        List<String[]> rows = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String l = lines.get(n).strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                rows.add(l.split("\\s*,\\s*"));
                lineNumbers.add(n + 1);
            }
        }
        if (rows.size() != grid) {
            throw new IllegalArgumentException(file + ": mask has " + rows.size() + " rows but the model's grid is "
                    + grid + "x" + grid + " (expected " + grid + " lines of " + grid + " values in [0, 1])");
        }
        float[] w = new float[grid * grid];
        for (int r = 0; r < grid; r++) {
            String[] cols = rows.get(r);
            if (cols.length != grid) {
                throw new IllegalArgumentException(file + ": line " + lineNumbers.get(r) + " has " + cols.length
                        + " values, expected " + grid + " (grid " + grid + "x" + grid + ")");
            }
            for (int c = 0; c < grid; c++) {
                float v;
                try {
                    v = Float.parseFloat(cols[c]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(file + ": line " + lineNumbers.get(r) + ", column " + (c + 1)
                            + ": '" + cols[c] + "' is not a number");
                }
                if (!(v >= 0 && v <= 1)) {
                    throw new IllegalArgumentException(file + ": line " + lineNumbers.get(r) + ", column " + (c + 1)
                            + ": value " + cols[c] + " is outside [0, 1]");
                }
                w[r * grid + c] = v;
            }
        }
        return w;
    }

    /** Writes a map in the same format. */
    public static String format(float[] w, int grid) {
        StringBuilder b = new StringBuilder();
        for (int r = 0; r < grid; r++) {
            for (int c = 0; c < grid; c++) {
                b.append(c == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4g", w[r * grid + c]));
            }
            b.append('\n');
        }
        return b.toString();
    }
}
