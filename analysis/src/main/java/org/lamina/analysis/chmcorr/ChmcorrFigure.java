package org.lamina.analysis.chmcorr;

import org.lamina.analysis.data.ImageInput;
import org.lamina.analysis.export.Colormap;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.export.FigureData;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The CHM-Corr explanation (spec step 7): the query with the map used (CC map or the user's),
 * then the top-5 reranked exemplars of the predicted class, each under a copy of the query with
 * its best patch pairs as boxes joined by lines, coloured with viridis by pair rank (rank 1 =
 * yellow). Used by the CLI and the panel alike.
 */
public final class ChmcorrFigure implements Figure {

    /** An image in [0, 1], {@code [channels, height, width]}. */
    public record Picture(float[] pixels, int channels, int height, int width) {
        BufferedImage image() {
            return ImageInput.toImage(pixels, channels, height, width);
        }
    }

    /** One shown exemplar: its picture, caption and pairs. */
    public record Shown(Picture picture, String caption, List<PatchPair> pairs) {
    }

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 10);
    private static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 8);

    private final String title;
    private final Picture query;
    private final float[] map;
    private final int grid;
    private final String mapCaption;
    private final List<Shown> shown;

    public ChmcorrFigure(String title, Picture query, float[] map, int grid, String mapCaption, List<Shown> shown) {
        this.title = title;
        this.query = query;
        this.map = map.clone();
        this.grid = grid;
        this.mapCaption = mapCaption;
        this.shown = List.copyOf(shown);
    }

    @Override
    public String name() {
        return "chmcorr";
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public double aspectRatio() {
        int cols = 1 + Math.max(1, shown.size());
        return (2.0 + 0.5) / (cols * 1.08);
    }

    @Override
    public void draw(Graphics2D g, Rectangle2D area) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.setColor(Color.WHITE);
        g.fill(area);
        int cols = 1 + Math.max(1, shown.size());
        double titleH = TITLE.getSize2D() * 1.8;
        double capH = SMALL.getSize2D() * 1.5;
        double gap = area.getWidth() * 0.08 / cols;
        double side = Math.min((area.getWidth() - gap * (cols + 1)) / cols, (area.getHeight() - titleH - 2 * capH - gap) / 2);
        double x0 = area.getX() + (area.getWidth() - (cols * side + (cols + 1) * gap)) / 2 + gap;
        double top = area.getY() + titleH;
        g.setColor(Color.BLACK);
        g.setFont(TITLE);
        g.drawString(title, (float) (area.getX() + 4), (float) (area.getY() + titleH * 0.7));

        BufferedImage q = query.image();
        // Column 0: query with the map over it, and the bare query below.
        g.drawImage(q, (int) x0, (int) top, (int) side, (int) side, null);
        drawMap(g, x0, top, side);
        g.drawImage(q, (int) x0, (int) (top + side + capH), (int) side, (int) side, null);
        caption(g, mapCaption, x0, top + side, side);
        caption(g, "query", x0, top + 2 * side + capH, side);

        for (int s = 0; s < shown.size(); s++) {
            Shown ex = shown.get(s);
            double x = x0 + (s + 1) * (side + gap);
            double yq = top;
            double ye = top + side + capH;
            g.drawImage(q, (int) x, (int) yq, (int) side, (int) side, null);
            g.drawImage(ex.picture().image(), (int) x, (int) ye, (int) side, (int) side, null);
            caption(g, ex.caption(), x, ye + side, side);
            double cell = side / grid;
            int n = ex.pairs().size();
            for (int r = n - 1; r >= 0; r--) {
                PatchPair p = ex.pairs().get(r);
                Color c = Colormap.VIRIDIS.color(n == 1 ? 1 : 1 - (double) r / (n - 1));
                g.setColor(c);
                g.setStroke(new BasicStroke((float) Math.max(1, side / 70)));
                double qx = x + (p.queryCell() % grid) * cell;
                double qy = yq + (p.queryCell() / grid) * cell;
                double ex0 = x + (p.exemplarCell() % grid) * cell;
                double ey0 = ye + (p.exemplarCell() / grid) * cell;
                g.draw(new Rectangle2D.Double(qx, qy, cell, cell));
                g.draw(new Rectangle2D.Double(ex0, ey0, cell, cell));
                g.draw(new Line2D.Double(qx + cell / 2, qy + cell, ex0 + cell / 2, ey0));
            }
        }
    }

    private void drawMap(Graphics2D g, double x, double y, double side) {
        double cell = side / grid;
        for (int i = 0; i < map.length; i++) {
            if (map[i] <= 0) {
                continue;
            }
            Color c = Colormap.VIRIDIS.color(map[i]);
            g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), (int) (90 + 110 * map[i])));
            g.fill(new Rectangle2D.Double(x + (i % grid) * cell, y + (i / grid) * cell, cell, cell));
        }
        g.setColor(new Color(255, 255, 255, 70));
        g.setStroke(new BasicStroke(0.5f));
        for (int k = 0; k <= grid; k++) {
            g.draw(new Line2D.Double(x + k * cell, y, x + k * cell, y + side));
            g.draw(new Line2D.Double(x, y + k * cell, x + side, y + k * cell));
        }
    }

    private static void caption(Graphics2D g, String text, double x, double y, double width) {
        g.setColor(Color.DARK_GRAY);
        g.setFont(SMALL);
        int w = g.getFontMetrics().stringWidth(text);
        g.drawString(text, (float) (x + Math.max(0, (width - w) / 2)), (float) (y + SMALL.getSize2D() * 1.2));
    }

    @Override
    public FigureData data() {
        FigureData.Builder b = FigureData.builder("exemplar", "pairRank", "queryRow", "queryCol", "exemplarRow",
                "exemplarCol", "similarity");
        for (int s = 0; s < shown.size(); s++) {
            List<PatchPair> pairs = shown.get(s).pairs();
            for (int r = 0; r < pairs.size(); r++) {
                PatchPair p = pairs.get(r);
                b.row(shown.get(s).caption(), r + 1, p.queryCell() / grid, p.queryCell() % grid, p.exemplarCell() / grid,
                        p.exemplarCell() % grid, p.similarity());
            }
        }
        for (int i = 0; i < map.length; i++) {
            b.row("query-map", 0, i / grid, i % grid, -1, -1, map[i]);
        }
        return b.build();
    }

    /** The figure of a decision: query, the map used, the top shown exemplars of the predicted class. */
    public static ChmcorrFigure of(QueryEvidence ev, Decision d, float[] userMap, Picture query,
                                   java.util.function.IntFunction<Picture> galleryPicture, List<String> classNames,
                                   ChmcorrParameters p) {
        List<Shown> shown = new java.util.ArrayList<>();
        for (int pos : ev.explanation(d, p.shown())) {
            int gi = ev.shortlist().galleryIndices()[pos];
            shown.add(new Shown(galleryPicture.apply(gi), "#" + gi + String.format(java.util.Locale.ROOT, " %.3f", d.scores()[pos]),
                    ev.bestPairs(pos, d.userMap() ? userMap : null, p.pairs())));
        }
        int top = d.ranking()[0];
        float[] map = d.userMap() ? userMap : ev.ccMap(top);
        String t = String.format(java.util.Locale.ROOT, "CHM-Corr: %s (%d of K = %d votes)%s", classNames.get(d.prediction()),
                d.votes(), d.k(), d.userMap() ? " — with the user's map" : "");
        return new ChmcorrFigure(t, query, map, ev.grid(), d.userMap() ? "user map" : "CC map", shown);
    }
}
