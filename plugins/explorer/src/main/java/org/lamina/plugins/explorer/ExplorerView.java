package org.lamina.plugins.explorer;

import javafx.beans.value.ChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.RowConstraints;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;

import org.lamina.analysis.data.ImageDataSet;
import org.lamina.analysis.explorer.ExplorerAnalysis;
import org.lamina.analysis.explorer.ExplorerFigures;
import org.lamina.analysis.explorer.ExplorerParameters;
import org.lamina.analysis.explorer.ExplorerRequest;
import org.lamina.analysis.explorer.ExplorerResult;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.job.JobHandle;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ProbePoint;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.session.PortablePath;
import org.lamina.analysis.session.SessionDocument;
import org.lamina.plugins.api.FigureView;
import org.lamina.plugins.api.ImageSelection;
import org.lamina.plugins.api.LoadedModel;
import org.lamina.plugins.api.PluginView;
import org.lamina.plugins.api.WorkbenchContext;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The explorer's view. Its state is (model, image, probe point, target class); whenever it
 * changes, one explorer job runs (a still-running earlier one is cancelled) and the four figures
 * are replaced when it finishes.
 */
final class ExplorerView implements PluginView {

    /** Entry in the class box that stands for "the predicted class". */
    static final String PREDICTED = "(predicted class)";

    private final WorkbenchContext context;
    private final VBox root = new VBox(6);
    private final Label imageLabel = new Label("no image");
    private final ComboBox<String> pointBox = new ComboBox<>();
    private final ComboBox<String> classBox = new ComboBox<>();
    private final Label status = new Label();
    private final FigureView top5;
    private final FigureView maps;
    private final FigureView histogram;
    private final FigureView saliency;
    private ImageSelection image;
    private JobHandle<ExplorerResult> running;
    private String lastKey;
    private boolean updatingControls;
    private ExplorerResult result;

    ExplorerView(WorkbenchContext context) {
        this.context = context;
        top5 = new FigureView(context.export());
        maps = new FigureView(context.export());
        histogram = new FigureView(context.export());
        saliency = new FigureView(context.export());
        top5.setId("explorer-top5");
        maps.setId("explorer-maps");
        histogram.setId("explorer-histogram");
        saliency.setId("explorer-saliency");
        pointBox.setId("explorer-point");
        classBox.setId("explorer-class");
        status.setId("explorer-status");
        imageLabel.setId("explorer-image");

        Button openImage = new Button("Open image…");
        openImage.setOnAction(e -> chooseImageFile());
        pointBox.setPrefWidth(200);
        classBox.setPrefWidth(170);
        HBox controls = new HBox(8, new Label("Image:"), imageLabel, openImage, new Label("Probe point:"), pointBox,
                new Label("Saliency of:"), classBox, status);
        controls.setAlignment(Pos.CENTER_LEFT);
        imageLabel.setMinWidth(150);
        imageLabel.setStyle("-fx-font-weight: bold;");
        status.setStyle("-fx-text-fill: #666;");

        GridPane grid = new GridPane();
        grid.setHgap(6);
        grid.setVgap(6);
        grid.add(top5, 0, 0);
        grid.add(saliency, 1, 0);
        grid.add(maps, 0, 1);
        grid.add(histogram, 1, 1);
        for (int i = 0; i < 2; i++) {
            ColumnConstraints c = new ColumnConstraints();
            c.setPercentWidth(50);
            c.setHgrow(Priority.ALWAYS);
            grid.getColumnConstraints().add(c);
            RowConstraints r = new RowConstraints();
            r.setPercentHeight(i == 0 ? 42 : 58);
            r.setVgrow(Priority.ALWAYS);
            grid.getRowConstraints().add(r);
        }
        for (FigureView v : List.of(top5, maps, histogram, saliency)) {
            v.setStyle("-fx-background-color: white; -fx-border-color: #d0d0d0;");
            v.setMaxSize(Double.MAX_VALUE, Double.MAX_VALUE);
        }
        VBox.setVgrow(grid, Priority.ALWAYS);
        root.setPadding(new Insets(8));
        root.getChildren().addAll(controls, grid);

        pointBox.valueProperty().addListener((o, a, b) -> update());
        classBox.valueProperty().addListener((o, a, b) -> update());
        ChangeListener<LoadedModel> onModel = (o, a, b) -> modelChanged(b);
        context.modelProperty().addListener(onModel);
        context.selectedImageProperty().addListener((o, a, b) -> {
            if (b != null) {
                image = b;
                update();
            }
        });
        context.selectedProbePointProperty().addListener((o, a, b) -> {
            if (b != null && pointBox.getItems().contains(b)) {
                pointBox.setValue(b);
            }
        });
        if (context.selectedImageProperty().get() != null) {
            image = context.selectedImageProperty().get();
        }
        modelChanged(context.modelProperty().get());
    }

    @Override
    public Node node() {
        return root;
    }

    @Override
    public List<Figure> figures() {
        List<Figure> out = new ArrayList<>();
        for (FigureView v : List.of(top5, saliency, maps, histogram)) {
            if (v.figure() != null) {
                out.add(v.figure());
            }
        }
        return out;
    }

    /** The last result shown, or {@code null}. */
    ExplorerResult result() {
        return result;
    }

    @Override
    public void restore(SessionDocument.AnalysisEntry entry) {
        if (!ExplorerAnalysis.METHOD.equals(entry.method())) {
            throw new IllegalArgumentException("the explorer cannot restore '" + entry.method() + "'");
        }
        ExplorerParameters p = ExplorerParameters.fromMap(entry.parameters());
        if (p.dataSet() != null) {
            java.nio.file.Path file = PortablePath.resolve(p.dataSet()).toAbsolutePath().normalize();
            ImageDataSet ds = context.dataSets().stream()
                    .filter(d -> d.file().toAbsolutePath().normalize().equals(file)).findFirst()
                    .orElseGet(() -> ImageDataSet.open(file));
            image = ImageSelection.item(ds, p.index());
        } else {
            image = ImageSelection.file(PortablePath.resolve(p.imageFile()));
        }
        updatingControls = true;
        try {
            if (!pointBox.getItems().contains(p.probePoint())) {
                throw new IllegalArgumentException("the open model has no probe point '" + p.probePoint() + "'");
            }
            pointBox.setValue(p.probePoint());
            classBox.getSelectionModel().select(p.targetClass() + 1);
        } finally {
            updatingControls = false;
        }
        update();
    }

    private void modelChanged(LoadedModel m) {
        updatingControls = true;
        try {
            pointBox.getItems().clear();
            classBox.getItems().clear();
            if (m != null) {
                ModelManifest mf = m.model().manifest();
                for (ProbePoint p : mf.probePoints()) {
                    pointBox.getItems().add(p.name());
                }
                classBox.getItems().add(PREDICTED);
                classBox.getItems().addAll(mf.labels());
                classBox.getSelectionModel().select(0);
                String selected = context.selectedProbePointProperty().get();
                pointBox.setValue(selected != null && pointBox.getItems().contains(selected) ? selected
                        : defaultPoint(mf));
            }
        } finally {
            updatingControls = false;
        }
        lastKey = null;
        update();
    }

    /** The first point with a spatial (or token) layout: the most telling maps. */
    private static String defaultPoint(ModelManifest mf) {
        for (ProbePoint p : mf.probePoints()) {
            if (p.shape().length >= 2 && !p.name().contains("attn")) {
                return p.name();
            }
        }
        return mf.probePoints().isEmpty() ? null : mf.probePoints().get(0).name();
    }

    private void chooseImageFile() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open image");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Images", "*.png", "*.jpg", "*.jpeg", "*.bmp", "*.gif"));
        File f = fc.showOpenDialog(root.getScene() == null ? null : root.getScene().getWindow());
        if (f != null) {
            image = ImageSelection.file(f.toPath());
            update();
        }
    }

    private ImageSelection currentImage() {
        if (image == null && !context.dataSets().isEmpty()) {
            image = ImageSelection.item(context.dataSets().get(0), 0);
        }
        return image;
    }

    private void update() {
        if (updatingControls) {
            return;
        }
        LoadedModel m = context.modelProperty().get();
        ImageSelection img = currentImage();
        String point = pointBox.getValue();
        if (m == null || img == null || point == null) {
            status.setText(m == null ? "open a model" : img == null ? "pick an image" : "");
            return;
        }
        if (!m.model().manifest().input().isImage()) {
            status.setText("the explorer needs an image model");
            return;
        }
        int target = Math.max(-1, classBox.getSelectionModel().getSelectedIndex() - 1);
        String key = m.location() + "|" + img + "|" + point + "|" + target;
        if (Objects.equals(key, lastKey)) {
            return;
        }
        lastKey = key;
        imageLabel.setText(imageText(img, m));
        if (running != null) {
            running.cancel();
        }
        ExplorerParameters params = img.dataSet() != null
                ? ExplorerParameters.ofDataSet(img.dataSet().file(), img.index(), point, target)
                : ExplorerParameters.ofFile(img.file(), point, target);
        ProbeableModel model = m.model();
        status.setText("running…");
        running = context.jobs().submit("Explore " + img.label() + " at " + point, progress -> {
            float[] pixels = img.dataSet() != null
                    ? ExplorerParameters.pixelsOf(img.dataSet(), img.index(), model.manifest())
                    : ExplorerParameters.pixelsOf(img.file(), model.manifest());
            return ExplorerAnalysis.run(model, new ExplorerRequest(img.label(), pixels, point, target), progress);
        }, r -> show(r, params));
    }

    /** The image's name, with its true class when the data set is labelled. */
    private static String imageText(ImageSelection img, LoadedModel m) {
        if (img.dataSet() != null) {
            int label = img.dataSet().label(img.index());
            List<String> labels = m.model().manifest().labels();
            if (label >= 0 && label < labels.size()) {
                return img.label() + " (" + labels.get(label) + ")";
            }
        }
        return img.label();
    }

    private void show(ExplorerResult r, ExplorerParameters params) {
        result = r;
        top5.setFigure(ExplorerFigures.topPredictions(r, 5));
        maps.setFigure(ExplorerFigures.activationMaps(r));
        histogram.setFigure(ExplorerFigures.histogram(r));
        saliency.setFigure(ExplorerFigures.saliency(r));
        int predicted = r.predictedClass();
        status.setText("predicted: " + r.labels().get(predicted)
                + String.format(" (%.1f %%)", 100 * r.probabilities()[predicted]));
        context.session().record(ExplorerPlugin.ID, new SessionDocument.AnalysisEntry(ExplorerPlugin.ID,
                ExplorerAnalysis.METHOD, params.toMap(), java.util.Map.of()), true);
    }
}
