package org.lamina.analysis.export;

import java.util.Locale;

/** File formats a figure exports to. */
public enum ExportFormat {
    /** Raster at the chosen DPI, with the DPI recorded in the file (pHYs). */
    PNG("png"),
    /** Vector, via JFreeSVG. */
    SVG("svg"),
    /** Vector, via JFree PDF. */
    PDF("pdf"),
    /** The figure's numbers. */
    CSV("csv");

    private final String extension;

    ExportFormat(String extension) {
        this.extension = extension;
    }

    /** File extension without the dot. */
    public String extension() {
        return extension;
    }

    /** Parses {@code png|svg|pdf|csv}, case-insensitive, with a clear error. */
    public static ExportFormat parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("export format must be png, svg, pdf or csv, got '" + s + "'");
        }
    }

    /** The format a file name's extension names, or PNG. */
    public static ExportFormat ofFileName(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        for (ExportFormat f : values()) {
            if (lower.endsWith("." + f.extension)) {
                return f;
            }
        }
        return PNG;
    }
}
