package org.lamina.analysis.craft;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.export.ChartFigure;
import org.lamina.analysis.export.ExportFormat;
import org.lamina.analysis.export.ExportSettings;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.export.FigureData;
import org.lamina.analysis.export.FigureExporter;
import org.lamina.analysis.export.PaperChartStyle;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The figures of a CRAFT result (shared/specs/craft.md §Outputs): concept importance bars, top
 * crops per concept, the composite image with concept attribution maps, and the fidelity curves.
 * Built once here; the CLI exports them and the panel shows the same objects.
 */
public final class CraftFigures {

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 10);
    private static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 8);

    private CraftFigures() {
    }

    /** Label of a concept in every figure. */
    public static String label(int id) {
        return "C" + id;
    }

    /** Bars of per-concept importance, most important first, each in its concept colour. */
    public static ChartFigure importance(CraftResult r, double[] values, String name, String title) {
        int[] order = ConceptRanking.order(values);
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        FigureData.Builder data = FigureData.builder("concept", "importance");
        for (int id : order) {
            ds.addValue(values[id], "Sobol total index", label(id));
            data.row(id, values[id]);
        }
        JFreeChart chart = ChartFactory.createBarChart(title, "concept", "Sobol total index S_T", ds,
                PlotOrientation.VERTICAL, false, true, false);
        PaperChartStyle.apply(chart);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setRenderer(new BarRenderer() {
            @Override
            public Paint getItemPaint(int row, int column) {
                return ConceptPalette.color(r, order[column]);
            }
        });
        ((BarRenderer) plot.getRenderer()).setShadowVisible(false);
        ((BarRenderer) plot.getRenderer()).setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
        return new ChartFigure(name, title, chart, 0.6, data.build());
    }

    /** Global importance over the class. */
    public static ChartFigure globalImportance(CraftResult r) {
        return importance(r, r.importance(), "craft-importance",
                "Concept importance for " + r.target().label() + " (" + r.imageIndices().length + " images)");
    }

    /** Deletion (solid) and insertion (dashed) curves of every ranking. */
    public static ChartFigure fidelity(CraftResult r) {
        XYSeriesCollection ds = new XYSeriesCollection();
        FigureData.Builder data = FigureData.builder("ranking", "curve", "k", "logit");
        List<String> ids = new ArrayList<>(r.fidelity().keySet());
        for (String id : ids) {
            FidelityCurve c = r.fidelity().get(id);
            XYSeries del = new XYSeries(String.format(Locale.ROOT, "%s deletion (AUC %.2f)", id, c.deletionAuc()));
            XYSeries ins = new XYSeries(String.format(Locale.ROOT, "%s insertion (AUC %.2f)", id, c.insertionAuc()));
            for (int k = 0; k < c.deletion().length; k++) {
                del.add(k, c.deletion()[k]);
                ins.add(k, c.insertion()[k]);
                data.row(id, "deletion", k, c.deletion()[k]);
                data.row(id, "insertion", k, c.insertion()[k]);
            }
            ds.addSeries(del);
            ds.addSeries(ins);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Fidelity: logit of " + r.target().label()
                + " as top-k concepts are deleted / inserted", "k (concepts deleted or inserted)", "logit", ds,
                PlotOrientation.VERTICAL, true, true, false);
        PaperChartStyle.apply(chart);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer rr = new XYLineAndShapeRenderer(true, true);
        Color[] colors = {new Color(0xd62728), new Color(0x1f77b4), new Color(0x2ca02c), new Color(0x7f7f7f)};
        for (int i = 0; i < ids.size(); i++) {
            Color col = colors[i % colors.length];
            rr.setSeriesPaint(2 * i, col);
            rr.setSeriesPaint(2 * i + 1, col);
            rr.setSeriesStroke(2 * i, new BasicStroke(1.4f));
            rr.setSeriesStroke(2 * i + 1, new BasicStroke(1.4f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f,
                    new float[] {4f, 3f}, 0f));
            rr.setSeriesShape(2 * i, new java.awt.geom.Ellipse2D.Double(-2, -2, 4, 4));
            rr.setSeriesShape(2 * i + 1, new java.awt.geom.Rectangle2D.Double(-2, -2, 4, 4));
        }
        plot.setRenderer(rr);
        return new ChartFigure("craft-fidelity", "Fidelity curves", chart, 0.75, data.build());
    }

    /** Top crops of every concept, one row per concept in importance order. */
    public static Figure topCrops(CraftResult r, Dataset data) {
        return new TopCropsFigure(r, data);
    }

    /** Image {@code slot} with its concept maps, local importances and best crops. */
    public static Figure composite(CraftResult r, Dataset data, int slot, ConceptMaps.Mode mode) {
        return new CompositeFigure(r, data, slot, mode);
    }

    /** Top crops of each sub-concept of a concept (recursion), one row per sub-concept. */
    public static Figure subConcepts(CraftResult r, Dataset data, ConceptRecursion.SubConcepts s) {
        return new Figure() {
            @Override
            public String name() {
                return "craft-subconcepts-C" + s.parentConcept();
            }

            @Override
            public String title() {
                return "Sub-concepts of " + label(s.parentConcept());
            }

            @Override
            public double aspectRatio() {
                return (s.topCrops().length * 1.08 + 0.9) / (CraftResult.TOP_CROPS + 1.8);
            }

            @Override
            public void draw(Graphics2D g, Rectangle2D area) {
                drawTitle(g, area, String.format(Locale.ROOT, "Sub-concepts of %s at %s (%d crops, error %.3f)",
                        label(s.parentConcept()), s.layer(), s.crops().length, s.nmf().relativeError()));
                double cell = area.getWidth() / (CraftResult.TOP_CROPS + 1.8);
                double top = area.getY() + TITLE.getSize2D() * 2;
                double rowH = (area.getHeight() - TITLE.getSize2D() * 2) / s.topCrops().length;
                double side = Math.min(cell, rowH) * 0.92;
                g.setFont(SMALL);
                for (int c = 0; c < s.topCrops().length; c++) {
                    double y = top + c * rowH;
                    g.setColor(ConceptPalette.color(r, s.parentConcept()));
                    g.fill(new Rectangle2D.Double(area.getX() + 2, y + side * 0.2, side * 0.2, side * 0.6));
                    g.setColor(Color.BLACK);
                    g.drawString(label(s.parentConcept()) + "." + c, (float) (area.getX() + 4 + side * 0.3), (float) (y + side * 0.55));
                    int[] crops = s.topCrops()[c];
                    for (int k = 0; k < crops.length; k++) {
                        g.drawImage(CraftImages.crop(r, data, crops[k]), (int) Math.round(area.getX() + 1.8 * cell + k * cell),
                                (int) Math.round(y), (int) Math.round(side), (int) Math.round(side), null);
                    }
                }
            }

            @Override
            public FigureData data() {
                FigureData.Builder b = FigureData.builder("subConcept", "rank", "cropRow", "image");
                for (int c = 0; c < s.topCrops().length; c++) {
                    for (int k = 0; k < s.topCrops()[c].length; k++) {
                        b.row(c, k, s.topCrops()[c][k], r.imageOfCrop(s.topCrops()[c][k]));
                    }
                }
                return b.build();
            }
        };
    }

    /** Exports every figure as PNG/SVG/PDF + CSV into {@code dir}; the composite is of image 0. */
    public static List<Path> exportAll(CraftResult r, Dataset data, Path dir, int dpi) {
        FigureExporter ex = new FigureExporter(new ExportSettings(ExportSettings.DOUBLE_COLUMN_CM, dpi));
        List<Path> out = new ArrayList<>();
        List<ExportFormat> all = List.of(ExportFormat.PNG, ExportFormat.SVG, ExportFormat.PDF, ExportFormat.CSV);
        for (Figure f : figures(r, data)) {
            out.addAll(ex.exportAll(f, dir, f.name(), all));
        }
        return out;
    }

    /**
     * The figures {@link #exportAll} writes, in its order: importance, top crops, the composite of
     * image 0 with U-maps ({@code craft-composite}) and with the paper's gradient maps
     * ({@code craft-composite-gradient}), and the fidelity curves (also what a session replay returns).
     */
    public static List<Figure> figures(CraftResult r, Dataset data) {
        return List.of(globalImportance(r), topCrops(r, data), composite(r, data, 0, ConceptMaps.Mode.COEFFICIENTS),
                composite(r, data, 0, ConceptMaps.Mode.GRADIENT), fidelity(r));
    }

    private static void drawTitle(Graphics2D g, Rectangle2D area, String text) {
        g.setColor(Color.WHITE);
        g.fill(area);
        g.setColor(Color.BLACK);
        g.setFont(TITLE);
        g.drawString(text, (float) (area.getX() + 4), (float) (area.getY() + TITLE.getSize2D() * 1.3));
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
    }

    /** Rows of crops. */
    private static final class TopCropsFigure implements Figure {
        private final CraftResult r;
        private final Dataset data;

        TopCropsFigure(CraftResult r, Dataset data) {
            this.r = r;
            this.data = data;
        }

        @Override
        public String name() {
            return "craft-top-crops";
        }

        @Override
        public String title() {
            return "Top crops per concept";
        }

        @Override
        public double aspectRatio() {
            // label column ≈ 1.6 cells + TOP_CROPS cells wide, one cell per concept tall, plus the title.
            double cols = CraftResult.TOP_CROPS + 1.8;
            return (r.rank() * 1.08 + 0.9) / cols;
        }

        @Override
        public void draw(Graphics2D g, Rectangle2D area) {
            drawTitle(g, area, "Top crops per concept — " + r.target().label() + " at " + r.layer());
            double cols = CraftResult.TOP_CROPS + 1.8;
            double cell = area.getWidth() / cols;
            double top = area.getY() + TITLE.getSize2D() * 2;
            double rowH = (area.getHeight() - TITLE.getSize2D() * 2) / r.rank();
            double side = Math.min(cell, rowH) * 0.92;
            int[] order = r.conceptsByImportance();
            g.setFont(SMALL);
            FontMetrics fm = g.getFontMetrics();
            for (int s = 0; s < order.length; s++) {
                int id = order[s];
                double y = top + s * rowH;
                g.setColor(ConceptPalette.color(s));
                g.fill(new Rectangle2D.Double(area.getX() + 2, y + side * 0.2, side * 0.35, side * 0.6));
                g.setColor(Color.BLACK);
                g.drawString(label(id), (float) (area.getX() + 4 + side * 0.4), (float) (y + side * 0.45));
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, "%.3f", r.importance()[id]), (float) (area.getX() + 4 + side * 0.4),
                        (float) (y + side * 0.45 + fm.getHeight()));
                int[] crops = r.concepts().get(id).topCrops();
                for (int k = 0; k < crops.length; k++) {
                    double x = area.getX() + 1.8 * cell + k * cell;
                    g.drawImage(CraftImages.crop(r, data, crops[k]), (int) Math.round(x), (int) Math.round(y),
                            (int) Math.round(side), (int) Math.round(side), null);
                }
            }
        }

        @Override
        public FigureData data() {
            FigureData.Builder b = FigureData.builder("concept", "importanceRank", "rank", "cropRow", "image", "top", "left", "coefficient");
            int[] order = r.conceptsByImportance();
            for (int s = 0; s < order.length; s++) {
                int[] crops = r.concepts().get(order[s]).topCrops();
                for (int k = 0; k < crops.length; k++) {
                    int pos = r.positionOfCrop(crops[k]);
                    b.row(order[s], s, k, crops[k], r.imageOfCrop(crops[k]), r.crops().top(pos), r.crops().left(pos),
                            r.u().get(crops[k], order[s]));
                }
            }
            return b.build();
        }
    }

    /** Image, overlay, local importance bars with each concept's best crop. */
    private static final class CompositeFigure implements Figure {
        private static final int SHOWN = 5;
        private final CraftResult r;
        private final Dataset data;
        private final int slot;
        private final ConceptMaps.Mode mode;

        CompositeFigure(CraftResult r, Dataset data, int slot, ConceptMaps.Mode mode) {
            this.r = r;
            this.data = data;
            this.slot = slot;
            this.mode = mode;
        }

        @Override
        public String name() {
            return mode == ConceptMaps.Mode.GRADIENT ? "craft-composite-gradient" : "craft-composite";
        }

        @Override
        public String title() {
            return "Concept attribution maps";
        }

        @Override
        public double aspectRatio() {
            return 0.42;
        }

        @Override
        public void draw(Graphics2D g, Rectangle2D area) {
            drawTitle(g, area, String.format(Locale.ROOT, "%s image %d (data-set index %d): concept maps (%s)",
                    r.target().label(), slot, r.imageIndices()[slot], mode == ConceptMaps.Mode.GRADIENT ? "gradient" : "U-map"));
            double top = area.getY() + TITLE.getSize2D() * 2.2;
            double side = Math.min(area.getHeight() - TITLE.getSize2D() * 3.5, area.getWidth() * 0.3);
            double x0 = area.getX() + 4;
            g.drawImage(CraftImages.image(r, data, slot), (int) x0, (int) top, (int) side, (int) side, null);
            g.drawImage(CraftImages.overlay(r, data, slot, mode, SHOWN), (int) (x0 + side + 8), (int) top, (int) side, (int) side, null);
            g.setFont(SMALL);
            g.setColor(Color.DARK_GRAY);
            g.drawString("image", (float) x0, (float) (top + side + 10));
            g.drawString("top " + SHOWN + " concepts", (float) (x0 + side + 8), (float) (top + side + 10));
            // Local importance bars, with each concept's best crop.
            int[] order = CraftImages.localOrder(r, slot);
            int k = Math.min(SHOWN, order.length);
            double bx = x0 + 2 * side + 24;
            double bw = area.getX() + area.getWidth() - bx - 4;
            double rowH = side / k;
            double max = Math.max(1e-12, r.localImportance()[slot][order[0]]);
            FontMetrics fm = g.getFontMetrics();
            for (int i = 0; i < k; i++) {
                int id = order[i];
                double y = top + i * rowH;
                double crop = rowH * 0.85;
                g.drawImage(CraftImages.crop(r, data, r.concepts().get(id).topCrops()[0]), (int) bx, (int) y, (int) crop, (int) crop, null);
                g.setColor(Color.BLACK);
                g.drawString(label(id), (float) (bx + crop + 4), (float) (y + crop / 2 + fm.getAscent() / 2.0));
                double barX = bx + crop + 8 + fm.stringWidth("C00");
                double barMax = bw - (barX - bx) - fm.stringWidth("0.000") - 6;
                double v = r.localImportance()[slot][id];
                g.setColor(ConceptPalette.color(r, id));
                g.fill(new Rectangle2D.Double(barX, y + crop * 0.25, Math.max(1, barMax * v / max), crop * 0.5));
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, "%.3f", v), (float) (barX + barMax * v / max + 3),
                        (float) (y + crop / 2 + fm.getAscent() / 2.0));
            }
        }

        @Override
        public FigureData data() {
            FigureData.Builder b = FigureData.builder("concept", "localImportance", "mapRow", "mapCol", "mapValue");
            int[] order = CraftImages.localOrder(r, slot);
            int size = r.crops().imageSize();
            for (int i = 0; i < Math.min(SHOWN, order.length); i++) {
                float[] map = CraftImages.conceptMap(r, slot, order[i], mode);
                for (int p = 0; p < map.length; p++) {
                    b.row(order[i], r.localImportance()[slot][order[i]], p / size, p % size, map[p]);
                }
            }
            return b.build();
        }
    }
}
