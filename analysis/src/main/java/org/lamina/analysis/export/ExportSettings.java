package org.lamina.analysis.export;

/**
 * Size and resolution of an exported figure.
 *
 * @param widthCm width on paper in centimetres; {@link #SINGLE_COLUMN_CM} (8.5 cm, a one-column
 *                figure in most journals) by default, {@link #DOUBLE_COLUMN_CM} for a full width
 * @param dpi     raster resolution of PNG export in dots per inch (default 300, the usual
 *                minimum for print), 72 to 1200
 */
public record ExportSettings(double widthCm, int dpi) {

    /** One journal column. */
    public static final double SINGLE_COLUMN_CM = 8.5;
    /** Two journal columns. */
    public static final double DOUBLE_COLUMN_CM = 17.8;
    /** Default raster resolution. */
    public static final int DEFAULT_DPI = 300;
    /** Lowest raster resolution: below it text is unreadable. */
    public static final int MIN_DPI = 72;
    /** Highest raster resolution: a double-column figure at 1200 DPI is ~8,400 px wide (~0.3 GB of pixels). */
    public static final int MAX_DPI = 1200;
    /** Narrowest figure. */
    public static final double MIN_WIDTH_CM = 2;
    /** Widest figure (a poster panel). */
    public static final double MAX_WIDTH_CM = 60;

    public ExportSettings {
        if (!(widthCm >= MIN_WIDTH_CM && widthCm <= MAX_WIDTH_CM)) {
            throw new IllegalArgumentException("figure width must be 2 to 60 cm, got " + widthCm);
        }
        if (dpi < MIN_DPI || dpi > MAX_DPI) {
            throw new IllegalArgumentException("DPI must be 72 to 1200, got " + dpi);
        }
    }

    /** One column at 300 DPI. */
    public static ExportSettings defaults() {
        return new ExportSettings(SINGLE_COLUMN_CM, DEFAULT_DPI);
    }

    /** A width given in inches. */
    public static ExportSettings ofInches(double widthInches, int dpi) {
        return new ExportSettings(widthInches * 2.54, dpi);
    }

    /** Width in points (1/72 inch), the unit figures are laid out in. */
    public double widthPoints() {
        return widthCm / 2.54 * 72.0;
    }
}
