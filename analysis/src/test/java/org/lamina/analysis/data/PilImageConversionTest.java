package org.lamina.analysis.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Images are read as PIL's {@code Image.open(f).convert("L" / "RGB")} reads them. The golden
 * values were computed independently with Pillow 9.4 (Debian python3-pil) from the same PNG files
 * this test writes: {@code list(Image.open(f).convert("L").getdata())} — PIL drops alpha without
 * compositing, its grey is {@code (19595 R + 38470 G + 7471 B + 0x8000) >> 16}, and a grey PNG's
 * samples are taken as stored.
 */
class PilImageConversionTest {

    @TempDir
    Path temp;

    /** R, G, B, alpha of the 4×2 RGBA test image, row-major; most pixels fully transparent. */
    private static final int[][] RGBA = {{200, 100, 50, 0}, {10, 250, 30, 0}, {255, 255, 255, 0}, {90, 91, 92, 128},
        {1, 2, 3, 255}, {255, 0, 0, 0}, {0, 255, 0, 10}, {0, 0, 255, 0}};
    /** Pillow: {@code convert("L")} of that image. */
    private static final int[] PIL_L = {124, 153, 255, 91, 2, 76, 150, 29};

    private Path rgbaPng() throws IOException {
        BufferedImage img = new BufferedImage(4, 2, BufferedImage.TYPE_INT_ARGB);
        for (int i = 0; i < RGBA.length; i++) {
            int[] p = RGBA[i];
            img.setRGB(i % 4, i / 4, p[3] << 24 | p[0] << 16 | p[1] << 8 | p[2]);
        }
        Path f = temp.resolve("rgba.png");
        ImageIO.write(img, "png", f.toFile());
        return f;
    }

    @Test
    void transparentPixelsKeepTheirColourInGreyAsPilConvertL() throws IOException {
        float[] grey = ImageInput.toUnitChw(ImageInput.read(rgbaPng()), 1, 2, 4);
        for (int i = 0; i < PIL_L.length; i++) {
            assertThat(grey[i]).as("pixel %d", i).isEqualTo(PIL_L[i] / 255f);
        }
    }

    @Test
    void transparentPixelsKeepTheirColourInRgbAsPilConvertRgb() throws IOException {
        float[] rgb = ImageInput.toUnitChw(ImageInput.read(rgbaPng()), 3, 2, 4);
        for (int i = 0; i < RGBA.length; i++) {
            for (int c = 0; c < 3; c++) {
                assertThat(rgb[c * 8 + i]).as("pixel %d channel %d", i, c).isEqualTo(RGBA[i][c] / 255f);
            }
        }
    }

    @Test
    void greyPngSamplesAreTakenAsStoredWithOrWithoutAlpha() throws IOException {
        BufferedImage g = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_GRAY);
        int[] values = {0, 64, 128, 255};
        for (int i = 0; i < 4; i++) {
            g.getRaster().setSample(i, 0, 0, values[i]);
        }
        Path grey = temp.resolve("grey.png");
        ImageIO.write(g, "png", grey.toFile());
        // Pillow: mode L, convert("L") = [0, 64, 128, 255], convert("RGB") = the same value in each channel.
        float[] l = ImageInput.toUnitChw(ImageInput.read(grey), 1, 1, 4);
        float[] rgb = ImageInput.toUnitChw(ImageInput.read(grey), 3, 1, 4);
        for (int i = 0; i < 4; i++) {
            assertThat(l[i]).isEqualTo(values[i] / 255f);
            for (int c = 0; c < 3; c++) {
                assertThat(rgb[c * 4 + i]).isEqualTo(values[i] / 255f);
            }
        }

        ColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster r = cm.createCompatibleWritableRaster(4, 1);
        int[][] la = {{10, 0}, {200, 0}, {77, 0}, {255, 3}};
        for (int i = 0; i < 4; i++) {
            r.setSample(i, 0, 0, la[i][0]);
            r.setSample(i, 0, 1, la[i][1]);
        }
        Path greyAlpha = temp.resolve("la.png");
        ImageIO.write(new BufferedImage(cm, r, false, null), "png", greyAlpha.toFile());
        // Pillow: mode LA, convert("L") = [10, 200, 77, 255].
        float[] l2 = ImageInput.toUnitChw(ImageInput.read(greyAlpha), 1, 1, 4);
        int[] pil = {10, 200, 77, 255};
        for (int i = 0; i < 4; i++) {
            assertThat(l2[i]).isEqualTo(pil[i] / 255f);
        }
    }

    @Test
    void resizingATransparentImageDoesNotDarkenIt() throws IOException {
        // A fully transparent white image: PIL's convert("L") is all 255, so any resize of it is too.
        BufferedImage img = new BufferedImage(9, 7, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 7; y++) {
            for (int x = 0; x < 9; x++) {
                img.setRGB(x, y, 0x00ffffff);
            }
        }
        Path f = temp.resolve("clear.png");
        ImageIO.write(img, "png", f.toFile());
        for (float v : ImageInput.toUnitChw(ImageInput.read(f), 1, 5, 4)) {
            assertThat(v).isEqualTo(1f);
        }
    }
}
