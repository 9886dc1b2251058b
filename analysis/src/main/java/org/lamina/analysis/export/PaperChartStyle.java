package org.lamina.analysis.export;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;

import java.awt.Color;
import java.awt.Font;

/**
 * The look of Lamina's charts: sized for a paper column (9 pt labels, 8 pt ticks, 10 pt title),
 * white background, light grid, flat bars with no shadow or gradient.
 */
public final class PaperChartStyle {

    /** Bar and line colour (a colour-blind-safe blue). */
    public static final Color PRIMARY = new Color(0x1f77b4);
    /** Highlight colour (a colour-blind-safe orange). */
    public static final Color ACCENT = new Color(0xff7f0e);

    private PaperChartStyle() {
    }

    /** Applies the style to a chart and returns it. */
    public static JFreeChart apply(JFreeChart chart) {
        StandardChartTheme theme = (StandardChartTheme) StandardChartTheme.createJFreeTheme();
        String family = Font.SANS_SERIF;
        theme.setExtraLargeFont(new Font(family, Font.BOLD, 10));
        theme.setLargeFont(new Font(family, Font.BOLD, 9));
        theme.setRegularFont(new Font(family, Font.PLAIN, 8));
        theme.setSmallFont(new Font(family, Font.PLAIN, 7));
        theme.setChartBackgroundPaint(Color.WHITE);
        theme.setPlotBackgroundPaint(Color.WHITE);
        theme.setDomainGridlinePaint(new Color(0xdddddd));
        theme.setRangeGridlinePaint(new Color(0xdddddd));
        theme.setShadowVisible(false);
        theme.setBarPainter(new StandardBarPainter());
        theme.setXYBarPainter(new StandardXYBarPainter());
        theme.apply(chart);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        if (chart.getPlot() instanceof org.jfree.chart.plot.CategoryPlot p && p.getRenderer() instanceof BarRenderer r) {
            r.setSeriesPaint(0, PRIMARY);
            r.setDrawBarOutline(false);
            r.setShadowVisible(false);
        }
        if (chart.getPlot() instanceof org.jfree.chart.plot.XYPlot p && p.getRenderer() instanceof XYBarRenderer r) {
            r.setSeriesPaint(0, PRIMARY);
            r.setShadowVisible(false);
            r.setDrawBarOutline(false);
        }
        if (chart.getLegend() != null) {
            chart.getLegend().setFrame(org.jfree.chart.block.BlockBorder.NONE);
        }
        return chart;
    }
}
