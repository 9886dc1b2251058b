package org.lamina.analysis.infoplane;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;

/** Training loss and train/test accuracy against epoch (log axis), in the style of the other figures. */
public final class TrainingFigure {

    private TrainingFigure() {
    }

    /** The two-panel chart (loss; train and test accuracy) with a subtitle line. */
    public static JFreeChart chart(InfoPlaneResult r, String subtitle) {
        LogAxis epochs = InfoPlaneFigures.epochAxis(r);
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(epochs);
        combined.setGap(10);

        XYSeriesCollection loss = new XYSeriesCollection(series("train loss", r, r.trainLoss()));
        NumberAxis lossAxis = new NumberAxis("Loss [nats]");
        lossAxis.setAutoRangeIncludesZero(true);
        combined.add(plot(loss, lossAxis, new Color(0x0072B2)), 1);

        XYSeriesCollection acc = new XYSeriesCollection(series("train accuracy", r, r.trainAccuracy()));
        XYSeries test = series("test accuracy", r, r.testAccuracy());
        if (test.getItemCount() > 0) {
            acc.addSeries(test);
        }
        NumberAxis accAxis = new NumberAxis("Accuracy");
        // 10-class image data starts near 0.1; the 12-bit task near 0.5
        accAxis.setRange(r.parameters() != null && !r.parameters().data().isInformationBottleneck() ? 0 : 0.4, 1.02);
        XYPlot accPlot = plot(acc, accAxis, new Color(0x009E73));
        accPlot.getRenderer().setSeriesPaint(1, new Color(0xD55E00));
        combined.add(accPlot, 1);

        JFreeChart chart = new JFreeChart("Training loss and accuracy", new Font("SansSerif", Font.BOLD, 14),
                combined, true);
        chart.addSubtitle(new TextTitle(subtitle, new Font("SansSerif", Font.PLAIN, 11)));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static XYSeries series(String name, InfoPlaneResult r, double[] values) {
        XYSeries s = new XYSeries(name, false, true);
        for (int e = 0; e < r.epochs().length; e++) {
            if (r.epochs()[e] > 0 && Double.isFinite(values[e])) {
                s.add(r.epochs()[e], values[e]);
            }
        }
        return s;
    }

    private static XYPlot plot(XYSeriesCollection data, NumberAxis y, Color colour) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setSeriesPaint(0, colour);
        renderer.setSeriesStroke(0, new BasicStroke(1.6f));
        renderer.setSeriesStroke(1, new BasicStroke(1.6f));
        XYPlot plot = new XYPlot(data, null, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.setOutlinePaint(Color.GRAY);
        return plot;
    }
}
