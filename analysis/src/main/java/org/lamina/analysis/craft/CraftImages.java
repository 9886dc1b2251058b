package org.lamina.analysis.craft;

import org.lamina.analysis.data.Dataset;

import java.awt.Color;
import java.awt.image.BufferedImage;

/**
 * Images of a CRAFT result for figures and the panel: crops at their own resolution and an image
 * with its concept attribution maps laid over it (shared/specs/craft.md §Concept attribution maps:
 * one colour per concept, opacity ramping 0 → 0.85 with the map, overlay α 0.65, drawn in reverse
 * importance order so that the most important concept is on top).
 */
public final class CraftImages {

    /** Overall opacity of the concept overlay (the reference's alpha). */
    public static final double OVERLAY_ALPHA = 0.65;
    /** Opacity at a map value of 1 (the reference colour maps' alpha ramp end). */
    public static final double RAMP_MAX = 0.85;

    private CraftImages() {
    }

    /** Crop {@code cropRow} (row of A) as an image at patch resolution. */
    public static BufferedImage crop(CraftResult r, Dataset data, int cropRow) {
        long[] s = data.sampleShape();
        int channels = s.length == 3 ? (int) s[0] : 1;
        float[] px = r.crops().crop(data.sample(r.imageOfCrop(cropRow)), channels, r.positionOfCrop(cropRow));
        return toImage(px, channels, r.crops().patch(), r.crops().patch());
    }

    /** Image {@code slot} (index into the result's images) as an image. */
    public static BufferedImage image(CraftResult r, Dataset data, int slot) {
        long[] s = data.sampleShape();
        int channels = s.length == 3 ? (int) s[0] : 1;
        int size = r.crops().imageSize();
        return toImage(data.sample(r.imageIndices()[slot]), channels, size, size);
    }

    /**
     * One concept's map for image {@code slot} at image resolution, in [0, 1].
     */
    public static float[] conceptMap(CraftResult r, int slot, int concept, ConceptMaps.Mode mode) {
        float[] source = mode == ConceptMaps.Mode.GRADIENT ? r.gradientMaps()[slot] : r.coefficientMaps()[slot];
        int positions = r.mapRows() * r.mapCols();
        float[] cells = new float[positions];
        for (int p = 0; p < positions; p++) {
            cells[p] = Math.max(0, source[p * r.rank() + concept]);
        }
        return ConceptMaps.render(cells, r.mapRows(), r.mapCols(), r.crops().imageSize());
    }

    /** Concepts of image {@code slot} by local importance, most important first. */
    public static int[] localOrder(CraftResult r, int slot) {
        return ConceptRanking.order(r.localImportance()[slot]);
    }

    /**
     * Image {@code slot} in grey with the maps of its {@code shown} locally most important concepts
     * laid over it, each in its concept colour.
     */
    public static BufferedImage overlay(CraftResult r, Dataset data, int slot, ConceptMaps.Mode mode, int shown) {
        BufferedImage base = image(r, data, slot);
        int size = r.crops().imageSize();
        double[][] rgb = new double[size * size][3];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int c = base.getRGB(x, y);
                double grey = (((c >> 16) & 0xff) * 0.299 + ((c >> 8) & 0xff) * 0.587 + (c & 0xff) * 0.114) / 255.0;
                rgb[y * size + x] = new double[] {grey, grey, grey};
            }
        }
        int[] order = localOrder(r, slot);
        int k = Math.min(shown, order.length);
        for (int i = k - 1; i >= 0; i--) {
            int concept = order[i];
            float[] map = conceptMap(r, slot, concept, mode);
            Color col = ConceptPalette.color(r, concept);
            float[] cc = col.getRGBColorComponents(null);
            for (int p = 0; p < map.length; p++) {
                double a = OVERLAY_ALPHA * RAMP_MAX * map[p];
                for (int ch = 0; ch < 3; ch++) {
                    rgb[p][ch] = (1 - a) * rgb[p][ch] + a * cc[ch];
                }
            }
        }
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int p = 0; p < rgb.length; p++) {
            out.setRGB(p % size, p / size, (clamp(rgb[p][0]) << 16) | (clamp(rgb[p][1]) << 8) | clamp(rgb[p][2]));
        }
        return out;
    }

    static BufferedImage toImage(float[] px, int channels, int h, int w) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int r = clamp(px[i]);
                int g = channels == 3 ? clamp(px[plane + i]) : r;
                int b = channels == 3 ? clamp(px[2 * plane + i]) : r;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    private static int clamp(double v) {
        return (int) Math.round(Math.max(0, Math.min(1, v)) * 255);
    }
}
