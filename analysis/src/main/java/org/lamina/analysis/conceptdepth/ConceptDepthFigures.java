package org.lamina.analysis.conceptdepth;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.lamina.analysis.export.ChartFigure;
import org.lamina.analysis.export.ExportFormat;
import org.lamina.analysis.export.ExportSettings;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.export.FigureData;
import org.lamina.analysis.export.FigureExporter;
import org.lamina.analysis.export.PaperChartStyle;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * The figures of a concept-depth run, shared by the CLI and the panel: probe accuracy per layer
 * with the depth markers (○ threshold CD_τ, □ jump, ◇ converge), accuracy over relative depth
 * with several models or variants overlaid, the depth summary bars, selectivity per layer, and the
 * logit lens. Each carries its numbers for CSV export.
 */
public final class ConceptDepthFigures {

    /** Colour-blind-safe palette (Okabe–Ito) for concepts. */
    public static final Color[] PALETTE = {new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73),
        new Color(0xCC79A7), new Color(0x999999), new Color(0xD55E00), new Color(0x56B4E9), new Color(0xF0E442)};

    private static final Shape CIRCLE = new Ellipse2D.Double(-4.5, -4.5, 9, 9);
    private static final Shape SQUARE = new Rectangle2D.Double(-4, -4, 8, 8);
    private static final Shape DIAMOND = diamond();

    private ConceptDepthFigures() {
    }

    /**
     * Test accuracy per probe point, one curve per concept (the mean over the train/test splits),
     * with the three depth markers (the median over the splits) and, when there are several
     * splits, a shaded band of ± one standard deviation over the splits.
     */
    public static ChartFigure accuracyByLayer(ProbeResult r) {
        XYSeriesCollection curves = new XYSeriesCollection();
        XYSeriesCollection marks = new XYSeriesCollection();
        YIntervalSeriesCollection bands = new YIntervalSeriesCollection();
        FigureData.Builder data = FigureData.builder("model", "concept", "point", "layer", "acc", "acc_std", "acc_min",
                "acc_max", "splits", "f1", "auc", "selectivity", "threshold_layer", "jump_layer", "converge_layer");
        for (ConceptProbeResult c : r.concepts()) {
            XYSeries s = new XYSeries(c.name());
            YIntervalSeries band = new YIntervalSeries(c.name() + " ± std");
            int splits = c.splitAcc() == null ? 1 : c.splitAcc().length;
            for (int k = 0; k < c.points().size(); k++) {
                s.add(k, c.acc()[k]);
                double sd = c.accStd() == null ? 0 : c.accStd()[k];
                band.add(k, c.acc()[k], c.acc()[k] - sd, c.acc()[k] + sd);
                data.row(r.model(), c.name(), c.points().get(k), k, c.acc()[k], c.accStd() == null ? Double.NaN : sd,
                        c.accMin() == null ? Double.NaN : c.accMin()[k], c.accMax() == null ? Double.NaN : c.accMax()[k],
                        splits, c.f1()[k], c.auc()[k], c.selectivity()[k],
                        c.depth().threshold().layer(), c.depth().jump().layer(), c.depth().converge().layer());
            }
            curves.addSeries(s);
            bands.addSeries(band);
            ConceptDepth.Mark[] m = {c.depth().threshold(), c.depth().jump(), c.depth().converge()};
            String[] kind = {"threshold", "jump", "converge"};
            for (int j = 0; j < 3; j++) {
                XYSeries ms = new XYSeries(c.name() + " " + kind[j]);
                ms.add(m[j].layer(), c.acc()[m[j].layer()]);
                marks.addSeries(ms);
            }
        }
        int splits = r.parameters().splits();
        SymbolAxis x = new SymbolAxis("probe point (layer)", r.points().toArray(String[]::new));
        x.setVerticalTickLabels(r.points().size() > 6);
        String title = r.model() + " — " + r.conceptSet() + ": probe accuracy by layer"
                + (splits > 1 ? " (mean ± std over " + splits + " splits; depth markers: median)" : "");
        JFreeChart chart = chart(title, x, curves, marks, true);
        if (splits > 1) {
            addBands(chart.getXYPlot(), bands);
        }
        return new ChartFigure("accuracy-by-layer", "Probe accuracy by layer", chart, 0.72, data.build());
    }

    /** The ± std bands, drawn behind the curves (dataset 2; the plot draws higher indices first). */
    private static void addBands(XYPlot plot, YIntervalSeriesCollection bands) {
        DeviationRenderer shade = new DeviationRenderer(false, false);
        shade.setAlpha(0.18f);
        for (int s = 0; s < bands.getSeriesCount(); s++) {
            shade.setSeriesFillPaint(s, PALETTE[s % PALETTE.length]);
            shade.setSeriesPaint(s, PALETTE[s % PALETTE.length]);
            shade.setSeriesVisibleInLegend(s, false);
        }
        plot.setDataset(2, bands);
        plot.setRenderer(2, shade);
        plot.setDatasetRenderingOrder(org.jfree.chart.plot.DatasetRenderingOrder.REVERSE);
    }

    /**
     * Accuracy over relative depth (l+1)/L, several results (models, or one model's noise and
     * precision variants) overlaid; each result keeps its concept's colour, results differ by stroke.
     *
     * @param concept one concept name, or null for all concepts
     */
    public static ChartFigure accuracyByRelativeDepth(List<ProbeResult> results, List<String> labels, String concept) {
        if (results.size() != labels.size()) {
            throw new IllegalArgumentException(results.size() + " results but " + labels.size() + " labels");
        }
        XYSeriesCollection curves = new XYSeriesCollection();
        XYSeriesCollection marks = new XYSeriesCollection();
        FigureData.Builder data = FigureData.builder("run", "concept", "point", "relative_depth", "acc");
        List<String> conceptOrder = new ArrayList<>();
        List<Integer> colourOf = new ArrayList<>();
        List<Integer> strokeOf = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            for (ConceptProbeResult c : results.get(i).concepts()) {
                if (concept != null && !concept.equals(c.name())) {
                    continue;
                }
                if (!conceptOrder.contains(c.name())) {
                    conceptOrder.add(c.name());
                }
                int n = c.points().size();
                ProbeResult run = results.get(i);
                XYSeries s = new XYSeries(labels.get(i) + ": " + c.name(), false, true);
                for (int k = 0; k < n; k++) {
                    // duplicate points share their original's relative depth (RedundantPoints)
                    s.add(run.relativeDepth(k), c.acc()[k]);
                    data.row(labels.get(i), c.name(), c.points().get(k), run.relativeDepth(k), c.acc()[k]);
                }
                curves.addSeries(s);
                colourOf.add(conceptOrder.indexOf(c.name()));
                strokeOf.add(i);
                XYSeries ms = new XYSeries(labels.get(i) + ": " + c.name() + " threshold");
                ms.add(c.depth().threshold().relative(), c.acc()[c.depth().threshold().layer()]);
                marks.addSeries(ms);
            }
        }
        NumberAxis x = new NumberAxis("relative depth (l+1)/L, duplicate points left out of L");
        x.setRange(0, 1.02);
        JFreeChart chart = chart("Probe accuracy by relative depth" + (concept == null ? "" : " — " + concept), x, curves,
                marks, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer lines = (XYLineAndShapeRenderer) plot.getRenderer(0);
        XYLineAndShapeRenderer points = (XYLineAndShapeRenderer) plot.getRenderer(1);
        for (int s = 0; s < curves.getSeriesCount(); s++) {
            Color col = PALETTE[colourOf.get(s) % PALETTE.length];
            lines.setSeriesPaint(s, col);
            lines.setSeriesStroke(s, stroke(strokeOf.get(s)));
            lines.setSeriesShape(s, new Ellipse2D.Double(-2, -2, 4, 4));
            points.setSeriesPaint(s, col);
            points.setSeriesShape(s, CIRCLE);
        }
        return new ChartFigure("accuracy-by-relative-depth", "Probe accuracy by relative depth", chart, 0.72, data.build());
    }

    /** Threshold, jump and converge depths (relative) per concept, one bar group per concept (and run). */
    public static ChartFigure depthBars(List<ProbeResult> results, List<String> labels) {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        FigureData.Builder data = FigureData.builder("run", "concept", "threshold_layer", "threshold_relative",
                "jump_layer", "jump_relative", "converge_layer", "converge_relative");
        for (int i = 0; i < results.size(); i++) {
            for (ConceptProbeResult c : results.get(i).concepts()) {
                String cat = results.size() > 1 ? labels.get(i) + ": " + c.name() : c.name();
                ConceptDepth d = c.depth();
                ds.addValue(d.threshold().relative(), "threshold CD_τ", cat);
                ds.addValue(d.jump().relative(), "jump", cat);
                ds.addValue(d.converge().relative(), "converge", cat);
                data.row(labels.get(i), c.name(), d.threshold().layer(), d.threshold().relative(), d.jump().layer(),
                        d.jump().relative(), d.converge().layer(), d.converge().relative());
            }
        }
        String title = "Concept depth (relative, (l+1)/L)"
                + (results.size() == 1 ? " — " + results.get(0).model() : "");
        CategoryAxis cx = new CategoryAxis("concept");
        if (ds.getColumnCount() > 5) {
            cx.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        NumberAxis y = new NumberAxis("relative depth");
        y.setRange(0, 1.05);
        BarRenderer bars = new BarRenderer();
        CategoryPlot plot = new CategoryPlot(ds, cx, y, bars);
        plot.setOrientation(PlotOrientation.VERTICAL);
        JFreeChart chart = PaperChartStyle.apply(new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true));
        bars.setSeriesPaint(0, PALETTE[0]);
        bars.setSeriesPaint(1, PALETTE[1]);
        bars.setSeriesPaint(2, PALETTE[2]);
        bars.setItemMargin(0.05);
        return new ChartFigure("depth-bars", "Concept depth summary", chart, 0.62, data.build());
    }

    /** Selectivity (task − control accuracy) per layer, one curve per concept. */
    public static ChartFigure selectivityByLayer(ProbeResult r) {
        XYSeriesCollection curves = new XYSeriesCollection();
        FigureData.Builder data = FigureData.builder("concept", "point", "layer", "acc", "control_acc", "selectivity");
        for (ConceptProbeResult c : r.concepts()) {
            XYSeries s = new XYSeries(c.name());
            for (int k = 0; k < c.points().size(); k++) {
                s.add(k, c.selectivity()[k]);
                data.row(c.name(), c.points().get(k), k, c.acc()[k], c.controlAcc()[k], c.selectivity()[k]);
            }
            curves.addSeries(s);
        }
        SymbolAxis x = new SymbolAxis("probe point (layer)", r.points().toArray(String[]::new));
        x.setVerticalTickLabels(r.points().size() > 6);
        JFreeChart chart = chart(r.model() + ": selectivity (accuracy − control accuracy)", x, curves, null, true);
        ((NumberAxis) chart.getXYPlot().getRangeAxis()).setAutoRangeIncludesZero(true);
        ((NumberAxis) chart.getXYPlot().getRangeAxis()).setLabel("selectivity");
        return new ChartFigure("selectivity", "Selectivity by layer", chart, 0.72, data.build());
    }

    /** Logit lens: KL to the final distribution (left axis) and top-1 agreement (right axis). */
    public static ChartFigure logitLens(String model, LogitLensResult lens) {
        XYSeriesCollection kl = new XYSeriesCollection();
        XYSeriesCollection agree = new XYSeriesCollection();
        XYSeries k1 = new XYSeries("KL(p_l ‖ p_final)");
        XYSeries a1 = new XYSeries("top-1 agreement");
        XYSeries a5 = new XYSeries("top-5 overlap");
        FigureData.Builder data = FigureData.builder("point", "layer", "kl_nats", "top1_agreement", "top5_overlap");
        for (int k = 0; k < lens.points().size(); k++) {
            k1.add(k, lens.kl()[k]);
            a1.add(k, lens.top1Agreement()[k]);
            a5.add(k, lens.top5Overlap()[k]);
            data.row(lens.points().get(k), k, lens.kl()[k], lens.top1Agreement()[k], lens.top5Overlap()[k]);
        }
        kl.addSeries(k1);
        agree.addSeries(a1);
        agree.addSeries(a5);
        SymbolAxis x = new SymbolAxis("residual stream after", lens.points().toArray(String[]::new));
        NumberAxis left = new NumberAxis("KL to final (nats)");
        XYLineAndShapeRenderer r0 = new XYLineAndShapeRenderer(true, true);
        r0.setSeriesPaint(0, PALETTE[0]);
        r0.setSeriesStroke(0, new BasicStroke(1.6f));
        XYPlot plot = new XYPlot(kl, x, left, r0);
        NumberAxis right = new NumberAxis("agreement with final");
        right.setRange(0, 1.05);
        plot.setRangeAxis(1, right);
        plot.setDataset(1, agree);
        plot.mapDatasetToRangeAxis(1, 1);
        XYLineAndShapeRenderer r1 = new XYLineAndShapeRenderer(true, true);
        r1.setSeriesPaint(0, PALETTE[1]);
        r1.setSeriesPaint(1, PALETTE[2]);
        r1.setSeriesStroke(0, new BasicStroke(1.6f));
        r1.setSeriesStroke(1, stroke(1));
        plot.setRenderer(1, r1);
        JFreeChart chart = PaperChartStyle.apply(new JFreeChart(model + ": logit lens (CLS through final norm + head)",
                JFreeChart.DEFAULT_TITLE_FONT, plot, true));
        r0.setSeriesPaint(0, PALETTE[0]);
        r1.setSeriesPaint(0, PALETTE[1]);
        r1.setSeriesPaint(1, PALETTE[2]);
        return new ChartFigure("logit-lens", "Logit lens", chart, 0.62, data.build());
    }

    /**
     * Every figure of a run (and of the overlay, when there are other results), in export order:
     * accuracy by layer, by relative depth, depth bars, selectivity, and the logit lens when the
     * run has one. Each figure's {@link Figure#name()} is its file name.
     */
    public static List<Figure> figures(ProbeResult r, List<ProbeResult> overlay, List<String> overlayLabels) {
        List<Figure> out = new ArrayList<>();
        out.add(accuracyByLayer(r));
        List<ProbeResult> all = new ArrayList<>(List.of(r));
        all.addAll(overlay);
        List<String> labels = new ArrayList<>(List.of(label(r)));
        labels.addAll(overlayLabels);
        out.add(accuracyByRelativeDepth(all, labels, null));
        out.add(depthBars(all, labels));
        out.add(selectivityByLayer(r));
        if (r.logitLens() != null) {
            out.add(logitLens(r.model(), r.logitLens()));
        }
        return out;
    }

    /**
     * The figures of a study as the panel exports them: the open model's run (with the logit lens
     * when it ran on that model), overlaid with the other models' runs and the robustness variant.
     */
    public static List<Figure> figures(ConceptDepthStudy.Result result) {
        ProbeResult main = result.runs().get(0);
        List<ProbeResult> others = new ArrayList<>(result.runs().subList(1, result.runs().size()));
        if (result.variant() != null) {
            others.add(result.variant());
        }
        ProbeResult withLens = result.lens() != null && result.lensModel().equals(main.model())
                ? main.withLogitLens(result.lens()) : main;
        return figures(withLens, others, others.stream().map(ConceptDepthFigures::label).toList());
    }

    /** Writes every figure of a run (and of the overlay, when there are other results) as PNG/SVG/PDF/CSV. */
    public static List<Path> exportAll(ProbeResult r, List<ProbeResult> overlay, List<String> overlayLabels, Path dir,
                                       int dpi) {
        FigureExporter ex = new FigureExporter(new ExportSettings(ExportSettings.DOUBLE_COLUMN_CM, dpi));
        EnumSet<ExportFormat> formats = EnumSet.of(ExportFormat.PNG, ExportFormat.SVG, ExportFormat.PDF, ExportFormat.CSV);
        List<Path> out = new ArrayList<>();
        for (Figure f : figures(r, overlay, overlayLabels)) {
            out.addAll(ex.exportAll(f, dir, f.name(), formats));
        }
        return out;
    }

    /** A legend label for a run: model, plus its noise/precision variant when not clean fp32. */
    public static String label(ProbeResult r) {
        String v = r.parameters().variantLabel();
        return v.equals("clean, fp32") ? r.model() : r.model() + " (" + v + ")";
    }

    private static JFreeChart chart(String title, org.jfree.chart.axis.ValueAxis x, XYSeriesCollection curves,
                                    XYSeriesCollection marks, boolean conceptColours) {
        NumberAxis y = new NumberAxis("test accuracy");
        y.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, true);
        XYPlot plot = new XYPlot(curves, x, y, lines);
        for (int s = 0; s < curves.getSeriesCount(); s++) {
            lines.setSeriesPaint(s, PALETTE[s % PALETTE.length]);
            lines.setSeriesStroke(s, new BasicStroke(1.6f));
            lines.setSeriesShape(s, new Ellipse2D.Double(-2, -2, 4, 4));
        }
        if (marks != null) {
            XYLineAndShapeRenderer pts = new XYLineAndShapeRenderer(false, true);
            pts.setDefaultShapesFilled(false);
            pts.setUseOutlinePaint(false);
            for (int s = 0; s < marks.getSeriesCount(); s++) {
                if (conceptColours) {
                    pts.setSeriesPaint(s, PALETTE[(s / 3) % PALETTE.length]);
                    pts.setSeriesShape(s, s % 3 == 0 ? CIRCLE : s % 3 == 1 ? SQUARE : DIAMOND);
                }
                pts.setSeriesStroke(s, new BasicStroke(1.3f));
                pts.setSeriesVisibleInLegend(s, false);
            }
            plot.setDataset(1, marks);
            plot.setRenderer(1, pts);
        }
        JFreeChart chart = PaperChartStyle.apply(new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true));
        // the theme resets series paints: set them again
        for (int s = 0; s < curves.getSeriesCount(); s++) {
            lines.setSeriesPaint(s, PALETTE[s % PALETTE.length]);
        }
        if (marks != null && conceptColours) {
            XYLineAndShapeRenderer pts = (XYLineAndShapeRenderer) plot.getRenderer(1);
            for (int s = 0; s < marks.getSeriesCount(); s++) {
                pts.setSeriesPaint(s, PALETTE[(s / 3) % PALETTE.length]);
            }
        }
        return chart;
    }

    private static BasicStroke stroke(int variant) {
        return switch (variant % 4) {
            case 0 -> new BasicStroke(1.6f);
            case 1 -> new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {6, 4}, 0);
            case 2 -> new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {2, 3}, 0);
            default -> new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {8, 3, 2, 3}, 0);
        };
    }

    private static Shape diamond() {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(0, -5);
        p.lineTo(5, 0);
        p.lineTo(0, 5);
        p.lineTo(-5, 0);
        p.closePath();
        return p;
    }
}
