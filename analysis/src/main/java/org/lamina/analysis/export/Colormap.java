package org.lamina.analysis.export;

import java.awt.Color;

/**
 * Perceptually uniform colour maps for heat maps: {@link #VIRIDIS} for activations (sequential,
 * colour-blind safe) and {@link #INFERNO} for saliency. Anchors from matplotlib's tables
 * (CC0), linearly interpolated.
 */
public enum Colormap {
    VIRIDIS(new int[] {0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e, 0x1f9e89, 0x35b779, 0x6ece58, 0xb5de2b, 0xfde725}),
    INFERNO(new int[] {0x000004, 0x1b0c41, 0x4a0c6b, 0x781c6d, 0xa52c60, 0xcf4446, 0xed6925, 0xfb9b06, 0xf7d13d, 0xfcffa4});

    private final int[] anchors;

    Colormap(int[] anchors) {
        this.anchors = anchors;
    }

    /** RGB of {@code t} in [0, 1] (clamped; NaN maps to 0). */
    public int rgb(double t) {
        if (!(t > 0)) {
            return anchors[0];
        }
        if (t >= 1) {
            return anchors[anchors.length - 1];
        }
        double pos = t * (anchors.length - 1);
        int i = (int) pos;
        double f = pos - i;
        int a = anchors[i];
        int b = anchors[i + 1];
        int r = (int) Math.round(((a >> 16) & 0xff) * (1 - f) + ((b >> 16) & 0xff) * f);
        int g = (int) Math.round(((a >> 8) & 0xff) * (1 - f) + ((b >> 8) & 0xff) * f);
        int bl = (int) Math.round((a & 0xff) * (1 - f) + (b & 0xff) * f);
        return (r << 16) | (g << 8) | bl;
    }

    /** As a colour. */
    public Color color(double t) {
        return new Color(rgb(t));
    }
}
