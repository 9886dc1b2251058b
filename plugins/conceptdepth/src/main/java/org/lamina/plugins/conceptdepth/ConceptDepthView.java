package org.lamina.plugins.conceptdepth;

import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

import org.lamina.analysis.conceptdepth.ConceptDepthFigures;
import org.lamina.analysis.conceptdepth.ConceptDepthReplay;
import org.lamina.analysis.conceptdepth.ConceptDepthStudy;
import org.lamina.analysis.conceptdepth.ConceptProbeResult;
import org.lamina.analysis.conceptdepth.ConceptSets;
import org.lamina.analysis.conceptdepth.Precision;
import org.lamina.analysis.conceptdepth.ProbeFiles;
import org.lamina.analysis.conceptdepth.ProbeParameters;
import org.lamina.analysis.conceptdepth.ProbeResult;
import org.lamina.analysis.conceptdepth.TokenPooling;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.job.JobHandle;
import org.lamina.analysis.session.SessionDocument;
import org.lamina.plugins.api.FigureView;
import org.lamina.plugins.api.FormControls;
import org.lamina.plugins.api.JobErrors;
import org.lamina.plugins.api.LoadedModel;
import org.lamina.plugins.api.PluginView;
import org.lamina.plugins.api.WorkbenchContext;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.lamina.plugins.api.FormControls.addRow;
import static org.lamina.plugins.api.FormControls.field;
import static org.lamina.plugins.api.FormControls.figureView;
import static org.lamina.plugins.api.FormControls.lowerCase;
import static org.lamina.plugins.api.FormControls.parseDouble;
import static org.lamina.plugins.api.FormControls.parseLong;

/**
 * The concept-depth panel: the form on the left (concept set, points, token, split, depth
 * parameters, further models for the overlay, a noise/precision variant, the logit lens); on the
 * right the probe accuracy by layer with the depth markers, the depth summary bars, and tabs with
 * the relative-depth overlay of the models, the robustness comparison, selectivity and the logit
 * lens. The run is one job (features, then probes, per model) with progress and cancel.
 */
final class ConceptDepthView implements PluginView {

    /** System property under which the panel starts its demo run on creation. */
    static final String DEMO_PROPERTY = "lamina.screenshots";
    /** The same for the screenshots' language-model pass ({@code ./lamina screenshots --lm-only}). */
    static final String LM_DEMO_PROPERTY = "lamina.screenshots.lm";
    /** Items per concept in the demo run (kept small so screenshots stay fast). */
    static final int DEMO_SAMPLES = 240;

    private final WorkbenchContext context;
    private final BorderPane root = new BorderPane();
    private final ComboBox<String> conceptSet = new ComboBox<>();
    private final TextField points = field("layers", "conceptdepth-points");
    private final ComboBox<TokenPooling> token = new ComboBox<>();
    private final TextField maxSamples = field("0", "conceptdepth-max-samples");
    private final TextField testFraction = field("0.4", "conceptdepth-test-fraction");
    private final TextField seed = field("42", "conceptdepth-seed");
    private final TextField tau = field("0.95", "conceptdepth-tau");
    private final TextField epsilon = field("0.01", "conceptdepth-epsilon");
    private final CheckBox standardise = new CheckBox("Standardise features");
    private final CheckBox stratified = new CheckBox("Stratified split");
    private final TextField otherModels = field("", "conceptdepth-other-models");
    private final CheckBox variantOn = new CheckBox("Robustness variant");
    private final TextField noise = field("0.3", "conceptdepth-noise");
    private final ComboBox<Precision> precision = new ComboBox<>();
    private final CheckBox logitLens = new CheckBox("Logit lens (ViT)");
    private final Label validation = new Label();
    private final Label status = new Label("Not run yet.");
    private final Label depthTable = new Label();
    private final Button start = new Button("Run");
    private final Button export = new Button("Export run…");
    private final FigureView byLayer;
    private final FigureView bars;
    private final FigureView overlay;
    private final FigureView robustness;
    private final FigureView selectivity;
    private final FigureView lens;

    private JobHandle<ConceptDepthStudy.Result> running;
    private ConceptDepthStudy.Result result;
    /**
     * Values the form has no control for (probe C, iterations, tolerance, solver, splits and split mode, the clean run's
     * noise σ and precision): the reference defaults until {@link #restore} sets those of a
     * session's entry; they stay in force for later runs of this panel so that a rerun repeats it.
     */
    private ProbeParameters hidden = ProbeParameters.defaults();
    /** Images for the logit lens (no control either; restored like {@link #hidden}). */
    private int lensSamples = 300;

    ConceptDepthView(WorkbenchContext context) {
        this.context = context;
        byLayer = figureView(context.export(), "conceptdepth-by-layer");
        bars = figureView(context.export(), "conceptdepth-bars");
        overlay = figureView(context.export(), "conceptdepth-overlay");
        robustness = figureView(context.export(), "conceptdepth-robustness");
        selectivity = figureView(context.export(), "conceptdepth-selectivity");
        lens = figureView(context.export(), "conceptdepth-lens");

        conceptSet.getItems().setAll(ConceptSets.IMAGE_SAMPLES);
        conceptSet.setEditable(true);
        conceptSet.setValue(ConceptSets.IMAGE_SAMPLES.get(0));
        conceptSet.setId("conceptdepth-concepts");
        conceptSet.setPromptText("sample:… or a .csv / rule .json");
        token.getItems().setAll(TokenPooling.TOKEN_CHOICES);
        token.setValue(TokenPooling.CLS);
        token.setId("conceptdepth-token");
        token.setConverter(lowerCase(TokenPooling.class));
        precision.getItems().setAll(Precision.values());
        precision.setValue(Precision.FP32);
        precision.setId("conceptdepth-precision");
        precision.setConverter(lowerCase(Precision.class));
        otherModels.setPromptText("models, e.g. sample:fashion-vit");
        maxSamples.setTooltip(new javafx.scene.control.Tooltip("At most this many images per concept (0 = all)"));
        tau.setTooltip(new javafx.scene.control.Tooltip("Threshold depth: first layer with accuracy ≥ τ · max"));
        epsilon.setTooltip(new javafx.scene.control.Tooltip("Converge depth: first layer within ε of every later layer"));
        otherModels.setTooltip(new javafx.scene.control.Tooltip("Further models overlaid on relative depth, comma-separated"));
        variantOn.setId("conceptdepth-variant");
        variantOn.setSelected(true);
        logitLens.setId("conceptdepth-logit-lens");
        logitLens.setSelected(true);
        validation.setId("conceptdepth-validation");
        status.setId("conceptdepth-status");
        start.setId("conceptdepth-start");
        export.setId("conceptdepth-export");
        export.setDisable(true);

        GridPane form = FormControls.form();
        int row = 0;
        row = addRow(form, row, "Concepts", conceptSet);
        row = addRow(form, row, "Points", points);
        row = addRow(form, row, "Token", token);
        row = addRow(form, row, "Max/concept", maxSamples);
        row = addRow(form, row, "Test frac.", testFraction);
        row = addRow(form, row, "Seed", seed);
        row = addRow(form, row, "τ", tau);
        row = addRow(form, row, "ε", epsilon);
        row = addRow(form, row, "Overlay", otherModels);
        row = addRow(form, row, "Noise σ", noise);
        addRow(form, row, "Precision", precision);

        FormControls.messageLabels(validation, status, 240);
        depthTable.setWrapText(true);
        depthTable.setMaxWidth(240);
        depthTable.setStyle("-fx-font-family: monospace; -fx-font-size: 10px;");
        depthTable.setId("conceptdepth-depths");
        start.setMaxWidth(Double.MAX_VALUE);
        export.setMaxWidth(Double.MAX_VALUE);
        start.setOnAction(e -> {
            if (running != null) {
                stop();
            } else {
                start();
            }
        });
        export.setOnAction(e -> exportWithDialog());
        Label heading = new Label("Concept depth");
        heading.setStyle("-fx-font-weight: bold; -fx-font-size: 13px;");
        Label about = new Label("One L2 logistic probe per layer and concept (Jin et al. 2024, \"Exploring Concept "
                + "Depth\"); selectivity against a control task (Hewitt & Liang 2019). ○ threshold CD_τ, □ jump, "
                + "◇ converge. Right-click a figure to export it.");
        about.setWrapText(true);
        about.setMaxWidth(240);
        about.setStyle("-fx-text-fill: #666; -fx-font-size: 11px;");
        Label variantNote = new Label("Variant: noise (on pixels, or on a language model's token embeddings) "
                + "and/or precision (fp16/bf16: weights and activations rounded, int8: weight rows; on a copy of "
                + "the model; float32 kernels).");
        variantNote.setWrapText(true);
        variantNote.setMaxWidth(240);
        variantNote.setStyle("-fx-text-fill: #666; -fx-font-size: 10px;");
        VBox left = new VBox(7, heading, about, form, new VBox(3, standardise, stratified, variantOn, variantNote,
                logitLens), validation, start, export, status, depthTable);
        left.setPadding(new Insets(8));
        left.setPrefWidth(260);
        ScrollPane leftScroll = new ScrollPane(left);
        leftScroll.setFitToWidth(true);
        leftScroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        leftScroll.setMinWidth(275);

        TabPane tabs = new TabPane(new Tab("Models, relative depth", overlay), new Tab("Noise / precision", robustness),
                new Tab("Selectivity", selectivity), new Tab("Logit lens", lens));
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        tabs.setId("conceptdepth-tabs");
        SplitPane bottom = new SplitPane(bars, tabs);
        bottom.setDividerPositions(0.45);
        SplitPane centre = new SplitPane(byLayer, bottom);
        centre.setOrientation(Orientation.VERTICAL);
        centre.setDividerPositions(0.52);
        root.setLeft(leftScroll);
        root.setCenter(centre);
        BorderPane.setMargin(centre, new Insets(6));

        for (TextField f : List.of(points, maxSamples, testFraction, seed, tau, epsilon, noise)) {
            f.textProperty().addListener((o, a, b) -> validate());
        }
        conceptSet.valueProperty().addListener((o, a, b) -> validate());
        validate();
        context.modelProperty().addListener((o, a, b) -> {
            status.setText(b == null ? "Open a model to probe it." : "Model " + b.name() + " — press Run.");
            fitToModel(b);
        });
        fitToModel(context.modelProperty().get());

        if (Boolean.getBoolean(DEMO_PROPERTY) || Boolean.getBoolean(LM_DEMO_PROPERTY)) {
            maxSamples.setText(Integer.toString(DEMO_SAMPLES));
            if (context.modelProperty().get() != null) {
                startDemo(context.modelProperty().get());
            } else {
                // the shell may open its model after creating the panels: start once it is there
                context.modelProperty().addListener(new javafx.beans.value.ChangeListener<LoadedModel>() {
                    @Override
                    public void changed(javafx.beans.value.ObservableValue<? extends LoadedModel> o, LoadedModel a,
                                        LoadedModel b) {
                        if (b != null) {
                            context.modelProperty().removeListener(this);
                            startDemo(b);
                        }
                    }
                });
            }
        }
    }

    private void startDemo(LoadedModel m) {
        if (m.model().manifest().isCausalLm()) {
            // The two trained sample LMs on one relative-depth axis (issue #19): the other one as overlay.
            String other = m.name().equals("tiny-lm-8") ? "tiny-lm-4" : m.name().equals("tiny-lm-4") ? "tiny-lm-8" : null;
            otherModels.setText(other != null && org.lamina.analysis.model.ModelLocator.sampleNames().contains(other)
                    ? "sample:" + other : "");
        } else {
            otherModels.setText(m.name().equals("fashion-vit") ? "sample:fashion-cnn" : "sample:fashion-vit");
        }
        start();
    }

    /**
     * Offers the concept sets and token choice that fit the open model (issue #19): text concept
     * sets and the last token for a language model, image sets and the class token otherwise. A
     * set the user typed in (a file) is kept; a bundled set of the other kind is replaced.
     */
    private void fitToModel(LoadedModel m) {
        boolean lm = m != null && m.model().manifest().isCausalLm();
        List<String> offered = lm ? ConceptSets.TEXT_SAMPLES : ConceptSets.IMAGE_SAMPLES;
        String current = conceptSet.getValue();
        conceptSet.getItems().setAll(offered);
        if (current == null || current.isBlank() || (ConceptSets.SAMPLES.contains(current) && !offered.contains(current))) {
            conceptSet.setValue(offered.get(0));
        } else {
            conceptSet.setValue(current);
        }
        if (lm && token.getValue() == TokenPooling.CLS) {
            token.setValue(TokenPooling.LAST);
        } else if (!lm && token.getValue() == TokenPooling.LAST) {
            token.setValue(TokenPooling.CLS);
        }
        logitLens.setText(lm ? "Logit lens (next token)" : "Logit lens (ViT)");
        conceptSet.setPromptText(lm ? "sample:… or a .csv text,label / text rule .json" : "sample:… or a .csv / rule .json");
    }


    @Override
    public Node node() {
        return root;
    }

    @Override
    public List<Figure> figures() {
        return FigureView.shown(byLayer, bars, overlay, robustness, selectivity, lens);
    }

    /**
     * Puts a recorded run back into the form and runs it again. The form has no controls with
     * listeners that reset others, so the order below is free. Values without a control (see
     * {@link #hidden}, and the lens image count) are kept and honoured by the run; a variant that is
     * not "the clean parameters with another noise σ / precision" cannot be run by this panel and is
     * refused.
     */
    @Override
    public void restore(SessionDocument.AnalysisEntry entry) {
        if (!ConceptDepthReplay.METHOD.equals(entry.method())) {
            throw new IllegalArgumentException("the concept-depth panel cannot restore '" + entry.method() + "'");
        }
        ConceptDepthStudy.Request r = ConceptDepthStudy.Request.fromMap(entry.parameters());
        ProbeParameters p = r.parameters();
        ProbeParameters v = r.variant();
        if (v != null && !v.equals(p.withNoise(v.noiseSigma()).withPrecision(v.precision()))) {
            throw new IllegalArgumentException("the concept-depth panel can only run a robustness variant that differs "
                    + "from the clean run in noise σ and precision");
        }
        if (v != null && v.noiseSigma() == 0 && v.precision() == Precision.FP32) {
            throw new IllegalArgumentException("the robustness variant needs noise σ > 0 or a reduced precision");
        }
        if (running != null) {
            running.cancel();
        }
        hidden = p;
        lensSamples = r.lensSamples();
        conceptSet.setValue(r.conceptSet());
        points.setText(p.points());
        token.setValue(p.pooling());
        maxSamples.setText(Integer.toString(p.maxSamples()));
        testFraction.setText(Double.toString(p.testFraction()));
        seed.setText(Long.toString(p.seed()));
        tau.setText(Double.toString(p.tau()));
        epsilon.setText(Double.toString(p.epsilon()));
        standardise.setSelected(p.standardise());
        stratified.setSelected(p.stratified());
        otherModels.setText(String.join(", ", r.otherModels()));
        variantOn.setSelected(v != null);
        if (v != null) {
            noise.setText(Double.toString(v.noiseSigma()));
            precision.setValue(v.precision());
        }
        logitLens.setSelected(r.logitLens());
        ConceptDepthStudy.Request shown = request();
        if (!shown.equals(r)) {
            // e.g. a point list or model name with surrounding blanks, or a comma inside a model name
            throw new IllegalArgumentException("the concept-depth form cannot hold this run exactly: " + r);
        }
        running = null;
        start.setText("Run");
        start();
    }

    @Override
    public void dispose() {
        if (running != null) {
            running.cancel();
        }
    }

    /** The study the form describes; throws {@link IllegalArgumentException} with a message for people. */
    ConceptDepthStudy.Request request() {
        String set = conceptSet.getValue() == null ? "" : conceptSet.getValue().trim();
        if (set.isEmpty()) {
            throw new IllegalArgumentException("choose a concept set (sample:fashion-concepts, or a .csv / rule .json)");
        }
        if (points.getText().isBlank()) {
            throw new IllegalArgumentException("points: give layers, all or P1,P2,…");
        }
        ProbeParameters p = new ProbeParameters(points.getText().trim(), token.getValue(),
                parseDouble("test fraction", testFraction.getText()), parseLong("seed", seed.getText()),
                stratified.isSelected(), standardise.isSelected(), hidden.c(), hidden.maxIter(), hidden.tol(),
                parseDouble("τ", tau.getText()), parseDouble("ε", epsilon.getText()), hidden.noiseSigma(),
                hidden.precision(), (int) parseLong("max per concept", maxSamples.getText()), hidden.solver(),
                hidden.splits(), hidden.split());
        ProbeParameters variant = null;
        if (variantOn.isSelected()) {
            double sigma = parseDouble("noise σ", noise.getText());
            if (sigma == 0 && precision.getValue() == Precision.FP32) {
                throw new IllegalArgumentException("the robustness variant needs noise σ > 0 or a reduced precision");
            }
            variant = p.withNoise(sigma).withPrecision(precision.getValue());
        }
        List<String> others = Arrays.stream(otherModels.getText().split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        return new ConceptDepthStudy.Request(set, p, others, variant, logitLens.isSelected(), lensSamples);
    }

    private boolean validate() {
        return FormControls.validate(validation, start, running != null, () -> request());
    }

    /** Starts the study on the open model (no-op while one runs, without a model, or when the form is invalid). */
    void start() {
        LoadedModel model = context.modelProperty().get();
        if (running != null || !validate()) {
            return;
        }
        if (model == null) {
            status.setText("Open a model first (File ▸ Open model, or sample:fashion-cnn).");
            return;
        }
        ConceptDepthStudy.Request req = request();
        start.setText("Stop");
        status.setText("Extracting features of " + model.name() + "…");
        JobHandle<ConceptDepthStudy.Result>[] handle = new JobHandle[1];
        handle[0] = context.jobs().submit("Concept depth: " + model.name() + " on " + req.conceptSet(),
                progress -> ConceptDepthStudy.run(model.model(), req, progress), r -> {
                    result = r;
                    show(r);
                    ProbeResult main = r.runs().get(0);
                    status.setText(String.format(Locale.ROOT, "%s: %d concepts × %d points; features %.1f s, probes %.1f s.",
                            main.model(), main.concepts().size(), main.points().size(), main.extractionSeconds(),
                            main.probeSeconds()));
                    context.log("concept depth: " + main.model() + " on " + main.conceptSet());
                    context.session().record(ConceptDepthPlugin.ID, new SessionDocument.AnalysisEntry(ConceptDepthPlugin.ID,
                            ConceptDepthReplay.METHOD, req.toMap(), java.util.Map.of(
                                    "concepts", Integer.toString(main.concepts().size()),
                                    "points", Integer.toString(main.points().size()),
                                    "models", Integer.toString(r.runs().size()),
                                    "seconds", String.format(Locale.ROOT, "%.1f",
                                            main.extractionSeconds() + main.probeSeconds()))), false);
                });
        running = handle[0];
        running.result().whenComplete((r, error) -> Platform.runLater(() -> {
            if (running != handle[0]) {
                return;
            }
            running = null;
            start.setText("Run");
            validate();
            if (error != null) {
                Throwable cause = JobErrors.cause(error);
                boolean cancelled = JobErrors.cancelled(error);
                status.setText(cancelled ? "Stopped." : "Failed: " + cause.getMessage());
            }
        }));
    }

    /** Asks the running job to stop. */
    void stop() {
        if (running != null) {
            running.cancel();
            status.setText("Stopping…");
        }
    }

    /** The last study's results, or null. */
    ConceptDepthStudy.Result result() {
        return result;
    }

    private void show(ConceptDepthStudy.Result r) {
        ProbeResult main = r.runs().get(0);
        byLayer.setFigure(ConceptDepthFigures.accuracyByLayer(main));
        List<String> labels = r.runs().stream().map(ConceptDepthFigures::label).toList();
        bars.setFigure(ConceptDepthFigures.depthBars(List.of(main), List.of(labels.get(0))));
        overlay.setFigure(ConceptDepthFigures.accuracyByRelativeDepth(r.runs(), labels, null));
        selectivity.setFigure(ConceptDepthFigures.selectivityByLayer(main));
        if (r.variant() != null) {
            robustness.setFigure(ConceptDepthFigures.accuracyByRelativeDepth(List.of(main, r.variant()),
                    List.of(labels.get(0), ConceptDepthFigures.label(r.variant())), null));
        }
        if (r.lens() != null) {
            lens.setFigure(ConceptDepthFigures.logitLens(r.lensModel(), r.lens()));
        }
        StringBuilder s = new StringBuilder("concept         CD_τ jump conv\n");
        for (ConceptProbeResult c : main.concepts()) {
            s.append(String.format(Locale.ROOT, "%-15s %4.2f %4.2f %4.2f%n", abbreviate(c.name()),
                    c.depth().threshold().relative(), c.depth().jump().relative(), c.depth().converge().relative()));
        }
        depthTable.setText(s.toString().stripTrailing());
        export.setDisable(false);
    }

    private static String abbreviate(String s) {
        return s.length() <= 15 ? s : s.substring(0, 14) + "…";
    }

    /** Writes probe.json, CSVs and every figure of the last run into a chosen directory. */
    private void exportWithDialog() {
        if (result == null) {
            return;
        }
        FormControls.chooseDirectory(root, "Export concept-depth run").ifPresent(this::exportTo);
    }

    /** Writes the last run's files into {@code dir}. */
    void exportTo(Path dir) {
        // All of this run or the folder's previous content: a failed export mixes nothing.
        try (org.lamina.analysis.job.OutputFolder folder = org.lamina.analysis.job.OutputFolder.open(dir, "export-concept-depth")) {
            Path staged = folder.directory();
            ProbeResult main = result.runs().get(0);
            ProbeFiles.writeAll(main, staged, false);
            List<ProbeResult> others = new ArrayList<>(result.runs().subList(1, result.runs().size()));
            if (result.variant() != null) {
                others.add(result.variant());
            }
            ProbeResult withLens = result.lens() != null && result.lensModel().equals(main.model())
                    ? main.withLogitLens(result.lens()) : main;
            ConceptDepthFigures.exportAll(withLens, others, others.stream().map(ConceptDepthFigures::label).toList(), staged,
                    300);
            folder.commit(java.util.Map.of("command", "workbench concept-depth export", "model", main.model()));
            status.setText("Exported to " + dir);
        } catch (java.io.IOException | RuntimeException e) {
            status.setText("Export failed: " + e.getMessage());
        }
    }
}
