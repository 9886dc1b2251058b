package org.lamina.plugins.neuronpath;

import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.ImageView;
import javafx.scene.layout.Region;

import org.lamina.analysis.export.FigureExporter;
import org.lamina.analysis.neuronpath.PathGraphFigure;

import java.awt.geom.Rectangle2D;
import java.util.function.BiConsumer;

/**
 * Shows a {@link PathGraphFigure} at the pane's size (one pixel per point, so its layout is the
 * figure's own) and reports clicks on neurons with the figure's hit test.
 */
final class PathGraphPane extends Region {

    static final double LAYOUT_WIDTH = 520;

    private final ImageView image = new ImageView();
    private PathGraphFigure figure;
    private BiConsumer<Integer, Integer> onNeuron = (b, n) -> { };
    private double renderedW = -1;
    private double renderedH = -1;

    PathGraphPane() {
        getChildren().add(image);
        setMinSize(200, 160);
        setPrefSize(640, 420);
        setOnMouseClicked(e -> {
            if (figure != null) {
                double z = zoom();
                PathGraphFigure.Node n = figure.hit(area(), e.getX() / z, e.getY() / z);
                if (n != null) {
                    onNeuron.accept(n.block(), n.neuron());
                }
            }
        });
    }

    void setOnNeuron(BiConsumer<Integer, Integer> handler) {
        onNeuron = handler;
    }

    PathGraphFigure figure() {
        return figure;
    }

    void setFigure(PathGraphFigure f) {
        figure = f;
        renderedW = -1;
        requestLayout();
    }

    /**
     * The figure is laid out at most {@link #LAYOUT_WIDTH} points wide and magnified, so its
     * point-sized labels grow with the pane (as {@code FigureView} does); clicks are scaled back.
     */
    private double zoom() {
        return Math.max(1, getWidth() / LAYOUT_WIDTH);
    }

    private Rectangle2D area() {
        double z = zoom();
        return new Rectangle2D.Double(0, 0, getWidth() / z, getHeight() / z);
    }

    @Override
    protected void layoutChildren() {
        double w = getWidth();
        double h = getHeight();
        if (figure == null || w < 2 || h < 2) {
            image.setImage(null);
            return;
        }
        if (Math.abs(w - renderedW) > 0.5 || Math.abs(h - renderedH) > 0.5) {
            image.setImage(SwingFXUtils.toFXImage(FigureExporter.renderPixels(figure, (int) w, (int) h, zoom()), null));
            renderedW = w;
            renderedH = h;
        }
        image.relocate(0, 0);
    }
}
