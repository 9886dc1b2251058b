package org.lamina.plugins.api;

import javafx.embed.swing.SwingFXUtils;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.image.ImageView;
import javafx.scene.layout.Region;

import org.jfree.chart.fx.ChartViewer;
import org.lamina.analysis.export.ChartFigure;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.export.FigureExporter;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Shows a figure and offers "Export figure…" and "Copy to clipboard" on right-click. A chart
 * figure is shown in JFreeChart's {@link ChartViewer} (the same chart object that is exported);
 * other figures are drawn at the view's size. Drawing is quick (no model runs), so it happens on
 * the JavaFX thread.
 */
public final class FigureView extends Region {

    /** Width in points at which drawn figures are laid out before they are magnified to the view. */
    static final double LAYOUT_WIDTH = 420;

    private final FigureExport export;
    private final ImageView image = new ImageView();
    private ChartViewer chartViewer;
    private Figure figure;
    private double renderedW = -1;
    private double renderedH = -1;

    public FigureView(FigureExport export) {
        this.export = export;
        getStyleClass().add("figure-view");
        image.setPreserveRatio(true);
        setMinSize(120, 90);
        setPrefSize(400, 300);
        setOnContextMenuRequested(e -> {
            if (figure != null && chartViewer == null) {
                new ContextMenu(menuItems().toArray(MenuItem[]::new)).show(this, e.getScreenX(), e.getScreenY());
                e.consume();
            }
        });
    }

    /** The figure shown, or {@code null}. */
    /** The figures the given views show, in order, skipping views that show none yet (for {@link PluginView#figures()}). */
    public static java.util.List<Figure> shown(FigureView... views) {
        java.util.List<Figure> out = new java.util.ArrayList<>();
        for (FigureView v : views) {
            if (v.figure() != null) {
                out.add(v.figure());
            }
        }
        return out;
    }

    public Figure figure() {
        return figure;
    }

    /** Shows a figure (or nothing, for {@code null}). */
    public void setFigure(Figure f) {
        figure = f;
        getChildren().clear();
        chartViewer = null;
        renderedW = -1;
        if (f instanceof ChartFigure c) {
            chartViewer = new ChartViewer(c.chart());
            // Ours first, then JFreeChart's own (zoom, its screen-size exports).
            List<MenuItem> items = menuItems();
            chartViewer.getContextMenu().getItems().addAll(0, items);
            chartViewer.getContextMenu().getItems().add(items.size(), new SeparatorMenuItem());
            getChildren().add(chartViewer);
        } else if (f != null) {
            getChildren().add(image);
        }
        requestLayout();
    }

    /** "Export figure…" and "Copy to clipboard" for the figure shown. */
    private List<MenuItem> menuItems() {
        MenuItem exportItem = new MenuItem("Export figure…");
        exportItem.setOnAction(e -> export.exportWithDialog(figure, getScene() == null ? null : getScene().getWindow()));
        MenuItem copy = new MenuItem("Copy to clipboard");
        copy.setOnAction(e -> export.copyToClipboard(figure));
        return List.of(exportItem, copy);
    }

    @Override
    protected void layoutChildren() {
        double w = getWidth() - snappedLeftInset() - snappedRightInset();
        double h = getHeight() - snappedTopInset() - snappedBottomInset();
        if (chartViewer != null) {
            chartViewer.resizeRelocate(snappedLeftInset(), snappedTopInset(), w, h);
        } else if (figure != null && w > 1 && h > 1) {
            double fw = Math.min(w, h / figure.aspectRatio());
            double fh = fw * figure.aspectRatio();
            if (Math.abs(fw - renderedW) > 0.5 || Math.abs(fh - renderedH) > 0.5) {
                double screen = getScene() != null && getScene().getWindow() != null ? getScene().getWindow().getRenderScaleX() : 1;
                // Lay out at most LAYOUT_WIDTH points wide and magnify: text grows with the view
                // instead of staying at its paper size in a large panel.
                double zoom = Math.max(1, fw / LAYOUT_WIDTH);
                BufferedImage img = FigureExporter.renderPixels(figure, (int) Math.round(fw * screen),
                        (int) Math.round(fh * screen), zoom * screen);
                image.setImage(SwingFXUtils.toFXImage(img, null));
                image.setFitWidth(fw);
                image.setFitHeight(fh);
                renderedW = fw;
                renderedH = fh;
            }
            image.relocate(snappedLeftInset() + (w - fw) / 2, snappedTopInset() + (h - fh) / 2);
        }
    }
}
