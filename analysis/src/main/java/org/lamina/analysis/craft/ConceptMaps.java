package org.lamina.analysis.craft;

import java.util.Arrays;

/**
 * Concept attribution maps (shared/specs/craft.md §Concept attribution maps), as the public CRAFT
 * code draws them: a concept's coefficient map U(x)[:, :, c] is kept above its 90th percentile,
 * resized bicubically to the image, clipped to its [10th, 90th] percentiles and scaled to [0, 1].
 * The same post-processing serves the gradient mode, the paper's: the gradient of the image's
 * coefficient u_c through the NNLS (implicit differentiation) with Grad-CAM at the cut point,
 * max(0, J_c·g(x)_p) per position ({@link NnlsGradCam}).
 */
public final class ConceptMaps {

    /** Percentile under which a concept's cells are dropped (the reference's filter_percentile). */
    public static final double FILTER_PERCENTILE = 90;
    /** Percentiles the resized map is clipped to (the reference's clip_percentile). */
    public static final double CLIP_PERCENTILE = 10;

    private ConceptMaps() {
    }

    /** What a map shows. */
    public enum Mode {
        /** The NNLS coefficient map U(x)[:, :, c] (public CRAFT code). */
        COEFFICIENTS,
        /** Grad-CAM of u_c through the NNLS (the paper's concept attribution map, {@link NnlsGradCam}). */
        GRADIENT;

        public static Mode parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "u", "u-map", "coefficients" -> COEFFICIENTS;
                case "gradient", "grad" -> GRADIENT;
                default -> throw new IllegalArgumentException("map mode must be coefficients or gradient, got '" + s + "'");
            };
        }
    }

    /**
     * One concept's map at image resolution, values in [0, 1].
     *
     * @param cells raw map {@code [rows × cols]} at the cut point's resolution
     */
    public static float[] render(float[] cells, int rows, int cols, int imageSize) {
        double sigma = percentile(cells, FILTER_PERCENTILE);
        float[] kept = new float[cells.length];
        for (int i = 0; i < cells.length; i++) {
            kept[i] = cells[i] > sigma ? cells[i] : 0;
        }
        float[] big = bicubic(kept, rows, cols, imageSize, imageSize);
        double lo = percentile(big, CLIP_PERCENTILE);
        double hi = percentile(big, 100 - CLIP_PERCENTILE);
        float[] out = new float[big.length];
        if (hi <= lo) {
            // A map that is flat after clipping (one hot cell on a small grid): scale by its max.
            float max = 0;
            for (float v : big) {
                max = Math.max(max, v);
            }
            for (int i = 0; i < big.length; i++) {
                out[i] = max > 0 ? Math.max(0, big[i]) / max : 0;
            }
            return out;
        }
        for (int i = 0; i < big.length; i++) {
            out[i] = (float) ((Math.min(hi, Math.max(lo, big[i])) - lo) / (hi - lo));
        }
        return out;
    }

    /** Linear-interpolated percentile (numpy's default). */
    static double percentile(float[] values, double p) {
        float[] s = values.clone();
        Arrays.sort(s);
        if (s.length == 0) {
            return 0;
        }
        double pos = p / 100.0 * (s.length - 1);
        int i = (int) Math.floor(pos);
        int j = Math.min(i + 1, s.length - 1);
        return s[i] + (pos - i) * (s[j] - s[i]);
    }

    /** Bicubic resize (Keys kernel, a = −0.75, half-pixel centres, edge replication: OpenCV's INTER_CUBIC). */
    static float[] bicubic(float[] src, int rows, int cols, int outRows, int outCols) {
        float[] out = new float[outRows * outCols];
        double sy = (double) rows / outRows;
        double sx = (double) cols / outCols;
        for (int y = 0; y < outRows; y++) {
            double fy = (y + 0.5) * sy - 0.5;
            int iy = (int) Math.floor(fy);
            double ty = fy - iy;
            double[] wy = weights(ty);
            for (int x = 0; x < outCols; x++) {
                double fx = (x + 0.5) * sx - 0.5;
                int ix = (int) Math.floor(fx);
                double[] wx = weights(fx - ix);
                double v = 0;
                for (int m = 0; m < 4; m++) {
                    int r = Math.min(rows - 1, Math.max(0, iy - 1 + m));
                    for (int n = 0; n < 4; n++) {
                        int c = Math.min(cols - 1, Math.max(0, ix - 1 + n));
                        v += wy[m] * wx[n] * src[r * cols + c];
                    }
                }
                out[y * outCols + x] = (float) v;
            }
        }
        return out;
    }

    private static double[] weights(double t) {
        double a = -0.75;
        double[] w = new double[4];
        for (int k = 0; k < 4; k++) {
            double d = Math.abs(t - (k - 1));
            w[k] = d <= 1 ? ((a + 2) * d - (a + 3)) * d * d + 1 : d < 2 ? ((a * d - 5 * a) * d + 8 * a) * d - 4 * a : 0;
        }
        return w;
    }
}
