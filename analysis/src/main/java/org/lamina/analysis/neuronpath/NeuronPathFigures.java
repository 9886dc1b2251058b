package org.lamina.analysis.neuronpath;

import org.lamina.analysis.export.ChartFigure;
import org.lamina.analysis.export.Colormap;
import org.lamina.analysis.export.ExportFormat;
import org.lamina.analysis.export.ExportSettings;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.export.FigureData;
import org.lamina.analysis.export.FigureExporter;
import org.lamina.analysis.export.PaperChartStyle;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.BoxAndWhiskerRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.DefaultBoxAndWhiskerCategoryDataset;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The figures of a neuron-path result (issue #8): the path graph, JAS box plots per method,
 * manipulation bars and the class-similarity heat map. Same objects for the panel and the CLI.
 */
public final class NeuronPathFigures {

    private NeuronPathFigures() {
    }

    /** Path graph of one image (index into {@code r.images()}), every method's path. */
    public static PathGraphFigure pathGraph(NeuronPathResult r, int image, List<PathMethod> methods, int topN) {
        List<PathGraphFigure.DrawnPath> drawn = new ArrayList<>();
        for (PathMethod m : methods) {
            var mp = r.methods().get(m);
            if (mp != null) {
                drawn.add(new PathGraphFigure.DrawnPath(m, mp.paths()[image], mp.blockContributions()[image]));
            }
        }
        var e = r.images().get(image);
        String title = String.format("Neuron paths, %s image #%d (%s, p = %.2f)", r.model(), e.index(),
                r.labels().get(e.label()), e.baseProb());
        return new PathGraphFigure(title, r.cleanNeurons()[image], drawn, 10);
    }

    /**
     * Path graph of a whole class (index into the result's class list, or all images for −1):
     * columns ordered by the class's mean activation; per method the most frequent neuron(s) per
     * block over the class's images, edge width by the mean block contribution.
     */
    public static PathGraphFigure classPathGraph(NeuronPathResult r, int classIndex, List<PathMethod> methods, int topN) {
        List<Integer> members = members(r, classIndex);
        float[][] mean = new float[r.blocks()][r.width()];
        for (int i : members) {
            for (int b = 0; b < r.blocks(); b++) {
                for (int j = 0; j < r.width(); j++) {
                    mean[b][j] += r.cleanNeurons()[i][b][j] / members.size();
                }
            }
        }
        List<PathGraphFigure.DrawnPath> drawn = new ArrayList<>();
        int k = r.parameters().topK();
        for (PathMethod m : methods) {
            var mp = r.methods().get(m);
            if (mp == null) {
                continue;
            }
            int[][] mode = new int[r.blocks()][];
            double[] contrib = new double[r.blocks()];
            for (int b = 0; b < r.blocks(); b++) {
                float[] freq = new float[r.width()];
                for (int i : members) {
                    for (int n : mp.paths()[i][b]) {
                        freq[n]++;
                    }
                    contrib[b] += mp.blockContributions()[i][b] / members.size();
                }
                mode[b] = PathSearch.topK(freq, k);
            }
            drawn.add(new PathGraphFigure.DrawnPath(m, mode, contrib));
        }
        String what = classIndex < 0 ? "all classes" : "class " + classNames(r).get(classIndex);
        return new PathGraphFigure(String.format("Neuron paths, %s, %s (%d images; most frequent neurons)", r.model(), what,
                members.size()), mean, drawn, topN);
    }

    /** The result's analysed classes, in order of first appearance. */
    public static List<String> classNames(NeuronPathResult r) {
        List<String> out = new ArrayList<>();
        for (var e : r.images()) {
            String c = r.labels().get(e.label());
            if (!out.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /** Indices into {@code r.images()} of class {@code classIndex} (into {@link #classNames}), or all for −1. */
    public static List<Integer> members(NeuronPathResult r, int classIndex) {
        List<String> names = classNames(r);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < r.images().size(); i++) {
            if (classIndex < 0 || r.labels().get(r.images().get(i).label()).equals(names.get(classIndex))) {
                out.add(i);
            }
        }
        return out;
    }

    /** Indices into {@code r.images()} ordered by the neuron's clean activation, largest first. */
    public static List<Integer> topExciting(NeuronPathResult r, int block, int neuron, int n) {
        float[] v = new float[r.images().size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.cleanNeurons()[i][block][neuron];
        }
        int[] top = PathSearch.topK(v, Math.min(n, v.length));
        List<Integer> out = new ArrayList<>();
        for (int i : top) {
            out.add(i);
        }
        return out;
    }

    /** Histogram of one neuron's clean activation over the analysed images. */
    public static ChartFigure activationHistogram(NeuronPathResult r, int block, int neuron) {
        int n = r.images().size();
        double[] v = new double[n];
        FigureData.Builder d = FigureData.builder("image", "label", "activation");
        for (int i = 0; i < n; i++) {
            v[i] = r.cleanNeurons()[i][block][neuron];
            d.row(r.images().get(i).index(), r.labels().get(r.images().get(i).label()), v[i]);
        }
        org.jfree.data.statistics.HistogramDataset ds = new org.jfree.data.statistics.HistogramDataset();
        double min = java.util.Arrays.stream(v).min().orElse(0);
        double max = java.util.Arrays.stream(v).max().orElse(1);
        ds.addSeries("activation", v, Math.max(5, Math.min(30, n / 2)), min, max > min ? max : min + 1e-6);
        JFreeChart chart = org.jfree.chart.ChartFactory.createHistogram(
                String.format("Block %d, neuron %d over %d images", block, neuron, n), "activation (CLS, after GELU)",
                "images", ds);
        chart.removeLegend();
        PaperChartStyle.apply(chart);
        return new ChartFigure("neuron-" + block + "-" + neuron, "Neuron activation", chart, 0.62, d.build());
    }

    /** JAS(P) per method: box over classes' mean JAS (over images with a single class). */
    public static ChartFigure jasBoxPlot(NeuronPathResult r) {
        DefaultBoxAndWhiskerCategoryDataset ds = new DefaultBoxAndWhiskerCategoryDataset();
        FigureData.Builder d = FigureData.builder("method", "group", "jas");
        boolean perClass = r.classStats() != null;
        for (var e : r.methods().entrySet()) {
            List<Double> values = new ArrayList<>();
            if (perClass) {
                for (var c : e.getValue().jasPerClass().entrySet()) {
                    values.add(c.getValue());
                    d.row(e.getKey().key(), c.getKey(), c.getValue());
                }
            } else {
                double[] s = e.getValue().scores();
                for (int i = 0; i < s.length; i++) {
                    values.add(s[i]);
                    d.row(e.getKey().key(), "image " + r.images().get(i).index(), s[i]);
                }
            }
            ds.add(values, "JAS(P)", e.getKey().title());
        }
        BoxAndWhiskerRenderer renderer = new BoxAndWhiskerRenderer();
        renderer.setMeanVisible(false);
        renderer.setFillBox(true);
        renderer.setMaximumBarWidth(0.12);
        CategoryAxis methods = new CategoryAxis(null);
        methods.setMaximumCategoryLabelLines(2);
        CategoryPlot plot = new CategoryPlot(ds, methods,
                new NumberAxis("JAS(P)" + (perClass ? ", class means" : ", per image")), renderer);
        JFreeChart chart = new JFreeChart("Joint attribution score by method (" + r.model() + ")",
                JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        PaperChartStyle.apply(chart);
        // after the theme, which resets series paints
        renderer.setSeriesPaint(0, new Color(0x9ecae1));
        renderer.setSeriesOutlinePaint(0, PaperChartStyle.PRIMARY);
        renderer.setArtifactPaint(PaperChartStyle.PRIMARY);
        return new ChartFigure("jas-boxplot", "JAS by method", chart, 0.62, d.build());
    }

    /** Probability deviation (%) when removing / enhancing each method's path neurons. */
    public static ChartFigure manipulationBars(NeuronPathResult r) {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        FigureData.Builder d = FigureData.builder("method", "removeProbDev", "enhanceProbDev", "removeAccDev", "enhanceAccDev");
        for (var e : r.manipulation().entrySet()) {
            var m = e.getValue();
            ds.addValue(m.removeProbDev(), "remove (×0)", e.getKey().title());
            ds.addValue(m.enhanceProbDev(), "enhance (×2)", e.getKey().title());
            d.row(e.getKey().key(), m.removeProbDev(), m.enhanceProbDev(), m.removeAccDev(), m.enhanceAccDev());
        }
        BarRenderer renderer = new BarRenderer();
        CategoryAxis methods = new CategoryAxis(null);
        methods.setMaximumCategoryLabelLines(2);
        CategoryPlot plot = new CategoryPlot(ds, methods, new NumberAxis("target probability deviation (%)"), renderer);
        JFreeChart chart = new JFreeChart("Manipulating path neurons at the CLS token (" + r.model() + ")",
                JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        PaperChartStyle.apply(chart);
        renderer.setSeriesPaint(0, PathGraphFigure.COLORS.get(PathMethod.ACTIVATION));
        renderer.setSeriesPaint(1, PathGraphFigure.COLORS.get(PathMethod.JAS));
        return new ChartFigure("manipulation", "Manipulation", chart, 0.62, d.build());
    }

    /** Class-to-class cosine similarity of JAS path-neuron frequencies, or null with one class. */
    public static Figure classSimilarity(NeuronPathResult r) {
        ClassStatistics s = r.classStats();
        return s == null ? null : new SimilarityFigure(r.model(), s);
    }

    /**
     * Every figure of a result, in the CLI's order: the path graph of the first image, the JAS box
     * plot, the manipulation bars and (with more than one class) the class similarity.
     */
    public static List<Figure> all(NeuronPathResult r) {
        List<Figure> out = new ArrayList<>(List.of(pathGraph(r, 0, r.parameters().methods(), 10), jasBoxPlot(r),
                manipulationBars(r)));
        Figure sim = classSimilarity(r);
        if (sim != null) {
            out.add(sim);
        }
        return out;
    }

    /** File names the CLI writes, by figure name. */
    private static final java.util.Map<String, String> FILE_NAMES = java.util.Map.of("path-graph", "neuronpath-graph",
            "jas-boxplot", "neuronpath-jas", "manipulation", "neuronpath-manipulation", "class-similarity",
            "neuronpath-class-similarity");

    /** Writes every figure as PNG, SVG, PDF and CSV into {@code dir}; returns the files. */
    public static List<Path> exportAll(NeuronPathResult r, Path dir, int dpi) {
        FigureExporter ex = new FigureExporter(new ExportSettings(ExportSettings.DOUBLE_COLUMN_CM, dpi));
        List<ExportFormat> formats = List.of(ExportFormat.PNG, ExportFormat.SVG, ExportFormat.PDF, ExportFormat.CSV);
        List<Path> out = new ArrayList<>();
        for (Figure f : all(r)) {
            out.addAll(ex.exportAll(f, dir, FILE_NAMES.get(f.name()), formats));
        }
        return out;
    }

    /** A labelled class × class heat map (viridis), value printed in every cell. */
    static final class SimilarityFigure implements Figure {
        private final String model;
        private final ClassStatistics stats;

        SimilarityFigure(String model, ClassStatistics stats) {
            this.model = model;
            this.stats = stats;
        }

        @Override
        public String name() {
            return "class-similarity";
        }

        @Override
        public String title() {
            return "Class similarity";
        }

        @Override
        public double aspectRatio() {
            return 0.8;
        }

        @Override
        public void draw(Graphics2D g, Rectangle2D area) {
            List<String> cls = stats.classes();
            int n = cls.size();
            g.setColor(Color.WHITE);
            g.fill(area);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 10));
            g.drawString("Cosine similarity of classes' JAS path neurons (" + model + ")", (float) area.getX() + 4,
                    (float) area.getY() + 12);
            Font f = new Font(Font.SANS_SERIF, Font.PLAIN, n > 8 ? 6 : 7);
            g.setFont(f);
            FontMetrics fm = g.getFontMetrics();
            double labelW = 0;
            for (String c : cls) {
                labelW = Math.max(labelW, fm.stringWidth(c));
            }
            double x0 = area.getX() + labelW + 8;
            double y0 = area.getY() + 20;
            double size = Math.min(area.getMaxX() - x0 - 40, area.getMaxY() - y0 - labelW - 8);
            double cell = size / n;
            for (int a = 0; a < n; a++) {
                g.setColor(Color.BLACK);
                g.drawString(cls.get(a), (float) (x0 - fm.stringWidth(cls.get(a)) - 4), (float) (y0 + (a + 0.5) * cell + 2.5));
                for (int b = 0; b < n; b++) {
                    double v = stats.similarity()[a][b];
                    g.setColor(Colormap.VIRIDIS.color(v));
                    g.fill(new Rectangle2D.Double(x0 + b * cell, y0 + a * cell, cell, cell));
                    if (cell >= 14) {
                        g.setColor(v > 0.6 ? Color.BLACK : Color.WHITE);
                        String s = String.format("%.2f", v);
                        g.drawString(s, (float) (x0 + (b + 0.5) * cell - fm.stringWidth(s) / 2.0), (float) (y0 + (a + 0.5) * cell + 2.5));
                    }
                }
            }
            for (int b = 0; b < n; b++) {
                var old = g.getTransform();
                g.translate(x0 + (b + 0.5) * cell + 2.5, y0 + n * cell + 4);
                g.rotate(Math.PI / 2);
                g.setColor(Color.BLACK);
                g.drawString(cls.get(b), 0, 0);
                g.setTransform(old);
            }
            // colour bar 0 … 1
            double bx = x0 + n * cell + 10;
            for (int q = 0; q < 50; q++) {
                g.setColor(Colormap.VIRIDIS.color(1 - q / 49.0));
                g.fill(new Rectangle2D.Double(bx, y0 + q * size / 50, 8, size / 50 + 0.5));
            }
            g.setColor(Color.BLACK);
            g.drawString("1", (float) bx + 10, (float) y0 + 6);
            g.drawString("0", (float) bx + 10, (float) (y0 + size));
        }

        @Override
        public FigureData data() {
            FigureData.Builder d = FigureData.builder("class_a", "class_b", "cosine");
            for (int a = 0; a < stats.classes().size(); a++) {
                for (int b = 0; b < stats.classes().size(); b++) {
                    d.row(stats.classes().get(a), stats.classes().get(b), stats.similarity()[a][b]);
                }
            }
            return d.build();
        }
    }
}
