package org.lamina.analysis.evaluate;

import org.lamina.analysis.export.Figure;
import org.lamina.analysis.export.FigureData;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * The confusion matrix as a heat map: rows are true classes, columns predicted classes, each cell
 * coloured by the share of its row (the fraction of that true class predicted as the column's
 * class), so classes with few samples read as clearly as large ones. Rows of classes without
 * samples are grey.
 *
 * <p>Up to {@link #MAX_ANNOTATED} classes every cell carries its count and every tick its label.
 * Beyond that (issue #21, §5: a 1000×1000 matrix) the cells are pixels of one image with no text,
 * and the axes show class indices at a thinned step (1, 2, 5 × 10ⁿ) of about ten ticks; the
 * numbers are in {@link #data()} ({@code confusion.csv}). With more classes than pixels the
 * image is max-pooled ({@link #pooled}).
 */
public final class ConfusionFigure implements Figure {

    /** Most classes for which cells carry counts and ticks carry labels. */
    public static final int MAX_ANNOTATED = 30;

    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 10);
    private static final Font AXIS_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 9);
    private static final Color LOW = Color.WHITE;
    private static final Color HIGH = new Color(0x08306b);
    private static final Color NO_SAMPLES = new Color(0xe4e4e4);

    private final Evaluation evaluation;

    public ConfusionFigure(Evaluation evaluation) {
        this.evaluation = evaluation;
    }

    /** Whether this matrix is drawn with counts in its cells and labels on its ticks. */
    public boolean annotated() {
        return evaluation.labels().size() <= MAX_ANNOTATED;
    }

    @Override
    public String name() {
        return "confusion";
    }

    @Override
    public String title() {
        return String.format(Locale.ROOT, "Confusion matrix: %s on %s (top-1 %.2f %%)", evaluation.model(),
                evaluation.data(), 100 * evaluation.accuracy());
    }

    @Override
    public double aspectRatio() {
        return 0.9;
    }

    /**
     * The step between labelled ticks for {@code k} classes: 1, 2 or 5 × 10ⁿ, the smallest that
     * gives at most {@code maxTicks} ticks.
     */
    static int tickStep(int k, int maxTicks) {
        for (int decade = 1; ; decade *= 10) {
            for (int m : new int[] {1, 2, 5}) {
                int step = m * decade;
                if ((k + step - 1) / step <= maxTicks) {
                    return step;
                }
            }
        }
    }

    /** Colour of a row share {@code t} in [0, 1]: white to dark blue. */
    static int rgb(double t) {
        double f = Math.max(0, Math.min(1, t));
        int r = (int) Math.round(LOW.getRed() + (HIGH.getRed() - LOW.getRed()) * f);
        int g = (int) Math.round(LOW.getGreen() + (HIGH.getGreen() - LOW.getGreen()) * f);
        int b = (int) Math.round(LOW.getBlue() + (HIGH.getBlue() - LOW.getBlue()) * f);
        return (r << 16) | (g << 8) | b;
    }

    /** The matrix as a K×K image, one pixel per cell. */
    BufferedImage cells() {
        int k = evaluation.labels().size();
        int[][] cm = evaluation.confusion();
        BufferedImage img = new BufferedImage(k, k, BufferedImage.TYPE_INT_RGB);
        for (int t = 0; t < k; t++) {
            long total = 0;
            for (int v : cm[t]) {
                total += v;
            }
            for (int p = 0; p < k; p++) {
                img.setRGB(p, t, total == 0 ? NO_SAMPLES.getRGB() & 0xffffff : rgb((double) cm[t][p] / total));
            }
        }
        return img;
    }

    /**
     * The matrix shrunk to {@code p × p} pixels ({@code p < K}): each pixel shows the largest row
     * share among the cells it covers (rows without samples ignored; grey when none of its rows
     * has samples). Sub-sampling would drop most single off-diagonal confusions of a 1000-class
     * matrix drawn 400 pixels wide.
     */
    BufferedImage pooled(int p) {
        int k = evaluation.labels().size();
        int[][] cm = evaluation.confusion();
        double[] best = new double[p * p];
        boolean[] hasRow = new boolean[p];
        for (int t = 0; t < k; t++) {
            long total = 0;
            for (int v : cm[t]) {
                total += v;
            }
            if (total == 0) {
                continue;
            }
            int r = (int) ((long) t * p / k);
            hasRow[r] = true;
            for (int q = 0; q < k; q++) {
                if (cm[t][q] > 0) {
                    int at = r * p + (int) ((long) q * p / k);
                    best[at] = Math.max(best[at], (double) cm[t][q] / total);
                }
            }
        }
        BufferedImage img = new BufferedImage(p, p, BufferedImage.TYPE_INT_RGB);
        for (int r = 0; r < p; r++) {
            for (int c = 0; c < p; c++) {
                img.setRGB(c, r, hasRow[r] ? rgb(best[r * p + c]) : NO_SAMPLES.getRGB() & 0xffffff);
            }
        }
        return img;
    }

    @Override
    public void draw(Graphics2D g, Rectangle2D area) {
        int k = evaluation.labels().size();
        boolean annotated = annotated();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fill(area);
        g.setFont(AXIS_FONT);
        FontMetrics fm = g.getFontMetrics();
        double labelW = annotated ? Math.min(area.getWidth() * 0.22, widest(fm) + 6) : fm.stringWidth(String.valueOf(k - 1)) + 6;
        double titleH = TITLE_FONT.getSize2D() * 1.9;
        double axisTitle = fm.getHeight() + 4;
        double barW = 46;
        double left = area.getX() + axisTitle + labelW + 4;
        double top = area.getY() + titleH;
        double side = Math.max(10, Math.min(area.getWidth() - (left - area.getX()) - barW - 8,
                area.getHeight() - titleH - labelW - axisTitle - 8));
        Rectangle2D plot = new Rectangle2D.Double(left, top, side, side);

        g.setFont(TITLE_FONT);
        g.setColor(Color.BLACK);
        String title = fit(g.getFontMetrics(), title(), area.getWidth() - 8);
        g.drawString(title, (float) (area.getX() + 4), (float) (area.getY() + titleH * 0.7));

        Object interpolation = g.getRenderingHint(RenderingHints.KEY_INTERPOLATION);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        // More classes than device pixels: max-pool, so that a single confusion never vanishes.
        double scale = Math.abs(g.getTransform().getScaleX());
        int pixels = (int) Math.max(1, Math.floor(side * (scale > 0 ? scale : 1)));
        BufferedImage img = k > pixels ? pooled(pixels) : cells();
        AffineTransform at = new AffineTransform(side / img.getWidth(), 0, 0, side / img.getHeight(), left, top);
        g.drawImage(img, at, null);
        if (interpolation != null) {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, interpolation);
        }
        g.setColor(new Color(0x888888));
        g.setStroke(new BasicStroke(0.6f));
        g.draw(plot);

        double cell = side / k;
        g.setFont(AXIS_FONT);
        if (annotated) {
            drawCounts(g, plot, cell);
        }
        int step = annotated ? 1 : tickStep(k, 10);
        g.setColor(Color.DARK_GRAY);
        for (int c = 0; c < k; c += step) {
            String text = annotated ? fit(fm, evaluation.labels().get(c), labelW - 4) : String.valueOf(c);
            double centre = cell * (c + 0.5);
            // y axis: true classes, right-aligned against the plot.
            g.drawString(text, (float) (left - 4 - fm.stringWidth(text)), (float) (top + centre + fm.getAscent() / 2.0 - 1));
            // x axis: predicted classes, rotated to read bottom-up.
            AffineTransform saved = g.getTransform();
            g.translate(left + centre + fm.getAscent() / 2.0 - 1, top + side + 4 + fm.stringWidth(text));
            g.rotate(-Math.PI / 2);
            g.drawString(text, 0f, 0f);
            g.setTransform(saved);
        }
        String suffix = annotated ? "" : " (index)";
        g.setColor(Color.BLACK);
        String xTitle = "predicted class" + suffix;
        g.drawString(xTitle, (float) (left + (side - fm.stringWidth(xTitle)) / 2), (float) (top + side + labelW + axisTitle));
        AffineTransform saved = g.getTransform();
        String yTitle = "true class" + suffix;
        g.translate(area.getX() + fm.getAscent() + 1, top + (side + fm.stringWidth(yTitle)) / 2);
        g.rotate(-Math.PI / 2);
        g.drawString(yTitle, 0f, 0f);
        g.setTransform(saved);
        drawColourBar(g, left + side + 10, top, Math.min(side, 160), fm);
    }

    private void drawCounts(Graphics2D g, Rectangle2D plot, double cell) {
        int k = evaluation.labels().size();
        int[][] cm = evaluation.confusion();
        float size = (float) Math.max(5, Math.min(9, cell * 0.38));
        g.setFont(AXIS_FONT.deriveFont(size));
        FontMetrics fm = g.getFontMetrics();
        for (int t = 0; t < k; t++) {
            long total = 0;
            for (int v : cm[t]) {
                total += v;
            }
            for (int p = 0; p < k; p++) {
                String s = String.valueOf(cm[t][p]);
                double share = total == 0 ? 0 : (double) cm[t][p] / total;
                g.setColor(cm[t][p] == 0 ? new Color(0xb0b0b0) : share > 0.5 ? Color.WHITE : Color.BLACK);
                g.drawString(s, (float) (plot.getX() + cell * (p + 0.5) - fm.stringWidth(s) / 2.0),
                        (float) (plot.getY() + cell * (t + 0.5) + fm.getAscent() / 2.0 - 1));
            }
        }
        g.setFont(AXIS_FONT);
    }

    private static void drawColourBar(Graphics2D g, double x, double y, double h, FontMetrics fm) {
        double w = 10;
        for (int i = 0; i < (int) h; i++) {
            g.setColor(new Color(rgb(1 - i / h)));
            g.fill(new Rectangle2D.Double(x, y + i, w, 1.2));
        }
        g.setColor(new Color(0x888888));
        g.draw(new Rectangle2D.Double(x, y, w, h));
        g.setColor(Color.DARK_GRAY);
        g.drawString("1", (float) (x + w + 3), (float) (y + fm.getAscent()));
        g.drawString("0", (float) (x + w + 3), (float) (y + h));
        g.drawString("share", (float) x, (float) (y + h + fm.getHeight() + 2));
        g.drawString("of row", (float) x, (float) (y + h + 2 * fm.getHeight() + 2));
        g.setColor(NO_SAMPLES);
        g.fill(new Rectangle2D.Double(x, y + h + 2.5 * fm.getHeight(), w, w));
        g.setColor(Color.DARK_GRAY);
        g.drawString("no", (float) (x + w + 3), (float) (y + h + 2.5 * fm.getHeight() + w - 1));
        g.drawString("samples", (float) x, (float) (y + h + 3.5 * fm.getHeight() + w));
    }

    private double widest(FontMetrics fm) {
        double w = 0;
        for (String l : evaluation.labels()) {
            w = Math.max(w, fm.stringWidth(l));
        }
        return w;
    }

    private static String fit(FontMetrics fm, String s, double width) {
        String out = s;
        while (fm.stringWidth(out) > width && out.length() > 2) {
            out = out.substring(0, out.length() - 2) + "…";
        }
        return out;
    }

    /** The counts: {@link Evaluation#confusionTable()}. */
    @Override
    public FigureData data() {
        return evaluation.confusionTable();
    }
}
