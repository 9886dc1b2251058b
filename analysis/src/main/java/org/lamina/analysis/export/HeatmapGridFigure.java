package org.lamina.analysis.export;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;

/**
 * A grid of small heat maps (channel maps of a CNN, token or attention maps of a ViT), each
 * scaled to its own min–max range so that weak channels stay readable, with its label and range
 * under it. Pixels are drawn nearest-neighbour: a 7×7 map shows 49 honest cells, not a blur.
 */
public final class HeatmapGridFigure implements Figure {

    /** One map: a label and {@code rows × cols} values, row-major. */
    public record Tile(String label, float[] values, int rows, int cols) {
        public Tile {
            if (values.length != rows * cols) {
                throw new IllegalArgumentException(label + ": " + values.length + " values for a " + rows + "x" + cols + " map");
            }
        }
    }

    /** Title font (10 pt bold, as chart titles). */
    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 10);

    private final String name;
    private final String title;
    private final List<Tile> tiles;
    private final Colormap colormap;
    private final int columns;

    public HeatmapGridFigure(String name, String title, List<Tile> tiles, Colormap colormap) {
        this.name = Objects.requireNonNull(name);
        this.title = Objects.requireNonNull(title);
        this.tiles = List.copyOf(tiles);
        this.colormap = Objects.requireNonNull(colormap);
        if (this.tiles.isEmpty()) {
            throw new IllegalArgumentException("a heat-map grid needs at least one map");
        }
        // Twice as many columns as rows, about: landscape grids suit both panels and paper columns.
        this.columns = (int) Math.ceil(Math.sqrt(this.tiles.size() * 2.0));
    }

    public List<Tile> tiles() {
        return tiles;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String title() {
        return title;
    }

    private int gridRows() {
        return (tiles.size() + columns - 1) / columns;
    }

    @Override
    public double aspectRatio() {
        // Square cells plus a caption strip under each and a title line on top.
        return Math.min(1.6, (gridRows() * 1.12 + 0.2) / columns);
    }

    @Override
    public void draw(Graphics2D g, Rectangle2D area) {
        g.setColor(Color.WHITE);
        g.fill(area);
        // Fixed point sizes, as the JFreeChart figures use (PaperChartStyle): the same look on
        // screen and on paper, whatever the figure's size.
        double titleH = TITLE_FONT.getSize2D() * 1.8;
        g.setColor(Color.BLACK);
        g.setFont(TITLE_FONT);
        g.drawString(title, (float) (area.getX() + 4), (float) (area.getY() + titleH * 0.7));
        int rows = gridRows();
        double cellW = area.getWidth() / columns;
        double cellH = (area.getHeight() - titleH) / rows;
        Font caption = new Font(Font.SANS_SERIF, Font.PLAIN, cellW < 45 ? 6 : 8);
        double side = Math.max(1, Math.min(cellW * 0.92, cellH - caption.getSize2D() * 1.6));
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        for (int i = 0; i < tiles.size(); i++) {
            Tile t = tiles.get(i);
            double x = area.getX() + (i % columns) * cellW + (cellW - side) / 2;
            double y = area.getY() + titleH + (i / columns) * cellH;
            double w = t.cols() >= t.rows() ? side : side * t.cols() / t.rows();
            double h = t.rows() >= t.cols() ? side : side * t.rows() / t.cols();
            g.drawImage(toImage(t), (int) Math.round(x), (int) Math.round(y), (int) Math.round(w), (int) Math.round(h), null);
            g.setColor(new Color(0x999999));
            g.draw(new Rectangle2D.Double(x, y, w, h));
            g.setColor(Color.DARK_GRAY);
            g.setFont(caption);
            FontMetrics fm = g.getFontMetrics();
            String label = t.label();
            while (fm.stringWidth(label) > cellW && label.length() > 3) {
                label = label.substring(0, label.length() - 2) + "…";
            }
            g.drawString(label, (float) (x + (side - fm.stringWidth(label)) / 2), (float) (y + side + fm.getAscent() + 1));
        }
    }

    private BufferedImage toImage(Tile t) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : t.values()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double range = max - min;
        BufferedImage img = new BufferedImage(t.cols(), t.rows(), BufferedImage.TYPE_INT_RGB);
        for (int r = 0; r < t.rows(); r++) {
            for (int c = 0; c < t.cols(); c++) {
                float v = t.values()[r * t.cols() + c];
                img.setRGB(c, r, colormap.rgb(range > 0 ? (v - min) / range : 0));
            }
        }
        return img;
    }

    @Override
    public FigureData data() {
        FigureData.Builder b = FigureData.builder("map", "row", "col", "value");
        for (Tile t : tiles) {
            for (int r = 0; r < t.rows(); r++) {
                for (int c = 0; c < t.cols(); c++) {
                    b.row(t.label(), r, c, t.values()[r * t.cols() + c]);
                }
            }
        }
        return b.build();
    }
}
