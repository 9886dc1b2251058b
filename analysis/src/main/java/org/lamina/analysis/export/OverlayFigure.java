package org.lamina.analysis.export;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * An image next to the same image with a map laid over it (e.g. saliency), with a colour bar:
 * the map is normalised to [0, 1] by its maximum and drawn with its colour map, its opacity
 * rising with the value so that low-saliency pixels show the image underneath.
 */
public final class OverlayFigure implements Figure {

    private final String name;
    private final String title;
    private final float[] pixels;
    private final int channels;
    private final int height;
    private final int width;
    private final float[] map;
    private final Colormap colormap;

    /**
     * @param pixels image values in [0, 1], {@code [channels, height, width]}
     * @param map    non-negative values, {@code [height, width]}
     */
    public OverlayFigure(String name, String title, float[] pixels, int channels, int height, int width,
                         float[] map, Colormap colormap) {
        this.name = Objects.requireNonNull(name);
        this.title = Objects.requireNonNull(title);
        if (pixels.length != channels * height * width || map.length != height * width) {
            throw new IllegalArgumentException("image and map sizes do not match " + channels + "x" + height + "x" + width);
        }
        this.pixels = pixels.clone();
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.map = map.clone();
        this.colormap = colormap;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public double aspectRatio() {
        return 0.5;
    }

    @Override
    public void draw(Graphics2D g, Rectangle2D area) {
        g.setColor(Color.WHITE);
        g.fill(area);
        double titleH = HeatmapGridFigure.TITLE_FONT.getSize2D() * 1.8;
        g.setColor(Color.BLACK);
        g.setFont(HeatmapGridFigure.TITLE_FONT);
        g.drawString(title, (float) (area.getX() + 4), (float) (area.getY() + titleH * 0.7));
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 8);
        double legendW = g.getFontMetrics(small).stringWidth("max") + 14;
        double gap = area.getWidth() * 0.03;
        double side = Math.max(1, Math.min(area.getHeight() - titleH - small.getSize2D() * 2,
                (area.getWidth() - 3 * gap - legendW - 6) / 2));
        double top = area.getY() + titleH + 2;
        double left = area.getX() + (area.getWidth() - (2 * side + 2 * gap + legendW)) / 2;
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        BufferedImage base = image(false);
        g.drawImage(base, (int) left, (int) top, (int) side, (int) side, null);
        g.drawImage(image(true), (int) (left + side + gap), (int) top, (int) side, (int) side, null);
        // Colour bar: 0 at the bottom, the map's maximum at the top.
        double barX = left + 2 * side + 2 * gap;
        double barW = 8;
        int steps = 64;
        for (int i = 0; i < steps; i++) {
            g.setColor(colormap.color(1.0 - (double) i / (steps - 1)));
            g.fill(new Rectangle2D.Double(barX, top + side * i / steps, barW, side / steps + 1));
        }
        g.setColor(Color.DARK_GRAY);
        g.setFont(small);
        g.drawString("max", (float) (barX + barW + 2), (float) (top + g.getFontMetrics().getAscent()));
        g.drawString("0", (float) (barX + barW + 2), (float) (top + side));
        g.drawString("image", (float) (left + side / 2 - g.getFontMetrics().stringWidth("image") / 2.0),
                (float) (top + side + small.getSize2D() * 1.4));
        String over = "overlay";
        g.drawString(over, (float) (left + side + gap + side / 2 - g.getFontMetrics().stringWidth(over) / 2.0),
                (float) (top + side + small.getSize2D() * 1.4));
    }

    private BufferedImage image(boolean overlay) {
        float max = 0;
        for (float v : map) {
            max = Math.max(max, v);
        }
        int plane = height * width;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                double r = pixels[i];
                double gr = channels == 3 ? pixels[plane + i] : r;
                double b = channels == 3 ? pixels[2 * plane + i] : r;
                if (overlay) {
                    double t = max > 0 ? map[i] / max : 0;
                    int c = colormap.rgb(t);
                    double a = 0.15 + 0.75 * t;
                    // Dim the image so the colours of the map carry the message.
                    r = (1 - a) * r * 0.6 + a * ((c >> 16) & 0xff) / 255.0;
                    gr = (1 - a) * gr * 0.6 + a * ((c >> 8) & 0xff) / 255.0;
                    b = (1 - a) * b * 0.6 + a * (c & 0xff) / 255.0;
                }
                img.setRGB(x, y, (clamp(r) << 16) | (clamp(gr) << 8) | clamp(b));
            }
        }
        return img;
    }

    private static int clamp(double v) {
        return (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
    }

    @Override
    public FigureData data() {
        FigureData.Builder b = FigureData.builder("row", "col", "pixel", "value");
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                float p = channels == 1 ? pixels[i] : (pixels[i] + pixels[plane + i] + pixels[2 * plane + i]) / 3f;
                b.row(y, x, p, map[i]);
            }
        }
        return b.build();
    }
}
