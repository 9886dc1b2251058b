package org.lamina.plugins.neuronpath;

import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelWriter;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.DatasetReference;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.job.JobHandle;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.neuronpath.FfnNeurons;
import org.lamina.analysis.neuronpath.NeuronPathAnalysis;
import org.lamina.analysis.neuronpath.NeuronPathException;
import org.lamina.analysis.neuronpath.NeuronPathFigures;
import org.lamina.analysis.neuronpath.NeuronPathParameters;
import org.lamina.analysis.neuronpath.NeuronPathReplay;
import org.lamina.analysis.session.SessionDocument;
import org.lamina.analysis.neuronpath.NeuronPathResult;
import org.lamina.analysis.neuronpath.PathGraphFigure;
import org.lamina.analysis.neuronpath.PathMethod;
import org.lamina.analysis.neuronpath.TokenMode;
import org.lamina.plugins.api.FigureView;
import org.lamina.plugins.api.JobErrors;
import org.lamina.plugins.api.LabelPicker;
import org.lamina.plugins.api.LoadedDataset;
import org.lamina.plugins.api.LoadedModel;
import org.lamina.plugins.api.PluginView;
import org.lamina.plugins.api.WorkbenchContext;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The neuron-path panel: parameters and Run on top; the layered path graph (blocks left → right,
 * top-N neurons per block, each selected method's path) for one image or a whole class; on the
 * right the clicked neuron's activation distribution and top-exciting images, and tabs with the
 * manipulation bars (plus the images that flipped), JAS by method and class similarity.
 */
final class NeuronPathView implements PluginView {

    /** System properties under which the panel runs its demo (screenshots; the ViT pass sets the second). */
    static final List<String> DEMO_PROPERTIES = List.of("lamina.screenshots", "lamina.screenshots.vit");
    /**
     * Demo: four classes, one image each, JAS against the activation and random baselines, no
     * pruning view — every figure has content and it stays quick on fashion-vit (m stays 20).
     */
    static final List<String> DEMO_CLASSES = List.of("Trouser", "Sneaker", "Bag", "Ankle boot");
    static final int DEMO_IMAGES = 1;

    private final WorkbenchContext context;
    private final BorderPane root = new BorderPane();
    private final LabelPicker classChoice = new LabelPicker("neuronpath-class");
    private final TextField images = new TextField("3");
    private final TextField steps = new TextField(Integer.toString(NeuronPathParameters.DEFAULT_STEPS));
    private final TextField topK = new TextField("1");
    private final Button run = new Button("Find paths");
    private final Label status = new Label();
    private final ComboBox<String> show = new ComboBox<>();
    private final Map<PathMethod, CheckBox> methodBoxes = new EnumMap<>(PathMethod.class);
    private final Spinner<Integer> perBlock = new Spinner<>(4, 64, 10, 2);
    private final PathGraphPane graph = new PathGraphPane();
    private final Label neuronTitle = new Label("Click a neuron in the graph");
    private final FigureView histogram;
    private final FlowPane exciting = new FlowPane(4, 4);
    private final FigureView manipulationView;
    private final ComboBox<PathMethod> flippedMethod = new ComboBox<>();
    private final FlowPane flipped = new FlowPane(4, 4);
    private final Label flippedTitle = new Label();
    private final FigureView jasView;
    private final FigureView similarityView;
    private final Button export = new Button("Export figure…");

    private NeuronPathResult result;
    private Dataset data;
    private boolean demoStarted;
    /** The run going, or null. */
    private JobHandle<NeuronPathResult> running;
    /**
     * Parameters restored from a session, or null: the form shows class, images, steps and top-K;
     * the rest (data set, baselines, seed, token mode, pruning fractions — and the class list when
     * it is not one form item) is kept here so that the next start, restored or from the Run
     * button, still uses them. Cleared when another model is opened.
     */
    private NeuronPathParameters restored;
    /** The class-choice item {@link #restored} was shown as; its class list applies while it is selected. */
    private String restoredClassItem;

    NeuronPathView(WorkbenchContext context) {
        this.context = context;
        histogram = new FigureView(context.export());
        manipulationView = new FigureView(context.export());
        jasView = new FigureView(context.export());
        similarityView = new FigureView(context.export());
        build();
        context.modelProperty().addListener((o, a, b) -> modelChanged(b));
        modelChanged(context.modelProperty().get());
    }

    private void build() {
        images.setId("neuronpath-images");
        steps.setId("neuronpath-steps");
        topK.setId("neuronpath-topk");
        run.setId("neuronpath-run");
        status.setId("neuronpath-status");
        show.setId("neuronpath-show");
        export.setId("neuronpath-export");
        images.setPrefColumnCount(3);
        steps.setPrefColumnCount(3);
        topK.setPrefColumnCount(3);
        run.setDefaultButton(true);
        run.setOnAction(e -> {
            try {
                start(parametersFromForm());
            } catch (NeuronPathException ex) {
                status.setText(ex.getMessage());
            }
        });
        HBox form = new HBox(6, fixed(new Label("Class")), classChoice, fixed(new Label("Images/class")), images,
                fixed(new Label("Steps m")), steps, fixed(new Label("Top-K")), topK, run);
        form.setAlignment(Pos.CENTER_LEFT);
        for (var n : List.of(images, steps, topK, run, classChoice)) {
            ((javafx.scene.layout.Region) n).setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        }
        status.setWrapText(true);
        VBox top = new VBox(2, form, status);
        top.setPadding(new Insets(6));
        root.setTop(top);

        HBox methods = new HBox(8);
        methods.setAlignment(Pos.CENTER_LEFT);
        for (PathMethod m : PathMethod.values()) {
            CheckBox c = new CheckBox(m.title());
            c.setId("neuronpath-method-" + m.key());
            c.setSelected(m == PathMethod.JAS || m == PathMethod.ACTIVATION);
            java.awt.Color col = PathGraphFigure.COLORS.get(m);
            c.setStyle(String.format("-fx-text-fill: #%02x%02x%02x;", col.getRed(), col.getGreen(), col.getBlue()));
            c.selectedProperty().addListener((o, a, b) -> redraw());
            methodBoxes.put(m, c);
            methods.getChildren().add(c);
        }
        show.valueProperty().addListener((o, a, b) -> redraw());
        perBlock.valueProperty().addListener((o, a, b) -> redraw());
        perBlock.setPrefWidth(70);
        HBox showRow = new HBox(6, fixed(new Label("Show")), show, fixed(new Label("Neurons per block")), perBlock, export);
        showRow.setAlignment(Pos.CENTER_LEFT);
        export.setOnAction(e -> {
            if (graph.figure() != null) {
                context.export().exportWithDialog(graph.figure(), root.getScene() == null ? null : root.getScene().getWindow());
            }
        });
        graph.setOnNeuron(this::selectNeuron);
        VBox left = new VBox(6, showRow, methods, graph);
        VBox.setVgrow(graph, Priority.ALWAYS);
        left.setPadding(new Insets(6));

        neuronTitle.setStyle("-fx-font-weight: bold;");
        histogram.setPrefSize(360, 200);
        VBox neuron = new VBox(4, neuronTitle, histogram, new Label("Images that excite it most"), exciting);
        flippedMethod.getItems().setAll(PathMethod.values());
        flippedMethod.setValue(PathMethod.JAS);
        flippedMethod.valueProperty().addListener((o, a, b) -> showFlipped());
        VBox manip = new VBox(4, manipulationView, new HBox(6, new Label("Flipped by removing the path of"), flippedMethod),
                flippedTitle, flipped);
        VBox.setVgrow(manipulationView, Priority.ALWAYS);
        TabPane tabs = new TabPane(new Tab("Manipulation", manip), new Tab("JAS by method", jasView),
                new Tab("Class similarity", similarityView));
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        VBox right = new VBox(6, neuron, tabs);
        VBox.setVgrow(tabs, Priority.ALWAYS);
        right.setPadding(new Insets(6));
        SplitPane split = new SplitPane(left, right);
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.6);
        root.setCenter(split);
    }

    private static Label fixed(Label l) {
        l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        return l;
    }

    private void modelChanged(LoadedModel m) {
        result = null;
        restored = null;
        restoredClassItem = null;
        classChoice.setChoices(List.of(), List.of());
        if (m == null) {
            run.setDisable(true);
            status.setText("Open a vision transformer (e.g. sample:fashion-vit).");
            return;
        }
        try {
            FfnNeurons.of(m.model().manifest(), TokenMode.CLS);
        } catch (NeuronPathException e) {
            run.setDisable(true);
            status.setText("Neuron paths need a ViT with blocks.i.mlp.act points; " + m.name()
                    + " has none (export one with tools/lamina_export.py, kind \"vit\").");
            return;
        }
        run.setDisable(false);
        status.setText("");
        classChoice.setChoices(List.of("All classes"), m.model().manifest().labels());
        if (!demoStarted && DEMO_PROPERTIES.stream().anyMatch(Boolean::getBoolean)) {
            demoStarted = true;
            start(new NeuronPathParameters("sample:fashion-test", DEMO_CLASSES, DEMO_IMAGES,
                    NeuronPathParameters.DEFAULT_STEPS, 1, List.of(PathMethod.ACTIVATION, PathMethod.RANDOM),
                    NeuronPathParameters.DEFAULT_SEED, TokenMode.CLS, List.of()));
        }
    }

    /** The form as parameters; invalid fields throw with the reason. */
    NeuronPathParameters parametersFromForm() {
        String c = classChoice.getValue();
        List<String> classes = c == null || c.equals("All classes") ? List.of() : List.of(c);
        if (restored != null && c != null && c.equals(restoredClassItem)) {
            classes = restored.classes();
        }
        int n = parseInt(images, "Images/class");
        int m = parseInt(steps, "Steps m");
        int k = parseInt(topK, "Top-K");
        if (restored != null) {
            return new NeuronPathParameters(restored.dataset(), classes, n, m, k, restored.baselines(),
                    restored.seed(), restored.tokenMode(), restored.pruningFractions());
        }
        return new NeuronPathParameters("sample:fashion-test", classes, n, m, k, NeuronPathParameters.ALL_BASELINES,
                NeuronPathParameters.DEFAULT_SEED, TokenMode.CLS, NeuronPathParameters.DEFAULT_PRUNING);
    }

    /**
     * Puts a recorded run's parameters into the form and runs it again (cancelling a run going).
     * The method check boxes only choose which of the run's paths are drawn, so they are left as
     * they are; the baselines run, with the other values the form has no control for, come from
     * the entry (see {@link #restored}).
     */
    @Override
    public void restore(SessionDocument.AnalysisEntry entry) {
        if (!NeuronPathReplay.METHOD.equals(entry.method())) {
            throw new IllegalArgumentException("the neuron-path panel cannot restore '" + entry.method() + "'");
        }
        NeuronPathParameters p;
        try {
            p = NeuronPathParameters.fromMap(entry.parameters());
        } catch (NeuronPathException | ClassCastException e) {
            throw new IllegalArgumentException("bad neuron-path parameters: " + e.getMessage(), e);
        }
        LoadedModel lm = context.modelProperty().get();
        if (lm == null || classChoice.getItems().isEmpty()) {
            throw new IllegalArgumentException("neuron paths need an open ViT with blocks.i.mlp.act points"
                    + (lm == null ? "" : "; " + lm.name() + " has none"));
        }
        if (running != null) {
            running.cancel();
            running = null;
        }
        String item;
        if (p.classes().isEmpty()) {
            item = "All classes";
        } else if (p.classes().size() == 1 && classChoice.getItems().contains(p.classes().get(0))) {
            item = p.classes().get(0);
        } else {
            // several classes (or class indices): one extra item stands for the recorded list
            item = String.join(" + ", p.classes());
            if (!classChoice.getItems().contains(item)) {
                classChoice.addChoice(item);
            }
        }
        restored = p;
        restoredClassItem = item;
        classChoice.setValue(item);
        images.setText(Integer.toString(p.imagesPerClass()));
        steps.setText(Integer.toString(p.steps()));
        topK.setText(Integer.toString(p.topK()));
        start(parametersFromForm());
    }

    private static int parseInt(TextField f, String what) {
        try {
            return Integer.parseInt(f.getText().trim());
        } catch (NumberFormatException e) {
            throw new NeuronPathException(what + " must be a whole number, got '" + f.getText() + "'");
        }
    }

    private void start(NeuronPathParameters p) {
        LoadedModel lm = context.modelProperty().get();
        if (lm == null) {
            return;
        }
        ProbeableModel model = lm.model();
        Dataset d = dataset(model, p.dataset());
        run.setDisable(true);
        status.setText("running…");
        @SuppressWarnings("unchecked")
        JobHandle<NeuronPathResult>[] self = new JobHandle[1];
        JobHandle<NeuronPathResult> handle = context.jobs().submit("Neuron paths on " + lm.name(),
                progress -> NeuronPathAnalysis.run(model, d, p, progress), r -> {
            if (running != self[0]) {
                return; // superseded (cancelled by a restore)
            }
            running = null;
            data = d;
            run.setDisable(false);
            show(r);
            context.session().record(NeuronPathPlugin.ID, new SessionDocument.AnalysisEntry(NeuronPathPlugin.ID,
                    NeuronPathReplay.METHOD, r.parameters().toMap(), java.util.Map.of(
                            "images", Integer.toString(r.images().size()),
                            "classes", String.join(",", NeuronPathFigures.classNames(r)),
                            "meanJas", meanJasLine(r))), false);
        });
        self[0] = handle;
        running = handle;
        handle.result().whenComplete((r, err) -> {
            if (err != null) {
                javafx.application.Platform.runLater(() -> {
                    if (running != handle) {
                        return; // superseded: the newer run owns the form
                    }
                    running = null;
                    run.setDisable(false);
                    Throwable cause = JobErrors.cause(err);
                    status.setText(cause.getMessage() == null ? cause.toString() : cause.getMessage());
                });
            }
        });
    }

    /** The data set from the data browser, else opened (the bundled fashion test set by default). */
    private Dataset dataset(ProbeableModel model, String reference) {
        for (LoadedDataset d : context.dataSets()) {
            if (d.reference().equals(reference)) {
                return d.dataset();
            }
        }
        if (reference.equals("sample:fashion-test")) {
            return SampleData.open(reference, model.manifest().input(), model.manifest().labels(), null);
        }
        return DatasetReference.open(reference, model.manifest().input(), model.manifest().labels());
    }

    /** Shows a result (the job's, or one given by tests). */
    void show(NeuronPathResult r) {
        result = r;
        List<String> items = new ArrayList<>();
        items.add("All classes");
        for (String c : NeuronPathFigures.classNames(r)) {
            items.add("Class: " + c);
        }
        for (var e : r.images()) {
            items.add(imageItem(r, e));
        }
        show.getItems().setAll(items);
        show.setValue(items.get(Math.min(items.size() - 1, NeuronPathFigures.classNames(r).size() + 1)));
        manipulationView.setFigure(NeuronPathFigures.manipulationBars(r));
        jasView.setFigure(NeuronPathFigures.jasBoxPlot(r));
        similarityView.setFigure(NeuronPathFigures.classSimilarity(r));
        var jas = r.methods().get(PathMethod.JAS);
        int shown = shownImage();
        int img = shown < 0 ? 0 : shown;
        int last = r.blocks() - 1;
        selectNeuron(last, jas.paths()[img][last][0]);
        showFlipped();
        status.setText(String.format(Locale.ROOT, "%d images; mean JAS(P): %s", r.images().size(), meanJasLine(r)));
    }

    private static String meanJasLine(NeuronPathResult r) {
        StringBuilder s = new StringBuilder();
        for (var e : r.methods().entrySet()) {
            if (s.length() > 0) {
                s.append(", ");
            }
            s.append(e.getKey().key()).append(String.format(Locale.ROOT, " %.3g", e.getValue().meanJas()));
        }
        return s.toString();
    }

    private static String imageItem(NeuronPathResult r, NeuronPathResult.ImageEntry e) {
        return String.format(Locale.ROOT, "Image #%d (%s, p = %.2f)", e.index(), r.labels().get(e.label()), e.baseProb());
    }

    /** Index into the result's images of the image shown, or −1 for a class view. */
    private int shownImage() {
        String v = show.getValue();
        if (result == null || v == null || !v.startsWith("Image")) {
            return -1;
        }
        for (int i = 0; i < result.images().size(); i++) {
            if (imageItem(result, result.images().get(i)).equals(v)) {
                return i;
            }
        }
        return -1;
    }

    private List<PathMethod> selectedMethods() {
        List<PathMethod> out = new ArrayList<>();
        for (var e : methodBoxes.entrySet()) {
            if (e.getValue().isSelected() && result != null && result.methods().containsKey(e.getKey())) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    private void redraw() {
        if (result == null || show.getValue() == null) {
            graph.setFigure(null);
            return;
        }
        int img = shownImage();
        PathGraphFigure f;
        if (img >= 0) {
            PathGraphFigure one = NeuronPathFigures.pathGraph(result, img, selectedMethods(), perBlock.getValue());
            f = one;
        } else {
            String v = show.getValue();
            int cls = v.startsWith("Class: ") ? NeuronPathFigures.classNames(result).indexOf(v.substring(7)) : -1;
            f = NeuronPathFigures.classPathGraph(result, cls, selectedMethods(), perBlock.getValue());
        }
        graph.setFigure(f);
    }

    private void selectNeuron(int block, int neuron) {
        if (result == null) {
            return;
        }
        neuronTitle.setText(String.format(Locale.ROOT, "Block %d, neuron %d", block, neuron));
        histogram.setFigure(NeuronPathFigures.activationHistogram(result, block, neuron));
        exciting.getChildren().clear();
        for (int i : NeuronPathFigures.topExciting(result, block, neuron, 6)) {
            var e = result.images().get(i);
            exciting.getChildren().add(thumbnail(e.index(), String.format(Locale.ROOT, "%s %.2f",
                    result.labels().get(e.label()), result.cleanNeurons()[i][block][neuron])));
        }
    }

    private void showFlipped() {
        flipped.getChildren().clear();
        if (result == null || flippedMethod.getValue() == null || !result.manipulation().containsKey(flippedMethod.getValue())) {
            flippedTitle.setText("");
            return;
        }
        var m = result.manipulation().get(flippedMethod.getValue());
        int count = 0;
        for (int i = 0; i < result.images().size(); i++) {
            var e = result.images().get(i);
            boolean before = e.predicted() == e.label();
            boolean after = m.removePredicted()[i] == e.label();
            if (before != after) {
                count++;
                if (flipped.getChildren().size() < 12) {
                    flipped.getChildren().add(thumbnail(e.index(), result.labels().get(e.label()) + " → "
                            + result.labels().get(m.removePredicted()[i])));
                }
            }
        }
        flippedTitle.setText(String.format(Locale.ROOT, "%d of %d images flipped (remove: Δp %.1f %%, Δacc %.1f points)",
                count, result.images().size(), m.removeProbDev(), m.removeAccDev()));
    }

    /** A data-set image, enlarged 2×, with a caption. */
    private Node thumbnail(int index, String caption) {
        long[] shape = data.sampleShape();
        int h = (int) shape[shape.length - 2];
        int w = (int) shape[shape.length - 1];
        int channels = shape.length == 3 ? (int) shape[0] : 1;
        float[] v = data.sample(index);
        WritableImage img = new WritableImage(w, h);
        PixelWriter pw = img.getPixelWriter();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double r = v[y * w + x];
                double g = channels == 3 ? v[h * w + y * w + x] : r;
                double b = channels == 3 ? v[2 * h * w + y * w + x] : r;
                pw.setColor(x, y, javafx.scene.paint.Color.color(clamp(r), clamp(g), clamp(b)));
            }
        }
        ImageView view = new ImageView(img);
        view.setFitWidth(2 * w);
        view.setFitHeight(2 * h);
        view.setSmooth(false);
        Label l = new Label(caption);
        l.setStyle("-fx-font-size: 10px;");
        VBox box = new VBox(1, view, l);
        box.setAlignment(Pos.CENTER);
        return box;
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    /** The result shown, or null. */
    NeuronPathResult result() {
        return result;
    }

    @Override
    public void dispose() {
        if (running != null) {
            running.cancel();
            running = null;
        }
    }

    @Override
    public Node node() {
        return root;
    }

    @Override
    public List<Figure> figures() {
        List<Figure> out = new ArrayList<>();
        if (graph.figure() != null) {
            out.add(graph.figure());
        }
        for (FigureView v : List.of(histogram, manipulationView, jasView, similarityView)) {
            if (v.figure() != null) {
                out.add(v.figure());
            }
        }
        return out;
    }
}
