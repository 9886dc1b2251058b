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
import org.lamina.analysis.export.Colormap;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.export.FigureData;
import org.lamina.analysis.export.HeatmapGridFigure;
import org.lamina.analysis.export.OverlayFigure;
import org.lamina.analysis.export.PaperChartStyle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The explorer's figures, built from an {@link ExplorerResult}: the same objects are shown in the
 * panel and exported.
 */
public final class ExplorerFigures {

    /** Channel / token maps shown at most (the first ones in the point's order). */
    public static final int MAX_MAPS = 32;
    /** Histogram bins. */
    public static final int BINS = 40;

    private ExplorerFigures() {
    }

    /** All four figures: top-k, activation maps, histogram, saliency. */
    public static List<Figure> all(ExplorerResult r) {
        return List.of(topPredictions(r, 5), activationMaps(r), histogram(r), saliency(r));
    }

    /** Horizontal bars of the {@code k} most probable classes. */
    public static ChartFigure topPredictions(ExplorerResult r, int k) {
        float[] p = r.probabilities();
        List<Integer> order = IntStream.range(0, p.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -p[i])).limit(k).toList();
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        FigureData.Builder data = FigureData.builder("rank", "class", "label", "probability");
        int rank = 1;
        for (int i : order) {
            String label = r.labels().get(i);
            ds.addValue(p[i], "probability", label);
            data.row(rank++, i, label, p[i]);
        }
        JFreeChart chart = ChartFactory.createBarChart("Top-" + k + " prediction", null, "probability", ds,
                PlotOrientation.HORIZONTAL, false, true, false);
        PaperChartStyle.apply(chart);
        CategoryPlot plot = chart.getCategoryPlot();
        ((NumberAxis) plot.getRangeAxis()).setRange(0, 1);
        ((BarRenderer) plot.getRenderer()).setMaximumBarWidth(0.12);
        return new ChartFigure("top" + k, "Top-" + k + " prediction", chart, 0.6, data.build());
    }

    /** Histogram of every value of the activation at the probe point. */
    public static ChartFigure histogram(ExplorerResult r) {
        float[] a = r.activation();
        double[] values = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            values[i] = a[i];
        }
        HistogramDataset ds = new HistogramDataset();
        double min = Arrays.stream(values).min().orElse(0);
        double max = Arrays.stream(values).max().orElse(1);
        if (max <= min) {
            max = min + 1;
        }
        ds.addSeries("activation", values, BINS, min, max);
        JFreeChart chart = ChartFactory.createHistogram("Activations at " + r.probePoint() + " (" + a.length + " values)",
                "activation", "count", ds, PlotOrientation.VERTICAL, false, true, false);
        PaperChartStyle.apply(chart);
        XYPlot plot = chart.getXYPlot();
        plot.getRangeAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        FigureData.Builder data = FigureData.builder("bin_start", "bin_end", "count");
        for (int i = 0; i < ds.getItemCount(0); i++) {
            data.row(ds.getStartXValue(0, i), ds.getEndXValue(0, i), ds.getYValue(0, i));
        }
        return new ChartFigure("histogram", "Activation histogram", chart, 0.62, data.build());
    }

    /** The input-gradient saliency of the target class, beside the image. */
    public static OverlayFigure saliency(ExplorerResult r) {
        long[] s = r.inputShape();
        String title = "Saliency of '" + r.labels().get(r.targetClass()) + "' (|∂p/∂x|)";
        return new OverlayFigure("saliency", title, r.pixels(), (int) s[0], r.height(), r.width(), r.saliency(),
                Colormap.INFERNO);
    }

    /**
     * Maps of the activation, by its shape: {@code [C, H, W]} → one map per channel;
     * {@code [heads, T, T]} attention probabilities with a patch grid → the class token's
     * attention to each patch, per head; {@code [T, D]} tokens with a patch grid → the token
     * norm and the first dimensions, each as a patch map; anything else → the values laid out
     * row-major in one square map.
     */
    public static HeatmapGridFigure activationMaps(ExplorerResult r) {
        long[] sh = r.pointShape();
        float[] a = r.activation();
        int[] grid = r.patchGrid();
        List<HeatmapGridFigure.Tile> tiles = new ArrayList<>();
        String what;
        if (sh.length == 3 && grid.length == 2 && sh[1] == sh[2] && tokensMatch(sh[1], grid)) {
            int heads = (int) sh[0];
            int t = (int) sh[1];
            int first = t - grid[0] * grid[1];
            float[] mean = new float[grid[0] * grid[1]];
            for (int h = 0; h < heads; h++) {
                float[] row = new float[grid[0] * grid[1]];
                // Row 0 is the class token (when there is one): what it attends to among the patches.
                System.arraycopy(a, h * t * t + first, row, 0, row.length);
                for (int i = 0; i < row.length; i++) {
                    mean[i] += row[i] / heads;
                }
                tiles.add(new HeatmapGridFigure.Tile("head " + h, row, grid[0], grid[1]));
            }
            tiles.add(0, new HeatmapGridFigure.Tile("mean of heads", mean, grid[0], grid[1]));
            what = "attention of the class token to patches";
        } else if (sh.length == 2 && grid.length == 2 && tokensMatch(sh[0], grid)) {
            int t = (int) sh[0];
            int d = (int) sh[1];
            int first = t - grid[0] * grid[1];
            int patches = grid[0] * grid[1];
            float[] norm = new float[patches];
            for (int p = 0; p < patches; p++) {
                double sum = 0;
                for (int j = 0; j < d; j++) {
                    float v = a[(first + p) * d + j];
                    sum += v * v;
                }
                norm[p] = (float) Math.sqrt(sum);
            }
            tiles.add(new HeatmapGridFigure.Tile("token norm", norm, grid[0], grid[1]));
            for (int j = 0; j < Math.min(d, MAX_MAPS - 1); j++) {
                float[] m = new float[patches];
                for (int p = 0; p < patches; p++) {
                    m[p] = a[(first + p) * d + j];
                }
                tiles.add(new HeatmapGridFigure.Tile("dim " + j, m, grid[0], grid[1]));
            }
            int shown = Math.min(d, MAX_MAPS - 1);
            what = "token norm and " + (shown == d ? "all " + d + " dims" : "dims 0–" + (shown - 1) + " of " + d);
        } else if (sh.length == 3 && sh[1] * sh[2] > 1) {
            int c = (int) sh[0];
            int h = (int) sh[1];
            int w = (int) sh[2];
            for (int k = 0; k < Math.min(c, MAX_MAPS); k++) {
                tiles.add(new HeatmapGridFigure.Tile("ch " + k, Arrays.copyOfRange(a, k * h * w, (k + 1) * h * w), h, w));
            }
            what = c > MAX_MAPS ? "channels 0–" + (MAX_MAPS - 1) + " of " + c : c + " channels";
        } else {
            int n = a.length;
            int side = (int) Math.ceil(Math.sqrt(n));
            float[] padded = Arrays.copyOf(a, side * side);
            tiles.add(new HeatmapGridFigure.Tile(n + " values, row-major", padded, side, side));
            what = "values";
        }
        return new HeatmapGridFigure("maps", r.probePoint() + ": " + what, tiles, Colormap.VIRIDIS);
    }

    private static boolean tokensMatch(long tokens, int[] grid) {
        long patches = (long) grid[0] * grid[1];
        return tokens == patches || tokens == patches + 1;
    }
}
