package org.lamina.analysis.data;

import org.lamina.analysis.model.ImagePreprocessing;

/**
 * Pillow's resampling of 8-bit images ({@code Image.resize(size, BILINEAR|BICUBIC)}, Pillow's
 * {@code libImaging/Resample.c}), followed by torchvision's centre crop, so that an image goes
 * through {@code transforms.Resize(n)} + {@code CenterCrop(m)} as it would in PyTorch. The
 * algorithm is Pillow's, step for step: a separable convolution whose filter support widens by the
 * scale when shrinking (antialiasing), coefficients normalised, then turned into 22-bit fixed
 * point; a horizontal pass over the rows the vertical pass needs, rounded and clipped to 8 bits,
 * then the vertical pass. Pixels are opaque {@code 0xRRGGBB} ints; each channel is resampled alone.
 */
final class PilResize {

    /** Pillow's {@code PRECISION_BITS} (32 − 8 − 2). */
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PilResize() {
    }

    /**
     * torchvision's {@code Resize(resizeShorter)} then {@code CenterCrop(centerCrop)} of a
     * {@code w × h} image: the shorter side becomes {@code resizeShorter}, the longer
     * {@code int(resizeShorter * long / short)} (truncated, as torchvision does); no resampling when
     * the size is already that; the crop's offsets are {@code round((size − crop) / 2)} with
     * Python's round-half-to-even.
     */
    static int[] resizeAndCrop(int[] rgb, int w, int h, ImagePreprocessing pre) {
        int nw;
        int nh;
        int s = pre.resizeShorter();
        if (w <= h) {
            nw = s;
            nh = (int) ((long) s * h / w);
        } else {
            nh = s;
            nw = (int) ((long) s * w / h);
        }
        int[] resized = nw == w && nh == h ? rgb : resize(rgb, w, h, nw, nh, pre.interpolation());
        int c = pre.centerCrop();
        int top = (int) Math.rint((nh - c) / 2.0);
        int left = (int) Math.rint((nw - c) / 2.0);
        int[] out = new int[c * c];
        for (int y = 0; y < c; y++) {
            System.arraycopy(resized, (top + y) * nw + left, out, y * c, c);
        }
        return out;
    }

    /** Pillow's {@code Image.resize((outW, outH), filter)} of an RGB image. */
    static int[] resize(int[] rgb, int w, int h, int outW, int outH, ImagePreprocessing.Interpolation filter) {
        boolean needH = outW != w;
        boolean needV = outH != h;
        Coefficients horiz = Coefficients.of(w, outW, filter);
        Coefficients vert = Coefficients.of(h, outH, filter);
        // Only the source rows the vertical pass reads go through the horizontal pass (as Pillow).
        int yFirst = vert.min[0];
        int yLast = vert.min[outH - 1] + vert.count[outH - 1];
        int[] image = rgb;
        int width = w;
        int rowOffset = 0;
        if (needH) {
            int rows = yLast - yFirst;
            int[] tmp = new int[outW * rows];
            for (int y = 0; y < rows; y++) {
                int src = (y + yFirst) * w;
                for (int x = 0; x < outW; x++) {
                    int min = horiz.min[x];
                    int n = horiz.count[x];
                    int base = x * horiz.ksize;
                    int r = 1 << (PRECISION_BITS - 1);
                    int g = r;
                    int b = r;
                    for (int k = 0; k < n; k++) {
                        int p = rgb[src + min + k];
                        int kk = horiz.fixed[base + k];
                        r += ((p >> 16) & 0xff) * kk;
                        g += ((p >> 8) & 0xff) * kk;
                        b += (p & 0xff) * kk;
                    }
                    tmp[y * outW + x] = (clip8(r) << 16) | (clip8(g) << 8) | clip8(b);
                }
            }
            image = tmp;
            width = outW;
            rowOffset = yFirst;
        }
        if (!needV) {
            if (rowOffset == 0 && image.length == outW * outH) {
                return image;
            }
            int[] out = new int[outW * outH];
            System.arraycopy(image, 0, out, 0, out.length);
            return out;
        }
        int[] out = new int[outW * outH];
        for (int y = 0; y < outH; y++) {
            int min = vert.min[y] - rowOffset;
            int n = vert.count[y];
            int base = y * vert.ksize;
            for (int x = 0; x < width; x++) {
                int r = 1 << (PRECISION_BITS - 1);
                int g = r;
                int b = r;
                for (int k = 0; k < n; k++) {
                    int p = image[(min + k) * width + x];
                    int kk = vert.fixed[base + k];
                    r += ((p >> 16) & 0xff) * kk;
                    g += ((p >> 8) & 0xff) * kk;
                    b += (p & 0xff) * kk;
                }
                out[y * width + x] = (clip8(r) << 16) | (clip8(g) << 8) | clip8(b);
            }
        }
        return out;
    }

    /** Pillow's {@code clip8}: the fixed-point sum to 0 … 255. */
    private static int clip8(int v) {
        if (v >= (1 << PRECISION_BITS << 8)) {
            return 255;
        }
        if (v <= 0) {
            return 0;
        }
        return v >> PRECISION_BITS;
    }

    private static double filter(ImagePreprocessing.Interpolation f, double x) {
        x = Math.abs(x);
        if (f == ImagePreprocessing.Interpolation.BILINEAR) {
            return x < 1.0 ? 1.0 - x : 0.0;
        }
        double a = -0.5;
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    /** Pillow's {@code precompute_coeffs} + {@code normalize_coeffs_8bpc} for one axis. */
    private record Coefficients(int ksize, int[] min, int[] count, int[] fixed) {

        static Coefficients of(int inSize, int outSize, ImagePreprocessing.Interpolation f) {
            double support0 = f == ImagePreprocessing.Interpolation.BILINEAR ? 1.0 : 2.0;
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = support0 * filterScale;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            int[] min = new int[outSize];
            int[] count = new int[outSize];
            int[] fixed = new int[outSize * ksize];
            double[] k = new double[ksize];
            for (int xx = 0; xx < outSize; xx++) {
                double center = (xx + 0.5) * scale;
                double ww = 0.0;
                double ss = 1.0 / filterScale;
                int xmin = (int) (center - support + 0.5); // C's truncation toward zero, as Pillow
                if (xmin < 0) {
                    xmin = 0;
                }
                int xmax = (int) (center + support + 0.5);
                if (xmax > inSize) {
                    xmax = inSize;
                }
                xmax -= xmin;
                for (int x = 0; x < xmax; x++) {
                    double w = filter(f, (x + xmin - center + 0.5) * ss);
                    k[x] = w;
                    ww += w;
                }
                for (int x = 0; x < xmax; x++) {
                    double v = ww != 0.0 ? k[x] / ww : k[x];
                    fixed[xx * ksize + x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS))
                            : (int) (0.5 + v * (1 << PRECISION_BITS));
                }
                min[xx] = xmin;
                count[xx] = xmax;
            }
            return new Coefficients(ksize, min, count, fixed);
        }
    }
}
