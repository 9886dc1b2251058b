package org.lamina.analysis.data;

import org.lamina.analysis.model.ImagePreprocessing;
import org.lamina.analysis.model.ModelManifest;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

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
        byte[] bytes;
        try {
            // Read whole, then decode from memory: ImageIO.read(File) reads through an unbuffered
            // RandomAccessFile, byte by byte while each reader probes the format.
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DataException(file + ": unreadable image: " + e.getMessage(), e);
        }
        return decode(bytes, file.toString());
    }

    /**
     * Decodes the PNG/JPEG {@code bytes} of the image at {@code location} (named in errors): the
     * images of a list read through another {@link ItemStorage} than local files.
     */
    public static BufferedImage decode(byte[] bytes, String location) {
        try {
            // ImageIO.read(ImageInputStream) closes the stream itself (a memory stream: nothing leaks).
            ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes));
            BufferedImage img = ImageIO.read(in);
            if (img == null) {
                throw new DataException(location + ": not a readable image (PNG, JPEG, GIF or BMP expected)");
            }
            return img;
        } catch (IOException e) {
            throw new DataException(location + ": unreadable image: " + e.getMessage(), e);
        }
    }

    /**
     * Pixel values in [0, 1], layout {@code [channels, height, width]}, after resizing — the
     * values PIL gives for {@code Image.open(f).convert("L" or "RGB").resize((w, h))} divided by 255,
     * exactly where no resizing is needed:
     * <ul>
     *   <li>An alpha channel is dropped, not composited: a transparent pixel keeps its colour
     *       values, as PIL's {@code convert} does. (Drawing the image with Java2D would blend it
     *       onto the black background instead.)</li>
     *   <li>Grey is PIL's integer ITU-R 601-2 luma, {@code L = (19595 R + 38470 G + 7471 B + 0x8000) >> 16}
     *       (Pillow's {@code Convert.c}), computed before resizing as PIL does.</li>
     *   <li>A grey PNG's samples are taken as they are. Java's {@code getRGB} would pass them
     *       through the linear-grey to sRGB conversion (64 becomes 137).</li>
     * </ul>
     * Resizing (when the size differs) is Java2D's bilinear interpolation on the converted values;
     * it is close to, not identical with, PIL's resampling filter. This is
     * {@link ImagePreprocessing#STRETCH}: see {@link #toUnitChw(BufferedImage, int, int, int,
     * ImagePreprocessing)} for a model that records its preprocessing.
     */
    public static float[] toUnitChw(BufferedImage image, int channels, int height, int width) {
        return toUnitChw(image, channels, height, width, ImagePreprocessing.STRETCH);
    }

    /** As {@link #toUnitChw(BufferedImage, int, int, int, ImagePreprocessing)} for a model's input. */
    public static float[] toUnitChw(BufferedImage image, ModelManifest.InputSpec input) {
        long[] s = input.shape();
        if (s.length != 3) {
            throw new DataException("images need a model with an image input [c, h, w], this one takes "
                    + java.util.Arrays.toString(s));
        }
        return toUnitChw(image, (int) s[0], (int) s[1], (int) s[2], input.preprocessing());
    }

    /**
     * As {@link #toUnitChw(BufferedImage, int, int, int)}, but an image of another size than
     * {@code height × width} goes through the model's recorded preprocessing when there is one:
     * Pillow's resize of the shorter side then torchvision's centre crop ({@link PilResize}), on
     * the converted (grey or RGB) 8-bit values, as {@code Image.open(f).convert(mode)} then
     * {@code Resize(n)} and {@code CenterCrop(m)} do. Without one
     * ({@link ImagePreprocessing#STRETCH}) the image is stretched with Java2D's bilinear filter.
     */
    public static float[] toUnitChw(BufferedImage image, int channels, int height, int width,
                                    ImagePreprocessing preprocessing) {
        if (channels != 1 && channels != 3) {
            throw new DataException("image models need 1 or 3 input channels, the manifest says " + channels);
        }
        int w0 = image.getWidth();
        int h0 = image.getHeight();
        int[] rgb = pilRgb(image, channels == 1);
        if ((w0 != width || h0 != height) && preprocessing.recorded()) {
            if (preprocessing.centerCrop() != height || preprocessing.centerCrop() != width) {
                throw new DataException("preprocessing crops " + preprocessing.centerCrop() + "x"
                        + preprocessing.centerCrop() + " but the model's input is " + height + "x" + width);
            }
            rgb = PilResize.resizeAndCrop(rgb, w0, h0, preprocessing);
        } else if (w0 != width || h0 != height) {
            BufferedImage source = new BufferedImage(w0, h0, BufferedImage.TYPE_INT_RGB);
            source.setRGB(0, 0, w0, h0, rgb, 0, w0);
            BufferedImage resized = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = resized.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(source, 0, 0, width, height, null);
            g.dispose();
            rgb = resized.getRGB(0, 0, width, height, null, 0, width);
        }
        float[] out = new float[channels * height * width];
        unitChw(rgb, channels, height * width, out, 0);
        return out;
    }

    /**
     * As {@link #toUnitChw(BufferedImage, int, int, int, ImagePreprocessing)}, written into
     * {@code out} from {@code offset} (a batch's buffer), so that a pass allocates no array per image.
     */
    static void toUnitChwInto(BufferedImage image, int channels, int height, int width, ImagePreprocessing preprocessing,
                              float[] out, int offset) {
        if (image.getWidth() == width && image.getHeight() == height) {
            if (channels != 1 && channels != 3) {
                throw new DataException("image models need 1 or 3 input channels, the manifest says " + channels);
            }
            unitChw(pilRgb(image, channels == 1), channels, height * width, out, offset);
        } else {
            float[] v = toUnitChw(image, channels, height, width, preprocessing);
            System.arraycopy(v, 0, out, offset, v.length);
        }
    }

    private static void unitChw(int[] rgb, int channels, int plane, float[] out, int offset) {
        for (int at = 0; at < plane; at++) {
            int p = rgb[at];
            if (channels == 1) {
                out[offset + at] = (p & 0xff) / 255f; // grey was put in every channel by pilRgb
            } else {
                out[offset + at] = ((p >> 16) & 0xff) / 255f;
                out[offset + plane + at] = ((p >> 8) & 0xff) / 255f;
                out[offset + 2 * plane + at] = (p & 0xff) / 255f;
            }
        }
    }

    /**
     * The image's pixels as opaque {@code 0xRRGGBB}, row-major, alpha dropped; with {@code grey},
     * PIL's luma in all three channels.
     */
    static int[] pilRgb(BufferedImage image, boolean grey) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] out = new int[w * h];
        ColorModel cm = image.getColorModel();
        boolean greySource = cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(cm instanceof IndexColorModel);
        if (greySource) {
            Raster raster = image.getRaster();
            int bits = cm.getComponentSize(0);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int v = raster.getSample(x, y, 0);
                    // 16-bit grey: the high byte (1-, 2- and 4-bit grey: scaled to 0…255).
                    v = bits == 8 ? v : bits > 8 ? v >>> (bits - 8) : v * 255 / ((1 << bits) - 1);
                    out[y * w + x] = (v << 16) | (v << 8) | v;
                }
            }
            return out;
        }
        image.getRGB(0, 0, w, h, out, 0, w);
        for (int i = 0; i < out.length; i++) {
            int p = out[i];
            if (grey) {
                int r = (p >> 16) & 0xff;
                int g = (p >> 8) & 0xff;
                int b = p & 0xff;
                int l = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
                out[i] = (l << 16) | (l << 8) | l;
            } else {
                out[i] = p & 0xffffff;
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
