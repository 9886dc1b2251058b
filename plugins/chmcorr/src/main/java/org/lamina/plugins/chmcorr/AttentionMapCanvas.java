package org.lamina.plugins.chmcorr;

import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.Image;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;

import org.lamina.analysis.chmcorr.EditableAttentionMap;
import org.lamina.analysis.export.Colormap;

/**
 * The query image with the user's G×G map over it: drag paints, right-drag erases (square brush),
 * each drag one undo step of the {@link EditableAttentionMap}. {@link #setOnChanged} runs after
 * every cell change (the decision follows the paint); {@link #setOnStrokeEnd} after each drag.
 */
final class AttentionMapCanvas extends Pane {

    private final Canvas canvas = new Canvas();
    private EditableAttentionMap map;
    private Image image;
    private int brush = 1;
    private float strength = 1f;
    private boolean editable = true;
    private Runnable onChanged = () -> { };
    private Runnable onStrokeEnd = () -> { };
    private int lastCell = -1;

    AttentionMapCanvas() {
        getChildren().add(canvas);
        setMinSize(160, 160);
        setPrefSize(360, 360);
        canvas.addEventHandler(MouseEvent.MOUSE_PRESSED, e -> {
            if (!editable || map == null) {
                return;
            }
            map.beginStroke(e.getButton() == MouseButton.SECONDARY ? "erase" : "paint");
            lastCell = -1;
            apply(e);
        });
        canvas.addEventHandler(MouseEvent.MOUSE_DRAGGED, this::apply);
        canvas.addEventHandler(MouseEvent.MOUSE_RELEASED, e -> {
            if (!editable || map == null) {
                return;
            }
            endStroke();
        });
        widthProperty().addListener((o, a, b) -> redraw());
        heightProperty().addListener((o, a, b) -> redraw());
    }

    void setMap(EditableAttentionMap map, Image image) {
        this.map = map;
        this.image = image;
        redraw();
    }

    void setBrush(int brush) {
        this.brush = brush;
    }

    void setStrength(float strength) {
        this.strength = strength;
    }

    void setEditable(boolean editable) {
        this.editable = editable;
    }

    void setOnChanged(Runnable r) {
        onChanged = r;
    }

    void setOnStrokeEnd(Runnable r) {
        onStrokeEnd = r;
    }

    /** Ends the drag (one undo step) and tells the owner, as releasing the mouse does; for tests too. */
    void endStroke() {
        if (map == null) {
            return;
        }
        map.endStroke();
        onStrokeEnd.run();
    }

    /** Paints (or erases) at a point of the canvas, as a mouse event would; for tests and scripted demos. */
    void strokeAt(double x, double y, boolean erase) {
        if (map == null) {
            return;
        }
        int cell = cellAt(x, y);
        if (cell < 0) {
            return;
        }
        int g = map.grid();
        if (erase) {
            map.erase(cell / g, cell % g, brush);
        } else {
            map.paint(cell / g, cell % g, brush, strength);
        }
        redraw();
        onChanged.run();
    }

    private void apply(MouseEvent e) {
        if (!editable || map == null) {
            return;
        }
        int cell = cellAt(e.getX(), e.getY());
        if (cell < 0 || cell == lastCell) {
            return;
        }
        lastCell = cell;
        strokeAt(e.getX(), e.getY(), e.getButton() == MouseButton.SECONDARY || e.isSecondaryButtonDown());
    }

    private double side() {
        return Math.max(1, Math.min(getWidth(), getHeight()));
    }

    private int cellAt(double x, double y) {
        double s = side();
        if (x < 0 || y < 0 || x >= s || y >= s) {
            return -1;
        }
        int g = map.grid();
        return (int) (y / s * g) * g + (int) (x / s * g);
    }

    @Override
    protected void layoutChildren() {
        double s = side();
        canvas.setWidth(s);
        canvas.setHeight(s);
        canvas.relocate(0, 0);
        redraw();
    }

    void redraw() {
        GraphicsContext gc = canvas.getGraphicsContext2D();
        double s = canvas.getWidth();
        gc.setFill(Color.web("#202020"));
        gc.fillRect(0, 0, s, s);
        if (image != null) {
            gc.setImageSmoothing(false);
            gc.drawImage(image, 0, 0, s, s);
        }
        if (map == null) {
            return;
        }
        int g = map.grid();
        double c = s / g;
        float[] w = map.weights();
        for (int i = 0; i < w.length; i++) {
            if (w[i] > 0) {
                int rgb = Colormap.VIRIDIS.rgb(0.35 + 0.65 * w[i]);
                gc.setFill(Color.rgb((rgb >> 16) & 255, (rgb >> 8) & 255, rgb & 255, 0.25 + 0.4 * w[i]));
                gc.fillRect((i % g) * c, (i / g) * c, c, c);
            }
        }
        gc.setStroke(Color.rgb(255, 255, 255, 0.25));
        gc.setLineWidth(1);
        for (int k = 0; k <= g; k++) {
            gc.strokeLine(k * c, 0, k * c, s);
            gc.strokeLine(0, k * c, s, k * c);
        }
    }
}
