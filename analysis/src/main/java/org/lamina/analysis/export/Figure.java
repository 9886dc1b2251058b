package org.lamina.analysis.export;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;

/**
 * Something a paper can show: drawn with Java2D into any rectangle (in points, 1/72 inch), plus
 * the numbers behind it. Chart figures wrap a JFreeChart ({@link ChartFigure}); image figures
 * (maps, overlays) draw themselves.
 */
public interface Figure {

    /** File-name-friendly name, e.g. {@code top5} or {@code saliency}. */
    String name();

    /** Title for people (window tabs, dialogs). */
    String title();

    /** Height divided by width at which the figure looks right (e.g. 0.75). */
    double aspectRatio();

    /** Draws the figure into {@code area}. */
    void draw(Graphics2D g, Rectangle2D area);

    /** The figure's numbers, for CSV export. */
    FigureData data();
}
