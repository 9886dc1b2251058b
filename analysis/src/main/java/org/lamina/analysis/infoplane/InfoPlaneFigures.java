package org.lamina.analysis.infoplane;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.chart.util.ExportUtils;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The information-plane figures, built once from an {@link InfoPlaneResult} and shared by the CLI
 * (exported as PNG/SVG/PDF) and the panel (shown through a chart viewer):
 * the information plane itself, I(X;T) and I(T;Y) against epoch, and the gradient SNR panel.
 */
public final class InfoPlaneFigures {

    /** Distinct colours for layers (Okabe–Ito, colour-blind safe). */
    static final Color[] LAYER_COLOURS = {
        new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73), new Color(0xCC79A7),
        new Color(0xD55E00), new Color(0x56B4E9), new Color(0x000000), new Color(0xF0E442),
    };

    private static final Font TITLE = new Font("SansSerif", Font.BOLD, 14);
    private static final Font SUBTITLE = new Font("SansSerif", Font.PLAIN, 11);

    private InfoPlaneFigures() {
    }

    /**
     * Upper end of the I(X;T) axis: just above log2 of the number of MI rows (12 bits for the
     * 12-bit set), the most a deterministic net can reach on them.
     */
    static double ixtCeiling(InfoPlaneResult r) {
        InfoPlaneData.DataChoice d = r.parameters() == null ? InfoPlaneData.DataChoice.IB : r.parameters().data();
        return d.isInformationBottleneck() ? 12.3 : Math.log(d.miRowCount()) / Math.log(2) * 1.025;
    }

    /** Upper end of the I(T;Y) axis: just above H(Y) (1.05 for the 12-bit set, as before). */
    static double ityCeiling(InfoPlaneResult r) {
        InfoPlaneData.DataChoice d = r.parameters() == null ? InfoPlaneData.DataChoice.IB : r.parameters().data();
        return d.isInformationBottleneck() || !(r.entropyY() > 0) ? 1.05 : r.entropyY() * 1.05;
    }

    /** One line describing the run, for subtitles. */
    public static String describe(InfoPlaneResult r) {
        InfoPlaneParameters p = r.parameters();
        StringBuilder w = new StringBuilder();
        for (int i = 0; i < p.widths().length; i++) {
            w.append(i == 0 ? "" : "-").append(p.widths()[i]);
        }
        String est = switch (r.estimator()) {
            case "binning" -> "binning, " + p.bins() + " edges on [−1, 1] (" + p.binning().id() + ")";
            case "binsize" -> "binning, size " + p.binSize();
            case "kde" -> "KDE upper bound, σ² = " + p.noiseVariance();
            case "ksg" -> "KSG k = 3, σ² = " + p.noiseVariance();
            default -> r.estimator();
        };
        String data = p.data().isInformationBottleneck()
                ? String.format(Locale.ROOT, "%.0f %% %s train", 100 * p.trainFraction(), p.split().name().toLowerCase(Locale.ROOT))
                : p.data().describe();
        return String.format(Locale.ROOT, "%s %s, %s; %d epochs, %s; %s", p.activation().name().toLowerCase(Locale.ROOT),
                w, est, p.epochs(), data,
                r.seeds().length == 1 ? "seed " + r.seeds()[0] : "mean of " + r.seeds().length + " runs");
    }

    /**
     * The information plane: x = I(X;T) on [0, 12], y = I(T;Y) on [0, 1]; a marker per (epoch, layer)
     * coloured by epoch with a colour bar, thin lines joining the layers of one epoch, layer labels
     * at the last epoch.
     */
    public static JFreeChart informationPlane(InfoPlaneResult r) {
        return informationPlane(java.util.List.of(r), java.util.List.of(describe(r)));
    }

    private static final java.awt.Shape[] RUN_SHAPES = {
        new Ellipse2D.Double(-3.5, -3.5, 7, 7),
        new java.awt.Polygon(new int[] {0, 4, -4}, new int[] {-5, 3, 3}, 3),
        new java.awt.Rectangle(-3, -3, 6, 6),
    };

    /**
     * Several runs in one information plane (e.g. tanh vs ReLU, or two bin counts): every run is
     * coloured by epoch on one shared colour bar, and told apart by marker shape (circle, triangle,
     * square) and line dash; the legend names them.
     */
    public static JFreeChart informationPlane(java.util.List<InfoPlaneResult> runs, java.util.List<String> names) {
        int maxEpoch = 1;
        for (InfoPlaneResult r : runs) {
            maxEpoch = Math.max(maxEpoch, r.epochs()[r.last()]);
        }
        EpochPaintScale scale = new EpochPaintScale(0, maxEpoch);
        double xMax = 0;
        double yMax = 0;
        for (InfoPlaneResult r : runs) {
            xMax = Math.max(xMax, ixtCeiling(r));
            yMax = Math.max(yMax, ityCeiling(r));
        }
        NumberAxis x = new NumberAxis("I(X;T) [bits]");
        x.setRange(0, xMax);
        x.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(2));
        NumberAxis y = new NumberAxis("I(T;Y) [bits]");
        y.setRange(0, yMax);
        XYPlot plot = new XYPlot();
        plot.setDomainAxis(x);
        plot.setRangeAxis(y);
        plot.setDatasetRenderingOrder(org.jfree.chart.plot.DatasetRenderingOrder.FORWARD);
        org.jfree.chart.LegendItemCollection legendItems = new org.jfree.chart.LegendItemCollection();
        for (int k = 0; k < runs.size(); k++) {
            InfoPlaneResult r = runs.get(k);
            int epochs = r.epochs().length;
            int layers = r.layers().size();
            double[][] xyz = new double[3][epochs * layers];
            XYSeriesCollection lines = new XYSeriesCollection();
            XYLineAndShapeRenderer lineRenderer = new XYLineAndShapeRenderer(true, false);
            BasicStroke stroke = k == 0 ? new BasicStroke(0.6f)
                    : new BasicStroke(0.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {3, 3}, 0);
            for (int e = 0; e < epochs; e++) {
                XYSeries s = new XYSeries("run " + k + " epoch " + r.epochs()[e], false, true);
                for (int l = 0; l < layers; l++) {
                    xyz[0][e * layers + l] = r.ixt()[e][l];
                    xyz[1][e * layers + l] = r.ity()[e][l];
                    xyz[2][e * layers + l] = r.epochs()[e];
                    s.add(r.ixt()[e][l], r.ity()[e][l]);
                }
                lines.addSeries(s);
                lineRenderer.setSeriesPaint(e, scale.color(r.epochs()[e], 70));
                lineRenderer.setSeriesStroke(e, stroke);
            }
            DefaultXYZDataset points = new DefaultXYZDataset();
            points.addSeries("run " + k, xyz);
            XYShapeRenderer pointRenderer = new XYShapeRenderer();
            pointRenderer.setPaintScale(scale);
            java.awt.Shape shape = RUN_SHAPES[k % RUN_SHAPES.length];
            pointRenderer.setDefaultShape(shape);
            pointRenderer.setSeriesShape(0, shape);
            pointRenderer.setDrawOutlines(runs.size() > 1);
            pointRenderer.setDefaultOutlinePaint(new Color(255, 255, 255, 120));
            plot.setDataset(2 * k, lines);
            plot.setRenderer(2 * k, lineRenderer);
            plot.setDataset(2 * k + 1, points);
            plot.setRenderer(2 * k + 1, pointRenderer);
            org.jfree.chart.LegendItem item = new org.jfree.chart.LegendItem(names.get(k), null, null, null, shape,
                    scale.color(maxEpoch * 0.5, 255));
            legendItems.add(item);
            for (int l = 0; l < layers; l++) {
                // stack labels of final points that nearly coincide (e.g. the first layers all at 12 bits)
                int stacked = 0;
                for (int q = 0; q < l; q++) {
                    if (Math.abs(r.ixt()[epochs - 1][q] - r.ixt()[epochs - 1][l]) < 0.5
                            && Math.abs(r.ity()[epochs - 1][q] - r.ity()[epochs - 1][l]) < 0.04) {
                        stacked++;
                    }
                }
                XYTextAnnotation a = new XYTextAnnotation(shortName(r.layers().get(l)), r.ixt()[epochs - 1][l],
                        r.ity()[epochs - 1][l] - 0.035 - 0.04 * stacked);
                a.setFont(SUBTITLE);
                a.setTextAnchor(TextAnchor.TOP_CENTER);
                plot.addAnnotation(a);
            }
        }
        styleWhite(plot);
        org.jfree.chart.plot.ValueMarker hy = new org.jfree.chart.plot.ValueMarker(runs.get(0).entropyY(), Color.GRAY,
                new BasicStroke(0.8f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {4, 4}, 0));
        hy.setLabel("H(Y)");
        hy.setLabelFont(SUBTITLE);
        hy.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.BOTTOM_LEFT);
        hy.setLabelTextAnchor(TextAnchor.TOP_LEFT);
        plot.addRangeMarker(hy);
        boolean overlay = runs.size() > 1;
        if (overlay) {
            plot.setFixedLegendItems(legendItems);
        }
        JFreeChart chart = new JFreeChart(overlay ? "Information plane — comparison" : "Information plane", TITLE, plot, overlay);
        if (!overlay) {
            chart.addSubtitle(new TextTitle(names.get(0), SUBTITLE));
        } else {
            chart.getLegend().setPosition(RectangleEdge.BOTTOM);
            chart.getLegend().setItemFont(SUBTITLE);
        }
        NumberAxis bar = new NumberAxis("Epoch");
        bar.setRange(0, maxEpoch);
        PaintScaleLegend legend = new PaintScaleLegend(scale, bar);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setAxisLocation(AxisLocation.BOTTOM_OR_RIGHT);
        legend.setStripWidth(12);
        legend.setMargin(new RectangleInsets(30, 8, 40, 8));
        legend.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(legend);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** {@code layer3} → {@code L3}, {@code softmax} → {@code out}. */
    static String shortName(String layer) {
        return layer.startsWith("layer") ? "L" + layer.substring(5) : layer.equals("softmax") ? "out" : layer;
    }

    /**
     * Small multiples: I(X;T) (top) and I(T;Y) (bottom) against epoch (log axis; epoch 0 is not
     * drawn), one line per layer with a ±1 std band over repeats.
     */
    public static JFreeChart informationVersusEpoch(InfoPlaneResult r) {
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(epochAxis(r));
        combined.setGap(12);
        combined.add(layerPlot(r, r.ixt(), r.ixtStd(), "I(X;T) [bits]", 0, ixtCeiling(r), true), 1);
        combined.add(layerPlot(r, r.ity(), r.ityStd(), "I(T;Y) [bits]", 0, ityCeiling(r), false), 1);
        JFreeChart chart = new JFreeChart("Mutual information per layer", TITLE, combined, true);
        chart.addSubtitle(new TextTitle(describe(r), SUBTITLE));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** Log epoch axis from 1 to the last epoch, ticks at powers of ten (shared by every per-epoch figure). */
    public static LogAxis epochAxis(InfoPlaneResult r) {
        LogAxis axis = new LogAxis("Epoch (log scale; epoch 0 not drawn)");
        axis.setSmallestValue(1);
        axis.setNumberFormatOverride(new java.text.DecimalFormat("0"));
        axis.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1));
        axis.setMinorTickMarksVisible(true);
        axis.setMinorTickCount(9);
        axis.setRange(1, Math.max(2, r.epochs()[r.last()] * 1.1));
        return axis;
    }

    private static XYPlot layerPlot(InfoPlaneResult r, double[][] mean, double[][] std, String label, double lo, double hi,
                                    boolean legend) {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        DeviationRenderer renderer = new DeviationRenderer(true, false);
        for (int l = 0; l < r.layers().size(); l++) {
            YIntervalSeries s = new YIntervalSeries(r.layers().get(l));
            for (int e = 0; e < r.epochs().length; e++) {
                if (r.epochs()[e] > 0) {
                    s.add(r.epochs()[e], mean[e][l], mean[e][l] - std[e][l], mean[e][l] + std[e][l]);
                }
            }
            data.addSeries(s);
            Color c = LAYER_COLOURS[l % LAYER_COLOURS.length];
            renderer.setSeriesPaint(l, c);
            renderer.setSeriesFillPaint(l, c);
            renderer.setSeriesStroke(l, new BasicStroke(1.6f));
        }
        renderer.setAlpha(0.2f);
        renderer.setDefaultSeriesVisibleInLegend(legend);
        NumberAxis y = new NumberAxis(label);
        y.setRange(lo, hi);
        XYPlot plot = new XYPlot(data, null, y, renderer);
        styleWhite(plot);
        return plot;
    }

    /**
     * Gradient signal-to-noise (Saxe et al. 2018, fig. 4): log-log against epoch, per layer,
     * ‖mean g‖ (solid) and ‖std g‖ (dashed), their ratio, and ‖W‖_F.
     */
    public static JFreeChart snr(InfoPlaneResult r) {
        CombinedDomainXYPlot combined = new CombinedDomainXYPlot(epochAxis(r));
        combined.setGap(10);
        combined.add(logPlot(r, "‖mean g‖ (—), ‖std g‖ (- -)", r.gradientMean(), r.gradientStd(), true), 2);
        combined.add(logPlot(r, "SNR = mean / std", r.snr(), null, false), 1);
        XYPlot weights = logPlot(r, "‖W‖_F", r.weightNorm(), null, false);
        NumberAxis linear = new NumberAxis("‖W‖_F");
        linear.setAutoRangeIncludesZero(true);
        weights.setRangeAxis(linear);
        combined.add(weights, 1);
        JFreeChart chart = new JFreeChart("Gradient signal-to-noise per layer", TITLE, combined, true);
        chart.addSubtitle(new TextTitle(describe(r), SUBTITLE));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static XYPlot logPlot(InfoPlaneResult r, String label, double[][] solid, double[][] dashed, boolean legend) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        int layers = r.layers().size();
        for (int l = 0; l < layers; l++) {
            data.addSeries(series(r, r.layers().get(l), solid, l));
            renderer.setSeriesPaint(l, LAYER_COLOURS[l % LAYER_COLOURS.length]);
            renderer.setSeriesStroke(l, new BasicStroke(1.4f));
            renderer.setSeriesVisibleInLegend(l, legend);
        }
        if (dashed != null) {
            for (int l = 0; l < layers; l++) {
                data.addSeries(series(r, r.layers().get(l) + " std", dashed, l));
                renderer.setSeriesPaint(layers + l, LAYER_COLOURS[l % LAYER_COLOURS.length]);
                renderer.setSeriesStroke(layers + l, new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
                        1, new float[] {5, 4}, 0));
                renderer.setSeriesVisibleInLegend(layers + l, false);
            }
        }
        LogAxis y = new LogAxis(label);
        y.setSmallestValue(1e-12);
        y.setNumberFormatOverride(new java.text.DecimalFormat("0E0"));
        y.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1));
        y.setMinorTickMarksVisible(true);
        XYPlot plot = new XYPlot(data, null, y, renderer);
        styleWhite(plot);
        return plot;
    }

    private static XYSeries series(InfoPlaneResult r, String name, double[][] values, int l) {
        XYSeries s = new XYSeries(name, false, true);
        for (int e = 0; e < r.epochs().length; e++) {
            double v = values[e][l];
            if (r.epochs()[e] > 0 && v > 0 && Double.isFinite(v)) {
                s.add(r.epochs()[e], v);
            }
        }
        return s;
    }

    private static void styleWhite(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.setOutlinePaint(Color.GRAY);
    }

    /**
     * Writes {@code name.png} (at {@code dpi}, for a {@code width × height} point figure),
     * {@code name.svg} and {@code name.pdf} into {@code dir}.
     */
    public static void export(JFreeChart chart, Path dir, String name, int width, int height, int dpi) throws IOException {
        Files.createDirectories(dir);
        double scale = dpi / 72.0;
        InfoPlaneFiles.atomically(dir.resolve(name + ".png"), (OutputStream out) ->
                ChartUtils.writeScaledChartAsPNG(out, chart, width, height, (int) Math.round(scale), (int) Math.round(scale)));
        ExportUtils.writeAsSVG(chart, width, height, dir.resolve(name + ".svg").toFile());
        ExportUtils.writeAsPDF(chart, width, height, dir.resolve(name + ".pdf").toFile());
    }

    /** Reads a result back from {@code infoplane.json} (without its final activations), e.g. to overlay it. */
    public static InfoPlaneResult read(Path json) throws IOException {
        return InfoPlaneFiles.mapper().readValue(json.toFile(), InfoPlaneResult.class);
    }

    /** All figures of a result: {@code infoplane}, {@code mi-epochs}, {@code snr} (PNG/SVG/PDF). */
    public static void exportAll(InfoPlaneResult r, Path dir, int dpi) throws IOException {
        export(informationPlane(r), dir, "infoplane", 720, 540, dpi);
        export(informationVersusEpoch(r), dir, "mi-epochs", 720, 620, dpi);
        export(snr(r), dir, "snr", 720, 720, dpi);
    }
    /** The plane's numbers: one row per (logged epoch, layer). */
    public static org.lamina.analysis.export.FigureData planeData(InfoPlaneResult r) {
        org.lamina.analysis.export.FigureData.Builder b = org.lamina.analysis.export.FigureData.builder("epoch", "layer", "ixt_bits", "ity_bits");
        for (int e = 0; e < r.epochs().length; e++) {
            for (int l = 0; l < r.layers().size(); l++) {
                b.row(r.epochs()[e], r.layers().get(l), r.ixt()[e][l], r.ity()[e][l]);
            }
        }
        return b.build();
    }

    /** Loss and accuracies per logged epoch. */
    public static org.lamina.analysis.export.FigureData trainingData(InfoPlaneResult r) {
        org.lamina.analysis.export.FigureData.Builder b = org.lamina.analysis.export.FigureData.builder("epoch", "train_loss_nats", "train_accuracy", "test_accuracy");
        for (int e = 0; e < r.epochs().length; e++) {
            b.row(r.epochs()[e], r.trainLoss()[e], r.trainAccuracy()[e], r.testAccuracy()[e]);
        }
        return b.build();
    }

    /** Gradient statistics per (logged epoch, layer). */
    public static org.lamina.analysis.export.FigureData snrData(InfoPlaneResult r) {
        org.lamina.analysis.export.FigureData.Builder b = org.lamina.analysis.export.FigureData.builder("epoch", "layer", "grad_mean", "grad_std", "snr", "weight_norm");
        for (int e = 0; e < r.epochs().length; e++) {
            for (int l = 0; l < r.layers().size(); l++) {
                b.row(r.epochs()[e], r.layers().get(l), r.gradientMean()[e][l], r.gradientStd()[e][l], r.snr()[e][l],
                        r.weightNorm()[e][l]);
            }
        }
        return b.build();
    }

    /**
     * The four figures of a result with their data, as the panel shows them and a session replay
     * writes them: {@code infoplane}, {@code mi-epochs}, {@code snr}, {@code training}.
     */
    public static java.util.List<org.lamina.analysis.export.Figure> figures(InfoPlaneResult r) {
        return java.util.List.of(
                new org.lamina.analysis.export.ChartFigure("infoplane", "Information plane", informationPlane(r), 0.75,
                        planeData(r)),
                new org.lamina.analysis.export.ChartFigure("mi-epochs", "Mutual information per layer",
                        informationVersusEpoch(r), 0.86, planeData(r)),
                new org.lamina.analysis.export.ChartFigure("snr", "Gradient signal-to-noise per layer", snr(r), 1.0,
                        snrData(r)),
                new org.lamina.analysis.export.ChartFigure("training", "Training loss and accuracy",
                        TrainingFigure.chart(r, describe(r)), 0.75, trainingData(r)));
    }
}
