package org.lamina.analysis.export;

import org.jfree.chart.JFreeChart;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.Objects;

/**
 * A figure backed by a JFreeChart. The GUI shows the same chart object in a JavaFX
 * {@code ChartViewer}, so what is exported is what is on screen.
 *
 * @param name        file-name-friendly name
 * @param title       title for people
 * @param chart       the chart
 * @param aspectRatio height / width
 * @param data        the numbers plotted
 */
public record ChartFigure(String name, String title, JFreeChart chart, double aspectRatio, FigureData data)
        implements Figure {

    public ChartFigure {
        Objects.requireNonNull(chart, "chart");
    }

    @Override
    public void draw(Graphics2D g, Rectangle2D area) {
        chart.draw(g, area);
    }
}
