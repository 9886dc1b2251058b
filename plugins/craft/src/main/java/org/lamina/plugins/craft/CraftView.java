package org.lamina.plugins.craft;

import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.image.ImageView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import org.lamina.analysis.craft.ConceptMaps;
import org.lamina.analysis.craft.ConceptRecursion;
import org.lamina.analysis.craft.CraftAnalysis;
import org.lamina.analysis.craft.CraftFigures;
import org.lamina.analysis.craft.CraftFiles;
import org.lamina.analysis.craft.CraftImages;
import org.lamina.analysis.craft.CraftParameters;
import org.lamina.analysis.craft.CraftReplay;
import org.lamina.analysis.session.SessionDocument;
import org.lamina.analysis.craft.CraftResult;
import org.lamina.analysis.craft.Decomposition;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.job.JobHandle;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.plugins.api.FigureView;
import org.lamina.plugins.api.FormControls;
import org.lamina.plugins.api.JobErrors;
import org.lamina.plugins.api.LabelPicker;
import org.lamina.plugins.api.LoadedModel;
import org.lamina.plugins.api.PluginView;
import org.lamina.plugins.api.WorkbenchContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.lamina.plugins.api.FormControls.addRow;
import static org.lamina.plugins.api.FormControls.field;
import static org.lamina.plugins.api.FormControls.figureView;
import static org.lamina.plugins.api.FormControls.parseInt;
import static org.lamina.plugins.api.FormControls.parseLong;

/**
 * The CRAFT panel: the form on the left (data, class, cut point, rank, patch, images, designs,
 * seed; Run/Cancel with the current stage); in the centre the concept gallery (importance bars in
 * concept colours, which double as the legend, and the top crops of every concept), the class
 * images — click one for its concept attribution map and local importances — the fidelity
 * curves, and the concept tree with drill-down into sub-concepts.
 */
final class CraftView implements PluginView {

    /** System property under which the panel runs its demo (a small run on the open model). */
    static final String DEMO_PROPERTY = "lamina.screenshots";
    /** Images of the demo run: few, so that screenshots stay quick. */
    static final int DEMO_IMAGES = 40;
    /** Class thumbnails shown for clicking. */
    static final int THUMBNAILS = 24;

    private final WorkbenchContext context;
    private final BorderPane root = new BorderPane();
    private final ComboBox<String> data = new ComboBox<>();
    private final LabelPicker target = new LabelPicker("craft-class");
    private final ComboBox<String> layer = new ComboBox<>();
    private final TextField rank = field("10", "craft-rank");
    private final TextField patch = field("0", "craft-patch");
    private final TextField images = field("" + CraftParameters.DEFAULT_IMAGES, "craft-images");
    private final TextField designs = field("32", "craft-designs");
    private final TextField seed = field("0", "craft-seed");
    /** "auto" (NMF where activations are ≥ 0) or a {@link Decomposition} id. */
    private final ComboBox<String> decomposition = new ComboBox<>();
    /** "none" or a second decomposition to run on the same crops and show side by side. */
    private final ComboBox<String> compareWith = new ComboBox<>();
    private final TextField sparseAlpha = field("" + Decomposition.DEFAULT_SPARSE_ALPHA, "craft-sparse-alpha");
    private final FigureView compareImportanceA;
    private final FigureView compareCropsA;
    private final FigureView compareImportanceB;
    private final FigureView compareCropsB;
    private final Label compareTitleA = new Label("Choose a second decomposition under \"Compare with\" and press Run.");
    private final Label compareTitleB = new Label();
    private final Tab compareTab = new Tab("Compare decompositions");
    private final Label validation = new Label();
    private final Label status = new Label("Open a model, pick a class and press Run.");
    private final ProgressBar progress = new ProgressBar(0);
    private final Button run = new Button("Run");
    private final Button export = new Button("Export all…");
    private final FigureView importance;
    private final FigureView topCrops;
    private final FigureView composite;
    private final FigureView fidelity;
    private final FigureView subConcepts;
    private final HBox thumbnails = new HBox(4);
    private final ComboBox<ConceptMaps.Mode> mapMode = new ComboBox<>();
    private final TreeView<String> tree = new TreeView<>();
    private final ComboBox<String> subLayer = new ComboBox<>();
    private final TextField subRank = field("3", "craft-sub-rank");
    private final Button drill = new Button("Sub-concepts of selected concept");

    private JobHandle<?> running;
    /**
     * Parameters the form has no control for (alphaW, batchSize, fidelity, the NMF solver, its
     * iteration limit and tolerance), taken from the last restored session entry so that its
     * rerun — and later runs from this form — honour them; the defaults (0, 0 = from the memory
     * budget, true, reference, 200, 1e-4) until a session is restored.
     */
    private CraftParameters hidden = CraftParameters.defaults(0);
    private CraftResult result;
    private CraftResult compared;
    private Dataset resultData;
    private int selectedImage;
    private boolean demoPending = Boolean.getBoolean(DEMO_PROPERTY);
    /** System property of the screenshots' ViT pass. */
    static final String VIT_DEMO_PROPERTY = "lamina.screenshots.vit";
    static final String AUTO = "auto (NMF if ≥ 0)";
    static final String NONE = "none";
    private boolean vitDemoPending = Boolean.getBoolean(VIT_DEMO_PROPERTY);
    private boolean showCompareWhenDone;
    private TabPane tabsForDemo;

    CraftView(WorkbenchContext context) {
        this.context = context;
        importance = figureView(context.export(), "craft-importance");
        topCrops = figureView(context.export(), "craft-top-crops");
        composite = figureView(context.export(), "craft-composite");
        fidelity = figureView(context.export(), "craft-fidelity");
        subConcepts = figureView(context.export(), "craft-subconcepts");
        compareImportanceA = figureView(context.export(), "craft-compare-a-importance");
        compareCropsA = figureView(context.export(), "craft-compare-a-top-crops");
        compareImportanceB = figureView(context.export(), "craft-compare-b-importance");
        compareCropsB = figureView(context.export(), "craft-compare-b-top-crops");
        decomposition.setId("craft-decomposition");
        compareWith.setId("craft-compare");
        compareTitleA.setId("craft-compare-title-a");
        compareTitleB.setId("craft-compare-title-b");
        decomposition.getItems().add(AUTO);
        decomposition.getItems().addAll(Decomposition.ids());
        decomposition.setValue(AUTO);
        compareWith.getItems().add(NONE);
        compareWith.getItems().addAll(Decomposition.ids());
        compareWith.setValue(NONE);
        data.setId("craft-data");
        layer.setId("craft-layer");
        validation.setId("craft-validation");
        status.setId("craft-status");
        run.setId("craft-run");
        export.setId("craft-export");
        tree.setId("craft-tree");
        drill.setId("craft-drill");
        subLayer.setId("craft-sub-layer");
        mapMode.setId("craft-map-mode");
        data.getItems().setAll(SampleData.names());
        data.setValue(CraftParameters.DEFAULT_DATA);
        data.setEditable(true);
        mapMode.getItems().setAll(ConceptMaps.Mode.values());
        mapMode.setValue(ConceptMaps.Mode.COEFFICIENTS);
        mapMode.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(ConceptMaps.Mode m) {
                return m == ConceptMaps.Mode.GRADIENT ? "gradient (NNLS Grad-CAM)" : "U-map (NNLS coefficients)";
            }

            @Override
            public ConceptMaps.Mode fromString(String s) {
                return s.startsWith("gradient") ? ConceptMaps.Mode.GRADIENT : ConceptMaps.Mode.COEFFICIENTS;
            }
        });
        mapMode.valueProperty().addListener((o, a, b) -> showImage(selectedImage));

        GridPane form = FormControls.form();
        int row = 0;
        row = addRow(form, row, "Data", data);
        row = addRow(form, row, "Class", target);
        row = addRow(form, row, "Cut point", layer);
        row = addRow(form, row, "Rank", rank);
        row = addRow(form, row, "Patch px", patch);
        row = addRow(form, row, "Images", images);
        row = addRow(form, row, "Designs", designs);
        row = addRow(form, row, "Seed", seed);
        row = addRow(form, row, "Decomposition", decomposition);
        row = addRow(form, row, "Sparse α", sparseAlpha);
        addRow(form, row, "Compare with", compareWith);
        FormControls.messageLabels(validation, status, 230);
        progress.setMaxWidth(Double.MAX_VALUE);
        run.setMaxWidth(Double.MAX_VALUE);
        export.setMaxWidth(Double.MAX_VALUE);
        export.setDisable(true);
        run.setOnAction(e -> {
            if (running != null) {
                running.cancel();
            } else {
                start();
            }
        });
        export.setOnAction(e -> exportWithDialog());
        Label heading = new Label("CRAFT concepts");
        heading.setStyle("-fx-font-weight: bold; -fx-font-size: 13px;");
        Label about = new Label("Fel et al., CVPR 2023: concepts of a class at a cut point (NMF, or semi-NMF, PCA, "
                + "k-means, sparse coding: Fel et al., NeurIPS 2023), ranked by Sobol total indices. Click an image for its "
                + "concept map. Right-click a figure to export it.");
        about.setWrapText(true);
        about.setMaxWidth(230);
        about.setStyle("-fx-text-fill: #666; -fx-font-size: 11px;");
        VBox left = new VBox(8, heading, about, form, validation, run, progress, status, export);
        left.setPadding(new Insets(8));
        left.setPrefWidth(250);
        ScrollPane leftScroll = new ScrollPane(left);
        leftScroll.setFitToWidth(true);
        leftScroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        leftScroll.setMinWidth(260);

        SplitPane gallery = new SplitPane(importance, topCrops);
        gallery.setDividerPositions(0.36);
        ScrollPane thumbScroll = new ScrollPane(thumbnails);
        thumbScroll.setVbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        thumbScroll.setPrefViewportHeight(58);
        thumbScroll.setMinHeight(60);
        thumbnails.setPadding(new Insets(4));
        HBox mapBar = new HBox(6, new Label("Map"), mapMode);
        mapBar.setPadding(new Insets(4));
        VBox imageTab = new VBox(4, thumbScroll, mapBar, composite);
        VBox.setVgrow(composite, Priority.ALWAYS);
        tree.setShowRoot(true);
        tree.setPrefWidth(220);
        HBox drillBar = new HBox(6, new Label("at"), subLayer, new Label("rank"), subRank, drill);
        drillBar.setPadding(new Insets(4));
        subRank.setPrefColumnCount(3);
        drill.setOnAction(e -> drill());
        drill.setDisable(true);
        VBox subBox = new VBox(4, drillBar, subConcepts);
        VBox.setVgrow(subConcepts, Priority.ALWAYS);
        SplitPane treeTab = new SplitPane(tree, subBox);
        treeTab.setDividerPositions(0.25);
        compareTitleA.setStyle("-fx-font-weight: bold;");
        compareTitleB.setStyle("-fx-font-weight: bold;");
        compareTitleA.setWrapText(true);
        VBox sideA = new VBox(4, compareTitleA, compareImportanceA, compareCropsA);
        VBox sideB = new VBox(4, compareTitleB, compareImportanceB, compareCropsB);
        for (FigureView v : List.of(compareImportanceA, compareCropsA, compareImportanceB, compareCropsB)) {
            VBox.setVgrow(v, Priority.ALWAYS);
        }
        SplitPane compareBox = new SplitPane(sideA, sideB);
        compareBox.setDividerPositions(0.5);
        compareTab.setContent(compareBox);
        compareTab.setId("craft-compare-tab");
        TabPane tabs = new TabPane(new Tab("Image & concept map", imageTab), new Tab("Fidelity", fidelity),
                new Tab("Concept tree", treeTab), compareTab);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.setId("craft-tabs");
        SplitPane centre = new SplitPane(gallery, tabs);
        centre.setOrientation(Orientation.VERTICAL);
        centre.setDividerPositions(0.5);
        root.setLeft(leftScroll);
        root.setCenter(centre);
        BorderPane.setMargin(centre, new Insets(6));

        tabsForDemo = tabs;
        decomposition.valueProperty().addListener((o, a, b) -> validate());
        compareWith.valueProperty().addListener((o, a, b) -> validate());
        for (TextField f : List.of(rank, patch, images, designs, seed, sparseAlpha)) {
            f.textProperty().addListener((o, a, b) -> validate());
        }
        target.valueProperty().addListener((o, a, b) -> validate());
        layer.valueProperty().addListener((o, a, b) -> validate());
        context.modelProperty().addListener((o, a, b) -> modelChanged(b));
        modelChanged(context.modelProperty().get());
    }

    private void modelChanged(LoadedModel m) {
        target.setChoices(List.of(), List.of());
        layer.getItems().clear();
        subLayer.getItems().clear();
        if (m == null) {
            validate();
            return;
        }
        ModelManifest mf = m.model().manifest();
        if (mf.isCausalLm()) {
            // Say what kind of model this is, not which probe points it lacks (issue #18).
            try {
                mf.requireNotLanguageModel("CRAFT");
            } catch (RuntimeException e) {
                status.setText(e.getMessage());
            }
            validate();
            return;
        }
        target.setChoices(List.of(), mf.labels());
        List<String> points = CraftAnalysis.cutPoints(mf);
        layer.getItems().setAll(points);
        // ViT tokens (and other signed activations) have no NMF: offer semi-NMF, the nearest to it, by default;
        // a CNN keeps "auto" (NMF on post-ReLU maps, refused with the alternatives otherwise).
        decomposition.setValue(mf.patchGrid().isPresent() ? Decomposition.SEMI_NMF.id() : AUTO);
        subLayer.getItems().setAll(points);
        try {
            layer.setValue(CraftAnalysis.defaultLayer(mf));
            status.setText("Ready: " + mf.name() + ", cut point " + layer.getValue() + ".");
        } catch (RuntimeException e) {
            layer.setValue(points.isEmpty() ? null : points.get(points.size() - 1));
            status.setText(e.getMessage());
        }
        validate();
        if (demoPending && !mf.patchGrid().isPresent() && validate()) {
            demoPending = false;
            images.setText(Integer.toString(DEMO_IMAGES));
            data.setValue("sample:fashion-test");
            start();
        } else if ((vitDemoPending || demoPending) && mf.patchGrid().isPresent() && validate()) {
            demoPending = false;
            // The ViT screenshot: semi-NMF against PCA on fashion-vit's patch tokens, the comparison shown.
            vitDemoPending = false;
            images.setText(Integer.toString(DEMO_IMAGES));
            data.setValue("sample:fashion-test");
            compareWith.setValue(Decomposition.PCA.id());
            showCompareWhenDone = true;
            start();
        }
    }

    @Override
    public Node node() {
        return root;
    }

    @Override
    public List<Figure> figures() {
        return FigureView.shown(importance, topCrops, composite, fidelity, subConcepts, compareImportanceA, compareCropsA,
                compareImportanceB, compareCropsB);
    }

    /**
     * Reruns a CRAFT analysis recorded in a session: puts its parameters into the form (data
     * first, then class, cut point and the numbers), keeps alphaW, batch size, the fidelity
     * flag and the NMF settings, which the form cannot show, for this and later runs, cancels a running job and starts
     * the run again.
     */
    @Override
    public void restore(SessionDocument.AnalysisEntry entry) {
        if (!CraftReplay.METHOD.equals(entry.method())) {
            throw new IllegalArgumentException("the CRAFT panel cannot restore '" + entry.method() + "'");
        }
        CraftParameters p = CraftParameters.fromMap(entry.parameters());
        LoadedModel m = context.modelProperty().get();
        if (m == null) {
            throw new IllegalArgumentException("open the session's model before restoring its CRAFT run");
        }
        List<String> labels = m.model().manifest().labels();
        if (p.classIndex() < 0 || p.classIndex() >= labels.size()) {
            throw new IllegalArgumentException("the open model has no class " + p.classIndex() + " (it has "
                    + labels.size() + ")");
        }
        if (p.layer() != null && !layer.getItems().contains(p.layer())) {
            throw new IllegalArgumentException("the open model has no CRAFT cut point '" + p.layer() + "'");
        }
        if (running != null) {
            running.cancel();
            running = null;
        }
        data.setValue(p.data());
        target.setValue(labels.get(p.classIndex()));
        if (p.layer() != null) {
            layer.setValue(p.layer());
        } // else: the model's default cut point, which modelChanged already put into the form
        rank.setText(Integer.toString(p.rank()));
        patch.setText(Integer.toString(p.patch()));
        images.setText(Integer.toString(p.images()));
        designs.setText(Integer.toString(p.designs()));
        seed.setText(Long.toString(p.seed()));
        decomposition.setValue(p.decomposition() == null ? AUTO : p.decomposition().id());
        sparseAlpha.setText(Double.toString(p.sparseAlpha()));
        hidden = p;
        run.setText("Run");
        CraftParameters form = parameters(); // throws with the reason if the form does not take them
        start();
        if (running == null) {
            throw new IllegalArgumentException("could not start CRAFT with " + form);
        }
    }

    @Override
    public void dispose() {
        if (running != null) {
            running.cancel();
        }
    }

    /** The result shown, or {@code null}. */
    CraftResult result() {
        return result;
    }

    /** The data set of the shown result (for tests). */
    Dataset resultData() {
        return resultData;
    }

    /** The parameters in the form; throws {@link IllegalArgumentException} with a message for people. */
    CraftParameters parameters() {
        LoadedModel m = context.modelProperty().get();
        if (m == null) {
            throw new IllegalArgumentException("Open a model first.");
        }
        if (m.model().manifest().isCausalLm()) {
            throw new IllegalArgumentException("CRAFT explains image classifiers; '" + m.name()
                    + "' is a language model (use the explorer's Text tab or concept depth).");
        }
        if (target.getValue() == null) {
            throw new IllegalArgumentException("Pick a class.");
        }
        if (layer.getValue() == null) {
            throw new IllegalArgumentException("The model has no cut point CRAFT can start from.");
        }
        int cls = m.model().manifest().labels().indexOf(target.getValue());
        return new CraftParameters(data.getValue() == null ? "" : data.getValue().trim(), layer.getValue(), cls,
                parseInt("images", images.getText()), parseInt("rank", rank.getText()), parseInt("patch", patch.getText()),
                parseInt("designs", designs.getText()), parseLong("seed", seed.getText()), hidden.alphaW(),
                hidden.batchSize(), hidden.fidelity(), hidden.nmfSolver(), hidden.maxIter(), hidden.tol(),
                chosenDecomposition(), parseDouble("sparse α", sparseAlpha.getText()));
    }

    private Decomposition chosenDecomposition() {
        String v = decomposition.getValue();
        return v == null || v.equals(AUTO) ? null : Decomposition.parse(v);
    }

    /** The second decomposition to compare with, or {@code null}. */
    Decomposition comparison() {
        String v = compareWith.getValue();
        return v == null || v.equals(NONE) ? null : Decomposition.parse(v);
    }

    private static double parseDouble(String what, String text) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a number, got '" + text + "'");
        }
    }

    private boolean validate() {
        return FormControls.validate(validation, run, running != null, () -> parameters());
    }

    /** A sink that forwards to the job area and mirrors the stage and progress in the panel. */
    private ProgressSink mirrored(ProgressSink shell) {
        return new ProgressSink() {
            private long total = 1;
            private long done;

            @Override
            public void begin(long t) {
                shell.begin(t);
                total = Math.max(1, t);
                done = 0;
                Platform.runLater(() -> progress.setProgress(0));
            }

            @Override
            public void advance(long units) {
                shell.advance(units);
                done += units;
                double f = Math.min(1, (double) done / total);
                Platform.runLater(() -> progress.setProgress(f));
            }

            @Override
            public void message(String text) {
                shell.message(text);
                Platform.runLater(() -> status.setText(text + "…"));
            }

            @Override
            public boolean isCancelled() {
                return shell.isCancelled();
            }
        };
    }

    /** Runs CRAFT with the form's parameters (no-op while one runs or the form is invalid). */
    void start() {
        if (running != null || !validate()) {
            return;
        }
        CraftParameters p = parameters();
        Decomposition second = comparison();
        ProbeableModel model = context.modelProperty().get().model();
        run.setText("Cancel");
        status.setText("Starting…");
        progress.setProgress(0);
        Object[] self = new Object[1]; // this run's handle: callbacks of a superseded run must not touch the panel
        JobHandle<Object[]> handle = context.jobs().submit("CRAFT: " + target.getValue() + " at " + p.layer(), sink -> {
            ProgressSink s = mirrored(sink);
            s.message("loading " + p.data());
            Dataset d = SampleData.open(p.data(), model.manifest().input(), model.manifest().labels(), null);
            CraftResult r = CraftAnalysis.run(model, d, p, s);
            // The comparison runs the same crops again with the other decomposition (same seed).
            CraftResult other = second == null || second == r.parameters().decomposition() ? null
                    : CraftAnalysis.run(model, d, p.withDecomposition(second), s);
            return new Object[] {r, d, other};
        }, out -> {
            if (running != self[0]) {
                return;
            }
            running = null;
            run.setText("Run");
            CraftResult r = (CraftResult) out[0];
            show(r, (Dataset) out[1]);
            showComparison(r, (CraftResult) out[2], (Dataset) out[1]);
            // The decomposition actually used (auto resolves to nmf), so that a replay cannot pick another.
            context.session().record(CraftPlugin.ID, new SessionDocument.AnalysisEntry(CraftPlugin.ID, CraftReplay.METHOD,
                    p.withDecomposition(r.parameters().decomposition()).toMap(), summary(r)), false);
        });
        self[0] = handle;
        running = handle;
        handle.result().whenComplete((r, e) -> {
            if (e != null) {
                Platform.runLater(() -> {
                    if (running != handle) {
                        return;
                    }
                    running = null;
                    run.setText("Run");
                    status.setText(JobErrors.cancelled(e) ? "Cancelled." : "Failed: " + JobErrors.cause(e).getMessage());
                    validate();
                });
            }
        });
    }

    /** The few strings a session keeps about a finished run (next to its parameters). */
    static java.util.Map<String, String> summary(CraftResult r) {
        int[] order = r.conceptsByImportance();
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("class", r.target().label());
        m.put("layer", r.layer());
        m.put("decomposition", r.decomposition());
        m.put("images", Integer.toString(r.imageIndices().length));
        m.put("reconstructionError", String.format(Locale.ROOT, "%.4f", r.reconstructionError()));
        if (order.length > 0) {
            m.put("topConcept", String.format(Locale.ROOT, "%s (S_T %.3f)", CraftFigures.label(order[0]),
                    r.importance()[order[0]]));
        }
        return m;
    }

    /** Shows a result (JavaFX thread). */
    void show(CraftResult r, Dataset d) {
        result = r;
        resultData = d;
        importance.setFigure(CraftFigures.globalImportance(r));
        topCrops.setFigure(CraftFigures.topCrops(r, d));
        fidelity.setFigure(CraftFigures.fidelity(r));
        subConcepts.setFigure(null);
        thumbnails.getChildren().clear();
        for (int i = 0; i < Math.min(THUMBNAILS, r.imageIndices().length); i++) {
            int slot = i;
            ImageView v = new ImageView(SwingFXUtils.toFXImage(CraftImages.image(r, d, slot), null));
            v.setFitWidth(48);
            v.setFitHeight(48);
            v.setSmooth(false);
            v.setId("craft-thumb-" + slot);
            v.setOnMouseClicked(e -> showImage(slot));
            thumbnails.getChildren().add(v);
        }
        showImage(0);
        TreeItem<String> rootItem = new TreeItem<>(r.target().label() + " at " + r.layer());
        for (int id : r.conceptsByImportance()) {
            rootItem.getChildren().add(new TreeItem<>(String.format(Locale.ROOT, "%s  S_T %.3f", CraftFigures.label(id),
                    r.importance()[id])));
        }
        rootItem.setExpanded(true);
        tree.setRoot(rootItem);
        tree.getSelectionModel().select(rootItem.getChildren().isEmpty() ? rootItem : rootItem.getChildren().get(0));
        ModelManifest mf = context.modelProperty().get().model().manifest();
        int cut = mf.probePoint(r.layer()).index();
        subLayer.getItems().setAll(subLayer.getItems().stream().filter(n -> mf.probePoint(n).index() < cut).toList());
        if (!subLayer.getItems().isEmpty()) {
            subLayer.setValue(subLayer.getItems().get(subLayer.getItems().size() - 1));
        }
        drill.setDisable(subLayer.getItems().isEmpty());
        export.setDisable(false);
        status.setText(String.format(Locale.ROOT, "%d concepts of %s at %s from %d images × %d crops; %s error %.3f; %.1f s.",
                r.rank(), r.target().label(), r.layer(), r.imageIndices().length, r.crops().cropsPerImage(),
                r.decomposition(), r.reconstructionError(), r.stageSeconds().getOrDefault("total", 0.0)));
        progress.setProgress(1);
        validate();
    }

    /**
     * The comparison tab: concept importances and top crops of both decompositions side by side
     * (same crops, same seed); without a second result, a hint.
     */
    void showComparison(CraftResult a, CraftResult b, Dataset d) {
        compared = b;
        if (b == null) {
            compareTitleA.setText("Choose a second decomposition under \"Compare with\" and press Run.");
            compareTitleB.setText("");
            for (FigureView v : List.of(compareImportanceA, compareCropsA, compareImportanceB, compareCropsB)) {
                v.setFigure(null);
            }
            return;
        }
        compareTitleA.setText(comparisonTitle(a));
        compareTitleB.setText(comparisonTitle(b));
        // Renamed so that "export every figure" writes the comparison beside, not over, the main figures.
        compareImportanceA.setFigure(renamed(CraftFigures.globalImportance(a), "craft-compare-a-importance"));
        compareCropsA.setFigure(renamed(CraftFigures.topCrops(a, d), "craft-compare-a-top-crops"));
        compareImportanceB.setFigure(renamed(CraftFigures.globalImportance(b), "craft-compare-b-importance"));
        compareCropsB.setFigure(renamed(CraftFigures.topCrops(b, d), "craft-compare-b-top-crops"));
        if (showCompareWhenDone && tabsForDemo != null) {
            showCompareWhenDone = false;
            tabsForDemo.getSelectionModel().select(compareTab);
        }
    }

    /** The same figure under another file name (a chart stays a chart, so the view keeps its interactive viewer). */
    static org.lamina.analysis.export.Figure renamed(org.lamina.analysis.export.Figure f, String name) {
        if (f instanceof org.lamina.analysis.export.ChartFigure c) {
            return new org.lamina.analysis.export.ChartFigure(name, c.title(), c.chart(), c.aspectRatio(), c.data());
        }
        return new org.lamina.analysis.export.Figure() {
            @Override public String name() { return name; }
            @Override public String title() { return f.title(); }
            @Override public double aspectRatio() { return f.aspectRatio(); }
            @Override public void draw(java.awt.Graphics2D g, java.awt.geom.Rectangle2D area) { f.draw(g, area); }
            @Override public org.lamina.analysis.export.FigureData data() { return f.data(); }
        };
    }

    private static String comparisonTitle(CraftResult r) {
        return String.format(Locale.ROOT, "%s: relative error %.3f, %d iterations, %.2f s", r.decomposition(),
                r.reconstructionError(), r.nmfIterations(), r.stageSeconds().getOrDefault("nmf", 0.0));
    }

    /** The comparison's second result, or {@code null}. */
    CraftResult compared() {
        return compared;
    }

    /** Shows image {@code slot}'s concept map and local importances. */
    void showImage(int slot) {
        if (result == null || slot >= result.imageIndices().length) {
            return;
        }
        selectedImage = slot;
        composite.setFigure(CraftFigures.composite(result, resultData, slot, mapMode.getValue()));
        for (Node n : thumbnails.getChildren()) {
            n.setStyle(n.getId().equals("craft-thumb-" + slot) ? "-fx-effect: dropshadow(gaussian, #ff7f0e, 6, 0.8, 0, 0);" : "");
        }
    }

    /** Refactorises the concept selected in the tree at the earlier cut point chosen. */
    void drill() {
        TreeItem<String> item = tree.getSelectionModel().getSelectedItem();
        if (result == null || item == null || item.getParent() == null || running != null || subLayer.getValue() == null) {
            return;
        }
        int concept = Integer.parseInt(item.getValue().substring(1, item.getValue().indexOf(' ')));
        int subRankValue;
        try {
            subRankValue = parseInt("sub-rank", subRank.getText());
        } catch (IllegalArgumentException e) {
            status.setText(e.getMessage());
            return;
        }
        CraftResult r = result;
        Dataset d = resultData;
        ProbeableModel model = context.modelProperty().get().model();
        String point = subLayer.getValue();
        Object[] self = new Object[1]; // this job's handle: a superseded job must not touch the panel
        running = context.jobs().submit("CRAFT sub-concepts of C" + concept, sink ->
                ConceptRecursion.run(model, d, r, concept, point, subRankValue, mirrored(sink)), s -> {
                    if (running != self[0]) {
                        return;
                    }
                    running = null;
                    subConcepts.setFigure(CraftFigures.subConcepts(r, d, s));
                    item.getChildren().clear();
                    for (int c = 0; c < s.topCrops().length; c++) {
                        item.getChildren().add(new TreeItem<>("C" + concept + "." + c + " at " + s.layer()));
                    }
                    item.setExpanded(true);
                    status.setText(String.format(Locale.ROOT, "%d sub-concepts of C%d at %s from %d crops.",
                            s.topCrops().length, concept, s.layer(), s.crops().length));
                });
        JobHandle<?> handle = running;
        self[0] = handle;
        running.result().whenComplete((x, e) -> {
            if (e != null) {
                Platform.runLater(() -> {
                    if (running != handle) {
                        return;
                    }
                    running = null;
                    Throwable cause = e.getCause() != null ? e.getCause() : e;
                    status.setText("Sub-concepts failed: " + cause.getMessage());
                });
            }
        });
    }

    private void exportWithDialog() {
        if (result == null) {
            return;
        }
        FormControls.chooseDirectory(root, "Export CRAFT result").ifPresent(this::exportTo);
    }

    /** Writes craft.json, craft-data.npz and every figure into {@code dir}, as a job. */
    void exportTo(Path dir) {
        CraftResult r = result;
        Dataset d = resultData;
        context.jobs().submit("Export CRAFT result", sink -> {
            // All of this result or the folder's previous content: a failed export mixes nothing.
            try (org.lamina.analysis.job.OutputFolder folder = org.lamina.analysis.job.OutputFolder.open(dir, "export-craft")) {
                CraftFiles.writeAll(r, folder.directory());
                var files = CraftFigures.exportAll(r, d, folder.directory(), context.settingsProperty().get().dpi());
                folder.commit(java.util.Map.of("command", "workbench craft export", "model", r.model()));
                return files;
            }
        }, files -> context.log("CRAFT: exported " + files.size() + " figure files, craft.json and craft-data.npz to " + dir));
    }
}
