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
                PathGraphFigure.Node n = figure.hit(area(), e.getX(), e.getY());
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

    private Rectangle2D area() {
        return new Rectangle2D.Double(0, 0, getWidth(), getHeight());
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
            image.setImage(SwingFXUtils.toFXImage(FigureExporter.renderPixels(figure, (int) w, (int) h), null));
            renderedW = w;
            renderedH = h;
        }
        image.relocate(0, 0);
    }
}
