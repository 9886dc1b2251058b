package org.lamina.plugins.explorer;

import javafx.beans.value.ChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.RowConstraints;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;

import org.lamina.analysis.data.DatasetReference;
import org.lamina.analysis.session.PortablePath;
import org.lamina.analysis.explorer.ExplorerAnalysis;
import org.lamina.analysis.explorer.ExplorerFigures;
import org.lamina.analysis.explorer.ExplorerParameters;
import org.lamina.analysis.explorer.ExplorerRequest;
import org.lamina.analysis.explorer.ExplorerResult;
import org.lamina.analysis.explorer.TextExplorerAnalysis;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.job.JobHandle;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ProbePoint;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.session.SessionDocument;
import org.lamina.plugins.api.FigureView;
import org.lamina.plugins.api.ImageSelection;
import org.lamina.plugins.api.LabelPicker;
import org.lamina.plugins.api.LoadedDataset;
import org.lamina.plugins.api.LoadedModel;
import org.lamina.plugins.api.PluginView;
import org.lamina.plugins.api.WorkbenchContext;

import java.io.File;
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
    private final LabelPicker classBox = new LabelPicker("explorer-class");
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
    private final EvaluationPane evaluation;
    private final TabPane tabs = new TabPane();
    private final TextExplorerPane text;
    private final Tab imageTab;
    private final Tab evaluationTab;
    private final Tab textTab;

    /**
     * Screenshot hook: with this system property {@code true} the explorer opens on its evaluation
     * tab and evaluates the model once it is open ({@code screenshots/evaluate-1000-classes.png}).
     */
    static final String EVALUATION_DEMO_PROPERTY = "lamina.screenshots.explorer-evaluation";

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
        status.setId("explorer-status");
        imageLabel.setId("explorer-image");

        Button openImage = new Button("Open image…");
        openImage.setOnAction(e -> chooseImageFile());
        pointBox.setPrefWidth(180);
        classBox.setPrefWidth(175);
        HBox controls = new HBox(8, new Label("Image:"), imageLabel, openImage, new Label("Probe point:"), pointBox,
                new Label("Saliency of:"), classBox, status);
        controls.setAlignment(Pos.CENTER_LEFT);
        for (Node n : controls.getChildren()) {
            if (n instanceof javafx.scene.control.Control c && n != status) {
                // Labels and buttons keep their text; only the status line may be cut short.
                c.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            }
        }
        HBox.setHgrow(status, Priority.ALWAYS);
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
        VBox imagePane = new VBox(6, controls, grid);
        VBox.setVgrow(grid, Priority.ALWAYS);
        imagePane.setPadding(new Insets(4, 0, 0, 0));
        evaluation = new EvaluationPane(context);
        imageTab = new Tab("Image", imagePane);
        imageTab.setId("explorer-tab-image");
        evaluationTab = new Tab("Evaluation", evaluation.node());
        evaluationTab.setId("explorer-tab-evaluation");
        text = new TextExplorerPane(context);
        textTab = new Tab("Text", text.node());
        textTab.setId("explorer-tab-text");
        tabs.getTabs().addAll(imageTab, evaluationTab);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        VBox.setVgrow(tabs, Priority.ALWAYS);
        root.setPadding(new Insets(8));
        root.getChildren().add(tabs);

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

    /** The text tab (tests, the screenshot). */
    TextExplorerPane text() {
        return text;
    }

    /** The evaluation tab (tests). */
    EvaluationPane evaluation() {
        return evaluation;
    }

    @Override
    public Node node() {
        return root;
    }

    @Override
    public List<Figure> figures() {
        if (tabs.getTabs().contains(textTab)) {
            return text.figures();
        }
        return FigureView.shown(top5, saliency, maps, histogram, evaluation.confusion());
    }

    /** The last result shown, or {@code null}. */
    ExplorerResult result() {
        return result;
    }

    @Override
    public void restore(SessionDocument.AnalysisEntry entry) {
        if (TextExplorerAnalysis.METHOD.equals(entry.method())) {
            LoadedModel m = context.modelProperty().get();
            if (m == null || !m.model().manifest().isCausalLm()) {
                throw new IllegalArgumentException("a text exploration needs a language model open");
            }
            text.restore(entry);
            return;
        }
        if (!ExplorerAnalysis.METHOD.equals(entry.method())) {
            throw new IllegalArgumentException("the explorer cannot restore '" + entry.method() + "'");
        }
        ExplorerParameters p = ExplorerParameters.fromMap(entry.parameters());
        if (!pointBox.getItems().contains(p.probePoint())) {
            throw new IllegalArgumentException("the open model has no probe point '" + p.probePoint() + "'");
        }
        if (p.dataSet() == null) {
            apply(p, ImageSelection.file(PortablePath.resolve(p.imageFile())));
            return;
        }
        LoadedDataset open = context.dataSets().stream().filter(d -> d.reference().equals(p.dataSet())).findFirst()
                .orElse(null);
        if (open != null) {
            apply(p, ImageSelection.item(open, p.index()));
            return;
        }
        // A data set the browser does not have: read it as a job, then apply.
        ModelManifest mf = context.modelProperty().get().model().manifest();
        context.jobs().submit("Open data set " + p.dataSet(), progress -> new LoadedDataset(p.dataSet(),
                DatasetReference.open(p.dataSet(), mf.input(), mf.labels())),
                ds -> apply(p, ImageSelection.item(ds, p.index())));
    }

    private void apply(ExplorerParameters p, ImageSelection selection) {
        if (selection.dataset() != null && (p.index() < 0 || p.index() >= selection.dataset().dataset().size())) {
            throw new IllegalArgumentException("item " + p.index() + " is outside data set " + p.dataSet());
        }
        image = selection;
        updatingControls = true;
        try {
            pointBox.setValue(p.probePoint());
            if (p.targetClass() < 0) {
                classBox.getSelectionModel().select(0);
            } else {
                classBox.selectLabel(p.targetClass());
            }
        } finally {
            updatingControls = false;
        }
        update();
    }

    private void modelChanged(LoadedModel m) {
        // A language model gets the Text tab only: the image and evaluation views need classes and pixels.
        boolean lm = m != null && m.model().manifest().isCausalLm();
        if (lm) {
            tabs.getTabs().setAll(textTab);
        } else if (!tabs.getTabs().contains(imageTab)) {
            tabs.getTabs().setAll(imageTab, evaluationTab);
        }
        text.modelChanged(m);
        if (lm) {
            lastKey = null;
            return;
        }
        updatingControls = true;
        try {
            pointBox.getItems().clear();
            classBox.setChoices(List.of(), List.of());
            if (m != null) {
                ModelManifest mf = m.model().manifest();
                for (ProbePoint p : mf.probePoints()) {
                    pointBox.getItems().add(p.name());
                }
                classBox.setChoices(List.of(PREDICTED), mf.labels());
                String selected = context.selectedProbePointProperty().get();
                pointBox.setValue(selected != null && pointBox.getItems().contains(selected) ? selected
                        : defaultPoint(mf));
            }
        } finally {
            updatingControls = false;
        }
        lastKey = null;
        update();
        if (m != null && Boolean.getBoolean(EVALUATION_DEMO_PROPERTY)) {
            tabs.getSelectionModel().select(1);
            evaluation.start();
        }
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
        int target = classBox.labelIndex();
        String key = m.location() + "|" + img + "|" + point + "|" + target;
        if (Objects.equals(key, lastKey)) {
            return;
        }
        lastKey = key;
        imageLabel.setText(img.label());
        if (running != null) {
            running.cancel();
        }
        ExplorerParameters params = img.dataset() != null
                ? ExplorerParameters.ofDataSet(img.dataset().reference(), img.index(), point, target)
                : ExplorerParameters.ofFile(img.file(), point, target);
        ProbeableModel model = m.model();
        status.setText("running…");
        running = context.jobs().submit("Explore " + img.label() + " at " + point, progress -> {
            float[] pixels = img.dataset() != null
                    ? ExplorerParameters.pixelsOf(img.dataset().dataset(), img.index(), model.manifest())
                    : ExplorerParameters.pixelsOf(img.file(), model.manifest());
            return ExplorerAnalysis.run(model, new ExplorerRequest(img.label(), pixels, point, target), progress);
        }, r -> show(r, params));
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
                ExplorerAnalysis.METHOD, params.toMap(), java.util.Map.of(
                        "predicted", r.labels().get(predicted),
                        "probability", String.format(java.util.Locale.ROOT, "%.4f", r.probabilities()[predicted]),
                        "saliencyOf", r.labels().get(r.targetClass()))), true);
    }
}
