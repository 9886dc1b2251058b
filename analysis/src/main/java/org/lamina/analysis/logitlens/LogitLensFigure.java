package org.lamina.analysis.logitlens;

import org.lamina.analysis.export.Colormap;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.export.FigureData;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.util.Objects;

/**
 * The logit-lens grid (nostalgebraist 2020): layers as rows ({@code embed} on top, the last block
 * at the bottom, in forward order), input tokens as columns; each cell shows the lens's most
 * probable next token, coloured by its probability (0 … 1, {@link Colormap#VIRIDIS}) or by
 * KL(final ‖ lens) in nats (0 … the grid's maximum, {@link Colormap#INFERNO} reversed so that
 * "close to the output" is light). A colour bar on the right gives the scale. Drawn with Java2D
 * at fixed point sizes, as the other figures, and exported through
 * {@link org.lamina.analysis.export.FigureExporter}.
 */
public final class LogitLensFigure implements Figure {

    /** What the cell colour shows. */
    public enum ColorBy {
        /** The top token's probability under the lens. */
        PROBABILITY,
        /** KL(model's final distribution ‖ lens distribution), nats. */
        KL
    }

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 9);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 7);
    private static final double LEFT = 46;
    private static final double RIGHT = 44;
    private static final double TOP = 16;
    private static final double ROW_H = 21;
    private static final Font VALUE = new Font(Font.SANS_SERIF, Font.PLAIN, 5);
    /** Space for the caption line under the token labels. */
    private static final double CAPTION = 11;

    private final LogitLens.Result result;
    private final ColorBy colorBy;
    private final double nominalWidth;
    private final float klMax;

    /**
     * @param nominalWidth the width in points the figure will be laid out at (for its aspect
     *                     ratio: rows keep a readable fixed height)
     */
    public LogitLensFigure(LogitLens.Result result, ColorBy colorBy, double nominalWidth) {
        this.result = Objects.requireNonNull(result);
        this.colorBy = Objects.requireNonNull(colorBy);
        this.nominalWidth = nominalWidth;
        float m = 0;
        for (float[] row : result.klNats()) {
            for (float v : row) {
                m = Math.max(m, v);
            }
        }
        this.klMax = m;
    }

    @Override
    public String name() {
        return "logit-lens";
    }

    @Override
    public String title() {
        return "Logit lens: \"" + result.text() + "\"";
    }

    private double bottomMargin(double cellW) {
        return (rotateLabels(cellW) ? 6 + 4.2 * Math.min(12, longestToken()) : 12) + CAPTION;
    }

    private int longestToken() {
        int m = 0;
        for (String t : result.tokens()) {
            m = Math.max(m, display(t).length());
        }
        return m;
    }

    private boolean rotateLabels(double cellW) {
        return longestToken() * 4.2 > cellW - 2;
    }

    @Override
    public double aspectRatio() {
        double cellW = (nominalWidth - LEFT - RIGHT) / result.positions();
        double bottom = bottomMargin(cellW);
        return (TOP + ROW_H * result.layerCount() + bottom) / nominalWidth;
    }

    private double value(int l, int p) {
        return colorBy == ColorBy.PROBABILITY ? result.topProbability()[l][p] : result.klNats()[l][p];
    }

    private double scaled(double v) {
        if (colorBy == ColorBy.PROBABILITY) {
            return v;
        }
        return klMax > 0 ? 1 - v / klMax : 1;
    }

    private Colormap colormap() {
        return colorBy == ColorBy.PROBABILITY ? Colormap.VIRIDIS : Colormap.INFERNO;
    }

    @Override
    public void draw(Graphics2D g, Rectangle2D area) {
        g.setColor(Color.WHITE);
        g.fill(area);
        int rows = result.layerCount();
        int cols = result.positions();
        double x0 = area.getX() + LEFT;
        double y0 = area.getY() + TOP;
        double gridW = area.getWidth() - LEFT - RIGHT;
        double cellW = gridW / cols;
        double cellH = Math.min(ROW_H * 1.6, (area.getHeight() - TOP - bottomMargin(cellW)) / rows);
        g.setColor(Color.BLACK);
        g.setFont(TITLE);
        g.drawString(clip(g, title(), area.getWidth() - 8), (float) (area.getX() + 4), (float) (area.getY() + 11));

        for (int l = 0; l < rows; l++) {
            for (int p = 0; p < cols; p++) {
                double x = x0 + p * cellW;
                double y = y0 + l * cellH;
                Color c = colormap().color(scaled(value(l, p)));
                g.setColor(c);
                g.fill(new Rectangle2D.Double(x, y, cellW, cellH));
                g.setColor(Color.WHITE);
                g.draw(new Rectangle2D.Double(x, y, cellW, cellH));
                // Text colour by the fill's luminance: dark on light cells, white on dark ones.
                double lum = 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue();
                g.setColor(lum > 140 ? Color.BLACK : Color.WHITE);
                // Shrink a long token down to 5 pt before clipping it: a whole word is worth more than size.
                String text = display(result.topToken()[l][p]);
                float size = LABEL.getSize2D();
                g.setFont(LABEL);
                while (size > 5f && g.getFontMetrics().stringWidth(text) > cellW - 3) {
                    size -= 0.5f;
                    g.setFont(LABEL.deriveFont(size));
                }
                text = clip(g, text, cellW - 3);
                FontMetrics fm = g.getFontMetrics();
                double mid = y + cellH / 2;
                g.drawString(text, (float) (x + (cellW - fm.stringWidth(text)) / 2), (float) (mid - 0.5));
                // The number under the token: the cell's value, so that equal-looking colours can be told apart.
                g.setFont(VALUE);
                FontMetrics vm = g.getFontMetrics();
                String v = colorBy == ColorBy.PROBABILITY ? String.format("%.0f%%", 100 * value(l, p))
                        : String.format("%.2f nats", value(l, p));
                v = clip(g, v, cellW - 3);
                g.drawString(v, (float) (x + (cellW - vm.stringWidth(v)) / 2), (float) (mid + vm.getAscent() + 0.5));
            }
        }
        // Layer names on the left.
        g.setColor(Color.BLACK);
        g.setFont(LABEL);
        FontMetrics fm = g.getFontMetrics();
        for (int l = 0; l < rows; l++) {
            String name = clip(g, result.layers().get(l), LEFT - 6);
            g.drawString(name, (float) (x0 - 4 - fm.stringWidth(name)),
                    (float) (y0 + l * cellH + (cellH + fm.getAscent() - fm.getDescent()) / 2));
        }
        // Input tokens under the columns: the cell above a token is the guess for the token after it.
        double yb = y0 + rows * cellH + 3;
        boolean rotate = rotateLabels(cellW);
        for (int p = 0; p < cols; p++) {
            String tok = display(result.tokens().get(p));
            double cx = x0 + (p + 0.5) * cellW;
            if (rotate) {
                // Read upwards, ending just under the column (as rotated axis labels usually are).
                tok = clip(g, tok, bottomMargin(cellW) - CAPTION - 6);
                AffineTransform saved = g.getTransform();
                g.translate(cx + (fm.getAscent() - fm.getDescent()) / 2.0, yb);
                g.rotate(-Math.PI / 2);
                g.drawString(tok, (float) -fm.stringWidth(tok), 0f);
                g.setTransform(saved);
            } else {
                tok = clip(g, tok, cellW - 2);
                g.drawString(tok, (float) (cx - fm.stringWidth(tok) / 2.0), (float) (yb + fm.getAscent()));
            }
        }
        g.setFont(VALUE.deriveFont(6f));
        g.setColor(Color.DARK_GRAY);
        String caption = "input tokens; a cell is the layer's guess for the token after its column ("
                + (colorBy == ColorBy.PROBABILITY ? "colour: its probability" : "colour: KL(final || layer)") + ")";
        caption = clip(g, caption, area.getWidth() - 8);
        g.drawString(caption, (float) x0, (float) (area.getMaxY() - 3));
        drawColourBar(g, area, y0, rows * cellH);
    }

    private void drawColourBar(Graphics2D g, Rectangle2D area, double y0, double h) {
        double x = area.getMaxX() - RIGHT + 8;
        double w = 7;
        int steps = 64;
        for (int i = 0; i < steps; i++) {
            double t = 1 - (i + 0.5) / steps; // top = high value
            double v = colorBy == ColorBy.PROBABILITY ? t : t * klMax;
            g.setColor(colormap().color(scaled(v)));
            g.fill(new Rectangle2D.Double(x, y0 + h * i / steps, w, h / steps + 0.5));
        }
        g.setColor(Color.GRAY);
        g.draw(new Rectangle2D.Double(x, y0, w, h));
        g.setColor(Color.BLACK);
        Font small = LABEL.deriveFont(6f);
        g.setFont(small);
        FontMetrics fm = g.getFontMetrics();
        String hi = colorBy == ColorBy.PROBABILITY ? "1" : String.format("%.2g", (double) klMax);
        g.drawString(hi, (float) (x + w + 2), (float) (y0 + fm.getAscent()));
        g.drawString("0", (float) (x + w + 2), (float) (y0 + h));
        String label = colorBy == ColorBy.PROBABILITY ? "top-token p" : "KL nats";
        AffineTransform saved = g.getTransform();
        g.translate(x + w + 2 + fm.getAscent() + 8, y0 + h / 2 - fm.stringWidth(label) / 2.0);
        g.rotate(Math.PI / 2);
        g.drawString(label, 0f, 0f);
        g.setTransform(saved);
    }

    /** Tokens with a leading-space marker (GPT-2 'Ġ', SentencePiece '▁') shown as '·' so spaces stay visible. */
    public static String display(String token) {
        String t = token.replace('Ġ', '·').replace('▁', '·').replace("\n", "\\n").replace('Ċ', '↵');
        return t.isEmpty() ? "∅" : t;
    }

    /** {@code s} cut with an ellipsis to fit {@code width} points in the current font (figures of LM text share it). */
    public static String clip(Graphics2D g, String s, double width) {
        FontMetrics fm = g.getFontMetrics();
        if (fm.stringWidth(s) <= width) {
            return s;
        }
        String t = s;
        while (t.length() > 1 && fm.stringWidth(t + "…") > width) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "…";
    }

    @Override
    public FigureData data() {
        FigureData.Builder b = FigureData.builder("layer", "position", "input_token", "input_id", "top_token", "top_id",
                "top_probability", "kl_final_vs_lens_nats");
        for (int l = 0; l < result.layerCount(); l++) {
            for (int p = 0; p < result.positions(); p++) {
                b.row(result.layers().get(l), p, result.tokens().get(p), result.ids()[p], result.topToken()[l][p],
                        result.topId()[l][p], result.topProbability()[l][p], result.klNats()[l][p]);
            }
        }
        return b.build();
    }
}
