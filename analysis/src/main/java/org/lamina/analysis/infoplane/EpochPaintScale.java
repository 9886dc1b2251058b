package org.lamina.analysis.infoplane;

import org.jfree.chart.renderer.PaintScale;

import java.awt.Color;
import java.awt.Paint;

/**
 * Sequential colour map (viridis, 9 anchors interpolated linearly) from a lower to an upper bound:
 * perceptually ordered and readable in greyscale, for colouring markers by epoch.
 */
public final class EpochPaintScale implements PaintScale {

    private static final int[] ANCHORS = {
        0x440154, 0x472D7B, 0x3B528B, 0x2C728E, 0x21918C, 0x28AE80, 0x5EC962, 0xADDC30, 0xFDE725,
    };

    private final double lower;
    private final double upper;

    public EpochPaintScale(double lower, double upper) {
        this.lower = lower;
        this.upper = upper > lower ? upper : lower + 1;
    }

    @Override
    public double getLowerBound() {
        return lower;
    }

    @Override
    public double getUpperBound() {
        return upper;
    }

    @Override
    public Paint getPaint(double value) {
        return color(value, 255);
    }

    /** The colour of {@code value} with the given alpha (0–255). */
    public Color color(double value, int alpha) {
        double f = Math.max(0, Math.min(1, (value - lower) / (upper - lower))) * (ANCHORS.length - 1);
        int i = Math.min((int) f, ANCHORS.length - 2);
        double t = f - i;
        int a = ANCHORS[i];
        int b = ANCHORS[i + 1];
        return new Color(mix(a >> 16, b >> 16, t), mix((a >> 8) & 0xff, (b >> 8) & 0xff, t), mix(a & 0xff, b & 0xff, t), alpha);
    }

    private static int mix(int a, int b, double t) {
        return (int) Math.round((a & 0xff) + ((b & 0xff) - (a & 0xff)) * t);
    }
}
