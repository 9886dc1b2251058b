package org.lamina.analysis.explorer;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.HistogramDataset;
import org.lamina.analysis.export.ChartFigure;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.export.FigureData;
import org.lamina.analysis.export.PaperChartStyle;
import org.lamina.analysis.lm.NextTokenPrediction;
import org.lamina.analysis.logitlens.LogitLensFigure;

import java.util.List;

/**
 * The explorer's text figures, built from a {@link TextExplorerResult}; the panel shows and
 * exports the same objects: next-token top-k, the logit-lens grid, attention per head, and the
 * histogram of one point's values at one token.
 */
public final class TextExplorerFigures {

    /** Histogram bins. */
    public static final int BINS = 40;

    private TextExplorerFigures() {
    }

    /** All four, with the histogram at the last token and the lens coloured by probability. */
    public static List<Figure> all(TextExplorerResult r, double lensWidth) {
        return List.of(nextTokens(r), logitLens(r, LogitLensFigure.ColorBy.PROBABILITY, lensWidth), attention(r),
                histogram(r, r.positions() - 1));
    }

    /** Horizontal bars of the next-token candidates after the prompt. */
    public static ChartFigure nextTokens(TextExplorerResult r) {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        FigureData.Builder data = FigureData.builder("rank", "id", "token", "probability", "logit");
        for (NextTokenPrediction.Candidate c : r.next()) {
            // The rank keeps categories distinct when two tokens display alike.
            ds.addValue(c.probability(), "probability", c.rank() + ". " + LogitLensFigure.display(c.token()));
            data.row(c.rank(), c.id(), c.token(), c.probability(), c.logit());
        }
        String title = "Next token after \"" + abbreviate(r.request().text(), 40) + "\"";
        JFreeChart chart = ChartFactory.createBarChart(title, null, "probability", ds, PlotOrientation.HORIZONTAL, false,
                true, false);
        PaperChartStyle.apply(chart);
        CategoryPlot plot = chart.getCategoryPlot();
        ((NumberAxis) plot.getRangeAxis()).setRange(0, 1);
        ((BarRenderer) plot.getRenderer()).setMaximumBarWidth(0.12);
        return new ChartFigure("next-token-top" + r.next().size(), "Next-token top-" + r.next().size(), chart, 0.6,
                data.build());
    }

    /** The logit-lens grid (layers × positions). */
    public static LogitLensFigure logitLens(TextExplorerResult r, LogitLensFigure.ColorBy colorBy, double width) {
        return new LogitLensFigure(r.lens(), colorBy, width);
    }

    /** Attention of the chosen block, per head. */
    public static AttentionHeadsFigure attention(TextExplorerResult r) {
        return new AttentionHeadsFigure(r);
    }

    /** Histogram of the chosen point's {@code d} values at token position {@code t}. */
    public static ChartFigure histogram(TextExplorerResult r, int t) {
        float[] a = r.activationAt(t);
        double[] values = new double[a.length];
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < a.length; i++) {
            values[i] = a[i];
            min = Math.min(min, a[i]);
            max = Math.max(max, a[i]);
        }
        if (!(max > min)) {
            max = min + 1;
        }
        HistogramDataset ds = new HistogramDataset();
        ds.addSeries("activation", values, BINS, min, max);
        String token = LogitLensFigure.display(r.tokens().get(t));
        JFreeChart chart = ChartFactory.createHistogram(r.request().point() + " at token " + t + " '" + token + "' ("
                + a.length + " values)", "activation", "count", ds, PlotOrientation.VERTICAL, false, true, false);
        PaperChartStyle.apply(chart);
        XYPlot plot = chart.getXYPlot();
        plot.getRangeAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        FigureData.Builder data = FigureData.builder("point", "position", "token", "bin_start", "bin_end", "count");
        for (int i = 0; i < ds.getItemCount(0); i++) {
            data.row(r.request().point(), t, r.tokens().get(t), ds.getStartXValue(0, i), ds.getEndXValue(0, i),
                    ds.getYValue(0, i));
        }
        return new ChartFigure("histogram-" + r.request().point() + "-token" + t, "Activation histogram", chart, 0.62,
                data.build());
    }

    private static String abbreviate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
