package org.lamina.analysis.neuronpath;

import org.lamina.analysis.export.Figure;
import org.lamina.analysis.export.FigureData;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The layered path graph (spec "Display"): blocks left → right, each a column of its top-N
 * neurons by activation (strongest on top; path neurons outside the top N are appended below a
 * gap), and each method's path drawn through them, edge width by the block's own JAS term
 * (Σ_k g^l)·(w^l/m) of its path neurons. That term is NOT an additive split of the path score:
 * JAS(P) = (Σ_l Σ_k g^l)·(Σ_l w^l/m) also has the cross terms between blocks, and the block terms
 * add up to only a small part of it (issue #22 measured ~14 % on average), so the caption says so.
 * Built from plain arrays so the panel can draw it and hit-test clicks with {@link #layout}.
 */
public final class PathGraphFigure implements Figure {

    /** Colour-blind-safe colours per method (Okabe–Ito), JAS first. */
    public static final Map<PathMethod, Color> COLORS = Map.of(
            PathMethod.JAS, new Color(0xD55E00),
            PathMethod.ACTIVATION, new Color(0x0072B2),
            PathMethod.INFLUENCE, new Color(0x009E73),
            PathMethod.IG, new Color(0xCC79A7),
            PathMethod.RANDOM, new Color(0x999999));

    /** One method's path: per block its neurons and the block's contribution. */
    public record DrawnPath(PathMethod method, int[][] neurons, double[] contributions) {
    }

    /** Where a neuron is drawn. */
    public record Node(int block, int neuron, Point2D center, double radius) {
    }

    private final String title;
    private final float[][] activation; // [block][width]
    private final List<DrawnPath> paths;
    private final int topN;

    /**
     * @param activation per block the neuron values that order the columns (one image's, or a class mean)
     * @param paths      the paths to draw, first on top
     * @param topN       neurons shown per column
     */
    public PathGraphFigure(String title, float[][] activation, List<DrawnPath> paths, int topN) {
        this.title = title;
        this.activation = activation;
        this.paths = List.copyOf(paths);
        this.topN = Math.max(1, topN);
    }

    @Override
    public String name() {
        return "path-graph";
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public double aspectRatio() {
        return 0.62;
    }

    /** The neurons shown in column {@code b}, top to bottom (−1 marks the gap before extra path neurons). */
    public List<Integer> column(int b) {
        float[] a = activation[b];
        int[] top = PathSearch.topK(a, Math.min(topN, a.length));
        List<Integer> out = new ArrayList<>();
        Set<Integer> shown = new LinkedHashSet<>();
        for (int n : top) {
            out.add(n);
            shown.add(n);
        }
        List<Integer> extra = new ArrayList<>();
        for (DrawnPath p : paths) {
            for (int n : p.neurons()[b]) {
                if (shown.add(n)) {
                    extra.add(n);
                }
            }
        }
        if (!extra.isEmpty()) {
            out.add(-1);
            out.addAll(extra);
        }
        return out;
    }

    /** Node positions inside {@code area} (the same layout {@link #draw} uses). */
    public List<Node> layout(Rectangle2D area) {
        int blocks = activation.length;
        int rows = 1;
        for (int b = 0; b < blocks; b++) {
            rows = Math.max(rows, column(b).size());
        }
        double top = area.getY() + 26;
        double bottom = area.getMaxY() - (paths.isEmpty() ? 14 : 28);
        double left = area.getX() + 30;
        double right = area.getMaxX() - 30;
        double dy = (bottom - top) / Math.max(1, rows);
        double dx = blocks > 1 ? (right - left) / (blocks - 1) : 0;
        double r = Math.max(2.5, Math.min(dy * 0.36, 9));
        List<Node> nodes = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            List<Integer> col = column(b);
            for (int q = 0; q < col.size(); q++) {
                if (col.get(q) >= 0) {
                    nodes.add(new Node(b, col.get(q), new Point2D.Double(left + b * dx, top + (q + 0.5) * dy), r));
                }
            }
        }
        return nodes;
    }

    /** The node under a point, or null. */
    public Node hit(Rectangle2D area, double x, double y) {
        for (Node n : layout(area)) {
            if (n.center().distance(x, y) <= n.radius() + 2) {
                return n;
            }
        }
        return null;
    }

    @Override
    public void draw(Graphics2D g, Rectangle2D area) {
        List<Node> nodes = layout(area);
        Map<Long, Node> at = new LinkedHashMap<>();
        for (Node n : nodes) {
            at.put(key(n.block(), n.neuron()), n);
        }
        g.setColor(Color.WHITE);
        g.fill(area);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 10));
        g.setColor(Color.BLACK);
        g.drawString(title, (float) area.getX() + 4, (float) area.getY() + 12);
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 7);
        g.setFont(small);
        FontMetrics fm = g.getFontMetrics();
        for (int b = 0; b < activation.length; b++) {
            final int block = b;
            Node first = nodes.stream().filter(n -> n.block() == block).findFirst().orElse(null);
            if (first != null) {
                String s = "block " + b;
                g.setColor(Color.DARK_GRAY);
                g.drawString(s, (float) (first.center().getX() - fm.stringWidth(s) / 2.0), (float) area.getY() + 23);
            }
        }
        double maxContribution = 1e-12;
        for (DrawnPath p : paths) {
            for (double c : p.contributions()) {
                maxContribution = Math.max(maxContribution, Math.abs(c));
            }
        }
        // edges: every neuron of block b to every neuron of block b+1 on the same path
        for (int pi = paths.size() - 1; pi >= 0; pi--) {
            DrawnPath p = paths.get(pi);
            Color c = COLORS.get(p.method());
            for (int b = 0; b + 1 < p.neurons().length; b++) {
                float w = (float) (1 + 4 * Math.abs(p.contributions()[b + 1]) / maxContribution);
                g.setStroke(new BasicStroke(w, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.setColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), 190));
                for (int u : p.neurons()[b]) {
                    for (int v : p.neurons()[b + 1]) {
                        Node a = at.get(key(b, u));
                        Node z = at.get(key(b + 1, v));
                        if (a != null && z != null) {
                            g.draw(new Line2D.Double(a.center(), z.center()));
                        }
                    }
                }
            }
        }
        float max = 1e-12f;
        for (float[] col : activation) {
            for (float v : col) {
                max = Math.max(max, Math.abs(v));
            }
        }
        g.setStroke(new BasicStroke(0.8f));
        for (Node n : nodes) {
            float v = activation[n.block()][n.neuron()];
            float t = Math.min(1f, Math.abs(v) / max);
            g.setColor(new Color(1 - 0.75f * t, 1 - 0.75f * t, 1 - 0.35f * t));
            Ellipse2D e = new Ellipse2D.Double(n.center().getX() - n.radius(), n.center().getY() - n.radius(),
                    2 * n.radius(), 2 * n.radius());
            g.fill(e);
            Color ring = Color.GRAY;
            for (DrawnPath p : paths) {
                for (int q : p.neurons()[n.block()]) {
                    if (q == n.neuron()) {
                        ring = COLORS.get(p.method());
                    }
                }
            }
            g.setColor(ring);
            g.setStroke(new BasicStroke(ring == Color.GRAY ? 0.6f : 1.8f));
            g.draw(e);
            if (n.radius() >= 5) {
                String s = Integer.toString(n.neuron());
                g.setColor(Color.BLACK);
                g.drawString(s, (float) (n.center().getX() + n.radius() + 2), (float) (n.center().getY() + 2.5));
            }
        }
        // legend: one row above the caption, clear of the columns
        float ly = (float) area.getMaxY() - 15;
        float lx = (float) area.getX() + 4;
        for (DrawnPath p : paths) {
            g.setColor(COLORS.get(p.method()));
            g.setStroke(new BasicStroke(2.5f));
            g.draw(new Line2D.Double(lx, ly - 3, lx + 14, ly - 3));
            g.setColor(Color.BLACK);
            g.drawString(p.method().title(), lx + 18, ly);
            lx += 18 + fm.stringWidth(p.method().title()) + 14;
        }
        // The edge-width note (issue #22: widths are each block's own term, ~14 % of JAS(P)) goes
        // in the legend row where it fits, else after the caption, shrunk to the figure's width.
        String columns = "columns: top-" + topN + " neurons by activation (darker = larger)";
        String edges = "edge width: block's own JAS term (Σg)·(w/m), not a split of JAS(P)";
        g.setColor(Color.DARK_GRAY);
        if (lx + fm.stringWidth(edges) <= area.getMaxX() - 4) {
            g.drawString(edges, lx, ly);
            drawFitted(g, columns, area, (float) area.getMaxY() - 4);
        } else {
            drawFitted(g, columns + "; " + edges, area, (float) area.getMaxY() - 4);
        }
    }

    /** One line of text at {@code y}, in a smaller font when it would overrun the figure. */
    private static void drawFitted(Graphics2D g, String text, Rectangle2D area, float y) {
        Font font = g.getFont();
        double width = g.getFontMetrics().stringWidth(text);
        double room = area.getWidth() - 8;
        if (width > room) {
            g.setFont(font.deriveFont((float) (font.getSize2D() * room / width)));
        }
        g.drawString(text, (float) area.getX() + 4, y);
        g.setFont(font);
    }

    private static long key(int block, int neuron) {
        return ((long) block << 32) | neuron;
    }

    @Override
    public FigureData data() {
        FigureData.Builder d = FigureData.builder("method", "block", "neuron", "activation", "block_contribution");
        for (DrawnPath p : paths) {
            for (int b = 0; b < p.neurons().length; b++) {
                for (int n : p.neurons()[b]) {
                    d.row(p.method().key(), b, n, activation[b][n], p.contributions()[b]);
                }
            }
        }
        return d.build();
    }
}
