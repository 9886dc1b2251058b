package org.lamina.analysis.explorer;

import org.lamina.analysis.export.Colormap;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.export.FigureData;
import org.lamina.analysis.logitlens.LogitLensFigure;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.util.List;

/**
 * Attention of one block per head over a prompt's tokens: one {@code S × S} map per head, query
 * tokens down the rows and key tokens along the columns (row q is where token q looks; causal, so
 * the upper triangle is 0). Each map is coloured 0 … 1 ({@link Colormap#VIRIDIS}) on one shared
 * scale, so heads can be compared; the token labels sit on the left of the first column of maps and
 * under the last row.
 */
public final class AttentionHeadsFigure implements Figure {

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 9);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 6);
    private static final Font HEAD = new Font(Font.SANS_SERIF, Font.PLAIN, 7);
    private static final double TOP = 16;
    private static final double GAP = 8;
    private static final double RIGHT = 34;

    private final TextExplorerResult result;
    private final int columns;

    public AttentionHeadsFigure(TextExplorerResult result) {
        this.result = result;
        // A near-square grid of maps (2 × 2 for 4 heads, 4 × 4 for 14), at most 6 per row: bigger maps than one row.
        this.columns = Math.min(6, (int) Math.ceil(Math.sqrt(result.heads())));
    }

    private int rows() {
        return (result.heads() + columns - 1) / columns;
    }

    private double labelSpace() {
        int longest = 1;
        for (String t : result.tokens()) {
            longest = Math.max(longest, LogitLensFigure.display(t).length());
        }
        return 6 + 3.4 * Math.min(10, longest);
    }

    @Override
    public String name() {
        return "attention-block" + result.request().attentionBlock();
    }

    @Override
    public String title() {
        return "Attention per head, block " + result.request().attentionBlock();
    }

    @Override
    public double aspectRatio() {
        // Square maps: width = label + columns·(map + gap) + right; height = top + rows·(map + head line + gap) + label.
        double nominal = 440;
        double map = (nominal - labelSpace() - RIGHT - columns * GAP) / columns;
        return (TOP + rows() * (map + 10 + GAP) + labelSpace()) / nominal;
    }

    @Override
    public void draw(Graphics2D g, Rectangle2D area) {
        g.setColor(Color.WHITE);
        g.fill(area);
        int s = result.positions();
        int rows = rows();
        double label = labelSpace();
        double mapW = (area.getWidth() - label - RIGHT - columns * GAP) / columns;
        double mapH = (area.getHeight() - TOP - label - rows * (10 + GAP)) / rows;
        double map = Math.max(4, Math.min(mapW, mapH));
        double cell = map / s;
        g.setColor(Color.BLACK);
        g.setFont(TITLE);
        g.drawString(LogitLensFigure.clip(g, title() + " (rows: query, columns: key)", area.getWidth() - 8), (float) (area.getX() + 4),
                (float) (area.getY() + 11));
        List<String> tokens = result.tokens().stream().map(LogitLensFigure::display).toList();
        for (int h = 0; h < result.heads(); h++) {
            int r = h / columns;
            int c = h % columns;
            double x0 = area.getX() + label + c * (map + GAP);
            double y0 = area.getY() + TOP + r * (map + 10 + GAP) + 10;
            g.setFont(HEAD);
            g.setColor(Color.BLACK);
            g.drawString("head " + h, (float) x0, (float) (y0 - 2));
            for (int q = 0; q < s; q++) {
                for (int k = 0; k < s; k++) {
                    g.setColor(Colormap.VIRIDIS.color(result.attention(h, q, k)));
                    g.fill(new Rectangle2D.Double(x0 + k * cell, y0 + q * cell, cell + 0.3, cell + 0.3));
                }
            }
            g.setColor(Color.GRAY);
            g.draw(new Rectangle2D.Double(x0, y0, map, map));
            g.setFont(LABEL);
            FontMetrics fm = g.getFontMetrics();
            boolean labels = cell >= fm.getAscent() - 1;
            if (c == 0 && labels) {
                g.setColor(Color.BLACK);
                for (int q = 0; q < s; q++) {
                    String t = LogitLensFigure.clip(g, tokens.get(q), label - 4);
                    g.drawString(t, (float) (x0 - 3 - fm.stringWidth(t)),
                            (float) (y0 + (q + 0.5) * cell + (fm.getAscent() - fm.getDescent()) / 2.0));
                }
            }
            boolean lastRow = r == rows - 1 || h + columns >= result.heads();
            if (lastRow && labels) {
                g.setColor(Color.BLACK);
                for (int k = 0; k < s; k++) {
                    String t = LogitLensFigure.clip(g, tokens.get(k), label - 4);
                    AffineTransform saved = g.getTransform();
                    g.translate(x0 + (k + 0.5) * cell + (fm.getAscent() - fm.getDescent()) / 2.0, y0 + map + 3);
                    g.rotate(-Math.PI / 2);
                    g.drawString(t, (float) -fm.stringWidth(t), 0f);
                    g.setTransform(saved);
                }
            }
        }
        drawColourBar(g, area, area.getY() + TOP + 10, Math.min(rows * (map + 10 + GAP) - 10 - GAP, 160));
    }

    private void drawColourBar(Graphics2D g, Rectangle2D area, double y0, double h) {
        double x = area.getMaxX() - RIGHT + 8;
        double w = 7;
        int steps = 64;
        for (int i = 0; i < steps; i++) {
            g.setColor(Colormap.VIRIDIS.color(1 - (i + 0.5) / steps));
            g.fill(new Rectangle2D.Double(x, y0 + h * i / steps, w, h / steps + 0.5));
        }
        g.setColor(Color.GRAY);
        g.draw(new Rectangle2D.Double(x, y0, w, h));
        g.setColor(Color.BLACK);
        g.setFont(LABEL);
        FontMetrics fm = g.getFontMetrics();
        g.drawString("1", (float) (x + w + 2), (float) (y0 + fm.getAscent()));
        g.drawString("0", (float) (x + w + 2), (float) (y0 + h));
    }

    @Override
    public FigureData data() {
        FigureData.Builder b = FigureData.builder("block", "head", "query_position", "query_token", "key_position",
                "key_token", "weight");
        int s = result.positions();
        for (int h = 0; h < result.heads(); h++) {
            for (int q = 0; q < s; q++) {
                for (int k = 0; k < s; k++) {
                    b.row(result.request().attentionBlock(), h, q, result.tokens().get(q), k, result.tokens().get(k),
                            result.attention(h, q, k));
                }
            }
        }
        return b.build();
    }
}
