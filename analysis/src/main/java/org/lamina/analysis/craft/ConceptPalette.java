package org.lamina.analysis.craft;

import java.awt.Color;

/**
 * One colour per concept, by importance rank: the ten colours of Tableau 10 (matplotlib's tab10,
 * the reference CRAFT plots' palette), then evenly spaced hues. The same colour marks a concept
 * in every figure and in the panel's legend.
 */
public final class ConceptPalette {

    private static final int[] TAB10 = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f,
        0xbcbd22, 0x17becf};

    private ConceptPalette() {
    }

    /** Colour of the concept at importance rank {@code slot} (0 = most important). */
    public static Color color(int slot) {
        if (slot < TAB10.length) {
            return new Color(TAB10[slot]);
        }
        return Color.getHSBColor((float) ((slot - TAB10.length) * 0.618034 % 1.0), 0.65f, 0.85f);
    }

    /** Colour of concept {@code id} of a result (by its global importance rank). */
    public static Color color(CraftResult r, int id) {
        int[] order = r.conceptsByImportance();
        for (int s = 0; s < order.length; s++) {
            if (order[s] == id) {
                return color(s);
            }
        }
        return Color.GRAY;
    }
}
