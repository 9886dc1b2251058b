package org.lamina.analysis.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

/**
 * Turns an image file into a model input: converted to the model's channel count (grey or RGB),
 * resized bilinearly to the input's height and width, scaled to [0, 1] and normalised per
 * channel with the manifest's mean and std.
 */
public final class ImageInput {

    private ImageInput() {
    }

    /** Reads a PNG/JPEG file; a clear error if it is missing or not an image. */
    public static BufferedImage read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": file not found");
        }
        try {
            BufferedImage img = ImageIO.read(file.toFile());
            if (img == null) {
                throw new DataException(file + ": not a readable image (PNG, JPEG, GIF or BMP expected)");
            }
            return img;
        } catch (IOException e) {
            throw new DataException(file + ": unreadable image: " + e.getMessage(), e);
        }
    }

    /** Pixel values in [0, 1], layout {@code [channels, height, width]}, after resizing. */
    public static float[] toUnitChw(BufferedImage image, int channels, int height, int width) {
        if (channels != 1 && channels != 3) {
            throw new DataException("image models need 1 or 3 input channels, the manifest says " + channels);
        }
        BufferedImage resized = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = resized.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        float[] out = new float[channels * height * width];
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = resized.getRGB(x, y);
                float r = ((rgb >> 16) & 0xff) / 255f;
                float gr = ((rgb >> 8) & 0xff) / 255f;
                float b = (rgb & 0xff) / 255f;
                int at = y * width + x;
                if (channels == 1) {
                    // ITU-R BT.601 luma, as PIL's convert("L")
                    out[at] = 0.299f * r + 0.587f * gr + 0.114f * b;
                } else {
                    out[at] = r;
                    out[plane + at] = gr;
                    out[2 * plane + at] = b;
                }
            }
        }
        return out;
    }

    /** Normalises {@code [C, H, W]} values in place: {@code (x - mean[c]) / std[c]}. */
    public static float[] normalise(float[] chw, int channels, float[] mean, float[] std) {
        int plane = chw.length / channels;
        for (int c = 0; c < channels; c++) {
            float m = mean[mean.length == 1 ? 0 : c];
            float s = std[std.length == 1 ? 0 : c];
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                chw[i] = (chw[i] - m) / s;
            }
        }
        return chw;
    }

    /**
     * The inverse of {@link #toUnitChw} for display: {@code [C, H, W]} values in [0, 1] (1 or 3
     * channels) as an RGB picture.
     */
    public static BufferedImage toImage(float[] unitChw, int channels, int height, int width) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int at = y * width + x;
                int r = unit(unitChw[at]);
                int g = channels == 3 ? unit(unitChw[plane + at]) : r;
                int b = channels == 3 ? unit(unitChw[2 * plane + at]) : r;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    private static int unit(float v) {
        return Math.round(Math.max(0f, Math.min(1f, v)) * 255f);
    }
}
