package org.lamina.plugins.chmcorr;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputDialog;
import javafx.scene.image.ImageView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Stage;

import org.lamina.analysis.chmcorr.ChmcorrClassifier;
import org.lamina.analysis.chmcorr.ChmcorrFigure;
import org.lamina.analysis.chmcorr.ChmcorrParameters;
import org.lamina.analysis.chmcorr.ChmcorrReplay;
import org.lamina.analysis.chmcorr.ChmcorrSessionParameters;
import org.lamina.analysis.chmcorr.Decision;
import org.lamina.analysis.chmcorr.EditableAttentionMap;
import org.lamina.analysis.chmcorr.MajorityVote;
import org.lamina.analysis.chmcorr.QueryEvidence;
import org.lamina.analysis.chmcorr.SpatialFeatures;
import org.lamina.analysis.chmcorr.study.StudyProtocol;
import org.lamina.analysis.chmcorr.study.StudySession;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.job.JobHandle;
import org.lamina.analysis.session.SessionDocument;
import org.lamina.plugins.api.FigureView;
import org.lamina.plugins.api.ImageSelection;
import org.lamina.plugins.api.LoadedModel;
import org.lamina.plugins.api.PluginView;
import org.lamina.plugins.api.WorkbenchContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import static org.lamina.plugins.api.FormControls.addRow;
import static org.lamina.plugins.api.FormControls.form;

/**
 * The CHM-Corr++ panel: settings and map tools on the left; the query with its paintable map, the
 * decision and vote distribution in the centre; the explanation figure (top-5 exemplars of the
 * predicted class with their pairs) on the right; the plain kNN row underneath. The network runs
 * in jobs (gallery index, one pass per query); painting re-decides from the cached
 * correspondences on the JavaFX thread, which is microseconds of arithmetic (ChmcorrBenchmark).
 */
final class ChmcorrView implements PluginView {

    /** System property under which the panel starts its demo (fashion-cnn, small gallery, an edited map). */
    static final String DEMO_PROPERTY = "lamina.screenshots";
    /** System property of the screenshots' ViT pass: the demo runs there too (on the ViT's patch tokens). */
    static final String VIT_DEMO_PROPERTY = "lamina.screenshots.vit";

    /** Whether a screenshot demo is being rendered (CNN or ViT pass). */
    static boolean demo() {
        return Boolean.getBoolean(DEMO_PROPERTY) || Boolean.getBoolean(VIT_DEMO_PROPERTY);
    }

    /** Gallery images in the demo: the first 3,000 of sample:fashion-train, quick to index. */
    static final int DEMO_GALLERY = 3000;
    /** fashion-test item of the demo. */
    static final int DEMO_QUERY = 12;
    /** Gallery data set of the panel. */
    static final String GALLERY = "sample:fashion-train";
    /** Data set the query index refers to. */
    static final String QUERY_SET = "sample:fashion-test";

    private final WorkbenchContext context;
    private final BorderPane root = new BorderPane();
    private final Spinner<Integer> queryIndex = new Spinner<>(0, 1999, 0);
    private final TextField gallerySize = new TextField("20000");
    private final ComboBox<String> matcher = new ComboBox<>();
    /** Feature-grid probe point: only the model's square spatial maps (SpatialFeatures#usable). */
    private final ComboBox<String> point = new ComboBox<>();
    private final TextField n = new TextField("50");
    private final TextField k = new TextField("20");
    private final Button run = new Button("Classify query");
    private final Spinner<Integer> brush = new Spinner<>(1, 5, 1);
    private final ComboBox<String> mode = new ComboBox<>();
    private final Slider strength = new Slider(0.05, 1, 1);
    private final Button clear = new Button("Empty");
    private final Button fromCc = new Button("From CC map");
    private final Button undo = new Button("Undo");
    private final Button redo = new Button("Redo");
    private final Button study = new Button("Study mode…");
    private final Label studyProgress = new Label("No study running.");
    private final Label status = new Label("Open a CNN or ViT model (e.g. sample:fashion-cnn) and classify a query.");
    private final Label decision = new Label();
    private final VBox votes = new VBox(2);
    private final HBox knnRow = new HBox(6);
    private final Label knnLabel = new Label();
    private final AttentionMapCanvas canvas = new AttentionMapCanvas();
    private final FigureView explanation;

    private ChmcorrEngine engine;
    private String engineKey;
    private QueryEvidence evidence;
    private int evidenceQuery = -1;
    private EditableAttentionMap map;
    private Decision current;
    /** Threshold, shown exemplars and pairs: fixed in the form, taken over from a restored session. */
    private double threshold = ChmcorrParameters.defaults().threshold();
    private int shown = ChmcorrParameters.defaults().shown();
    private int pairs = ChmcorrParameters.defaults().pairs();
    /** The query job in flight (null when none) and its generation: results of older jobs are dropped. */
    private JobHandle<Object[]> pending;
    private int generation;

    ChmcorrView(WorkbenchContext context) {
        this.context = context;
        explanation = new FigureView(context.export());
        explanation.setId("chmcorr-explanation");
        explanation.setStyle("-fx-background-color: white; -fx-border-color: #d0d0d0;");
        queryIndex.setEditable(true);
        queryIndex.setId("chmcorr-query");
        gallerySize.setId("chmcorr-gallery-size");
        matcher.getItems().setAll("mnn", "sinkhorn");
        matcher.setValue("mnn");
        matcher.setId("chmcorr-matcher");
        point.setId("chmcorr-point");
        n.setId("chmcorr-n");
        k.setId("chmcorr-k");
        run.setId("chmcorr-run");
        run.setMaxWidth(Double.MAX_VALUE);
        run.setOnAction(e -> classify());
        brush.setId("chmcorr-brush");
        brush.valueProperty().addListener((o, a, b) -> canvas.setBrush(b));
        mode.getItems().setAll("binary", "continuous");
        mode.setValue("binary");
        mode.setId("chmcorr-mode");
        mode.valueProperty().addListener((o, a, b) -> {
            if (map != null) {
                map.setBinary(b.equals("binary"));
            }
            strength.setDisable(b.equals("binary"));
        });
        strength.setDisable(true);
        strength.setId("chmcorr-strength");
        strength.valueProperty().addListener((o, a, b) -> canvas.setStrength(b.floatValue()));
        clear.setId("chmcorr-clear");
        clear.setOnAction(e -> edit(() -> map.resetEmpty()));
        fromCc.setId("chmcorr-from-cc");
        fromCc.setOnAction(e -> edit(() -> map.resetTo(evidence.ccMask(current.ranking()[0]))));
        undo.setId("chmcorr-undo");
        undo.setOnAction(e -> edit(() -> map.undo()));
        redo.setId("chmcorr-redo");
        redo.setOnAction(e -> edit(() -> map.redo()));
        study.setId("chmcorr-study");
        study.setOnAction(e -> openStudy());
        studyProgress.setId("chmcorr-study-progress");
        studyProgress.setWrapText(true);
        decision.setId("chmcorr-decision");
        decision.setStyle("-fx-font-weight: bold; -fx-font-size: 13px;");
        decision.setWrapText(true);
        decision.setMaxWidth(560);
        decision.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        votes.setId("chmcorr-votes");
        knnRow.setId("chmcorr-knn");
        canvas.setId("chmcorr-map");
        canvas.setOnChanged(() -> {
            redecide();
            updateButtons();
        });
        canvas.setOnStrokeEnd(() -> {
            updateButtons();
            recordSession();
        });

        GridPane form = form();
        int row = 0;
        row = addRow(form, row, "Query (fashion-test #)", queryIndex);
        row = addRow(form, row, "Gallery images", gallerySize);
        row = addRow(form, row, "Feature point", point);
        row = addRow(form, row, "Matcher", matcher);
        row = addRow(form, row, "N (shortlist)", n);
        addRow(form, row, "K (vote)", k);
        GridPane tools = new GridPane();
        tools.setHgap(6);
        tools.setVgap(5);
        int r = 0;
        r = addRow(tools, r, "Brush (cells)", brush);
        r = addRow(tools, r, "Mode", mode);
        addRow(tools, r, "Strength", strength);
        HBox resets = new HBox(4, clear, fromCc);
        HBox history = new HBox(4, undo, redo);
        Label heading = new Label("CHM-Corr++");
        heading.setStyle("-fx-font-weight: bold; -fx-font-size: 13px;");
        Label about = new Label("Taesiri et al. 2022 + the CHM-Corr++ study. Paint the cells the decision should rely on "
                + "(drag), erase with right-drag; the decision follows. Matcher mnn = cosine + mutual nearest neighbours "
                + "(not CHMNet).");
        about.setWrapText(true);
        about.setMaxWidth(240);
        about.setStyle("-fx-text-fill: #666; -fx-font-size: 11px;");
        status.setWrapText(true);
        status.setMaxWidth(240);
        status.setStyle("-fx-text-fill: #555;");
        status.setId("chmcorr-status");
        Label mapHeading = new Label("Your map");
        mapHeading.setStyle("-fx-font-weight: bold;");
        Label studyHeading = new Label("User study");
        studyHeading.setStyle("-fx-font-weight: bold;");
        VBox left = new VBox(8, heading, about, form, run, status, mapHeading, tools, resets, history, studyHeading, study,
                studyProgress);
        left.setPadding(new Insets(8));
        left.setPrefWidth(255);
        ScrollPane leftScroll = new ScrollPane(left);
        leftScroll.setFitToWidth(true);
        leftScroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        leftScroll.setMinWidth(265);

        // Map and decision on top, the explanation below across the full width (it is a wide figure).
        canvas.setPrefSize(260, 260);
        canvas.setMinSize(260, 260);
        canvas.setMaxSize(260, 260);
        Label knnHeading = new Label("Plain kNN (pooled features, cosine), for comparison:");
        VBox side = new VBox(6, decision, votes, knnHeading, knnRow, knnLabel);
        side.setPadding(new Insets(0, 0, 0, 8));
        HBox.setHgrow(side, Priority.ALWAYS);
        HBox top = new HBox(canvas, side);
        top.setPadding(new Insets(6));
        BorderPane centre = new BorderPane();
        centre.setTop(top);
        centre.setCenter(explanation);
        BorderPane.setMargin(explanation, new Insets(6));
        root.setLeft(leftScroll);
        root.setCenter(centre);
        updateButtons();

        context.selectedImageProperty().addListener((o, a, sel) -> followSelection(sel));
        context.modelProperty().addListener((o, a, m) -> modelChanged(m));
        if (demo()) {
            gallerySize.setText(Integer.toString(DEMO_GALLERY));
            queryIndex.getValueFactory().setValue(DEMO_QUERY);
        }
        modelChanged(context.modelProperty().get());
    }

    /** A new model invalidates the engine; the demo classifies right away, as does a model with a spatial map shown first. */
    private void modelChanged(LoadedModel m) {
        engine = null;
        engineKey = null;
        if (m == null) {
            return;
        }
        point.getItems().clear();
        try {
            // A language model is refused by its kind, before its probe points are listed (issue #18).
            m.model().manifest().requireNotLanguageModel("CHM-Corr");
            point.getItems().setAll(SpatialFeatures.usable(m.model().manifest()).stream().map(l -> l.point().name()).toList());
            point.setValue(SpatialFeatures.lastSpatialPoint(m.model().manifest()).name());
            status.setText("Model " + m.name() + ": press Classify query.");
        } catch (RuntimeException e) {
            point.setValue(null);
            status.setText(e.getMessage());
            return;
        }
        if (demo()) {
            classify();
        }
    }

    private void followSelection(ImageSelection sel) {
        if (!demo() && sel != null && sel.dataset() != null && sel.dataset().reference().equals("sample:fashion-test")) {
            queryIndex.getValueFactory().setValue(sel.index());
        }
    }

    /** Loads the engine if needed, then runs the query as a job. */
    void classify() {
        classify(null);
    }

    /**
     * As {@link #classify()}; {@code then} (if not null) runs on the JavaFX thread once the
     * evidence is shown. A job still running is cancelled and its result dropped.
     */
    private void classify(Consumer<QueryEvidence> then) {
        LoadedModel lm = context.modelProperty().get();
        if (lm == null) {
            status.setText("No model open.");
            return;
        }
        ChmcorrParameters p;
        int size;
        try {
            SpatialFeatures.lastSpatialPoint(lm.model().manifest());
            p = new ChmcorrParameters(Integer.parseInt(n.getText().trim()), Integer.parseInt(k.getText().trim()), threshold,
                    matcher.getValue(), shown, pairs);
            size = Integer.parseInt(gallerySize.getText().trim());
        } catch (RuntimeException e) {
            status.setText(e instanceof NumberFormatException ? "N, K and gallery size must be whole numbers." : e.getMessage());
            return;
        }
        int q = queryIndex.getValue();
        String chosenPoint = point.getValue();
        String key = lm.location() + "|" + chosenPoint + "|" + size + "|" + p;
        run.setDisable(true);
        status.setText("Running…");
        ChmcorrEngine ready = key.equals(engineKey) ? engine : null;
        cancelPending();
        int gen = ++generation;
        pending = context.jobs().submit("CHM-Corr query #" + q, progress -> {
            ChmcorrEngine e = ready != null ? ready
                    : ChmcorrEngine.load(lm.model(), chosenPoint, GALLERY, size, QUERY_SET, p, progress);
            progress.message("correspondences for " + p.shortlist() + " exemplars");
            return new Object[] {e, e.query(q)};
        }, res -> {
            if (gen != generation) {
                return;     // superseded (e.g. by a restore) before its result arrived
            }
            pending = null;
            engine = (ChmcorrEngine) res[0];
            engineKey = key;
            showQuery(q, (QueryEvidence) res[1]);
            run.setDisable(false);
            if (then != null) {
                then.accept((QueryEvidence) res[1]);
            } else if (demo()) {
                demoEdit();
            }
        });
        pending.result().whenComplete((r, err) -> {
            if (err != null) {
                javafx.application.Platform.runLater(() -> {
                    if (gen == generation) {
                        pending = null;
                        run.setDisable(false);
                    }
                });
            }
        });
    }

    private void cancelPending() {
        if (pending != null && !pending.result().isDone()) {
            pending.cancel();
        }
        pending = null;
    }

    /**
     * Restores a recorded CHM-Corr++ state: the form takes the entry's query, gallery size,
     * matcher, N and K (threshold, shown exemplars and pairs are kept for the run, the form has no
     * controls for them), a running query is cancelled, the query is classified again and, once
     * its evidence is there, the recorded map is applied to the editable map as one undoable step
     * ("restore"; Undo goes back to the CC masks). Only items of {@value #QUERY_SET} with the
     * gallery {@value #GALLERY} can be shown; image-file queries are refused.
     */
    @Override
    public void restore(SessionDocument.AnalysisEntry entry) {
        if (!ChmcorrReplay.METHOD.equals(entry.method())) {
            throw new IllegalArgumentException("the CHM-Corr++ panel cannot restore '" + entry.method() + "'");
        }
        ChmcorrSessionParameters p;
        try {
            p = ChmcorrSessionParameters.fromMap(entry.parameters());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (p.queryFile() != null) {
            throw new IllegalArgumentException("the CHM-Corr++ panel shows items of " + QUERY_SET
                    + " only, not the image file " + p.queryFile() + " (use lamina replay for it)");
        }
        if (!QUERY_SET.equals(p.querySet())) {
            throw new IllegalArgumentException("the CHM-Corr++ panel shows items of " + QUERY_SET + " only, not of "
                    + p.querySet());
        }
        if (!GALLERY.equals(p.gallery())) {
            throw new IllegalArgumentException("the CHM-Corr++ panel uses the gallery " + GALLERY + ", not " + p.gallery());
        }
        SpinnerValueFactory<Integer> qf = queryIndex.getValueFactory();
        int max = ((SpinnerValueFactory.IntegerSpinnerValueFactory) qf).getMax();
        if (p.queryIndex() > max) {
            throw new IllegalArgumentException("query " + p.queryIndex() + " is outside " + QUERY_SET + " (0 … " + max + ")");
        }
        if (!matcher.getItems().contains(p.settings().matcher())) {
            throw new IllegalArgumentException("the CHM-Corr++ panel has no matcher '" + p.settings().matcher() + "'");
        }
        LoadedModel lm = context.modelProperty().get();
        if (lm == null) {
            throw new IllegalArgumentException("no model is open");
        }
        try {
            SpatialFeatures.lastSpatialPoint(lm.model().manifest());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (p.point() != null) {
            if (!point.getItems().contains(p.point())) {
                throw new IllegalArgumentException("the open model has no CHM-Corr feature point '" + p.point() + "'; usable: "
                        + point.getItems());
            }
            point.setValue(p.point());
        }
        qf.setValue(p.queryIndex());
        gallerySize.setText(Integer.toString(p.gallerySize()));
        matcher.setValue(p.settings().matcher());
        n.setText(Integer.toString(p.settings().shortlist()));
        k.setText(Integer.toString(p.settings().k()));
        threshold = p.settings().threshold();
        shown = p.settings().shown();
        pairs = p.settings().pairs();
        float[] recorded = p.map();
        classify(ev -> {
            if (recorded == null) {
                return;
            }
            if (recorded.length != map.weights().length) {
                status.setText("The recorded map is " + p.mapGrid() + "×" + p.mapGrid() + " but this model's grid is "
                        + ev.grid() + "×" + ev.grid() + "; showing the CC masks.");
                return;
            }
            map.setAll(recorded, "restore");
            canvas.redraw();
            redecide();
            updateButtons();
            recordSession();
        });
    }

    /** The demo's edit: a user who wants the decision to rest on the shoulders and collar paints rows 1–3. */
    private void demoEdit() {
        int g = map.grid();
        map.beginStroke("paint");
        for (int r = 1; r <= Math.min(3, g - 1); r++) {
            for (int c = 1; c < g - 1; c++) {
                map.paint(r, c, 1, 1f);
            }
        }
        map.endStroke();
        canvas.redraw();
        redecide();
        updateButtons();
    }

    private void showQuery(int q, QueryEvidence ev) {
        evidence = ev;
        evidenceQuery = q;
        map = new EditableAttentionMap(ev.grid());
        map.setBinary(mode.getValue().equals("binary"));
        canvas.setMap(map, ChmcorrEngine.fxImage(engine.queryPicture(q)));
        knnRow.getChildren().clear();
        for (int i = 0; i < Math.min(8, ev.shortlist().size()); i++) {
            int gi = ev.shortlist().galleryIndices()[i];
            ImageView iv = new ImageView(ChmcorrEngine.fxImage(engine.galleryPicture(gi)));
            iv.setFitWidth(52);
            iv.setFitHeight(52);
            iv.setSmooth(false);
            Label cap = new Label(engine.classNames().get(ev.shortlist().labels()[i]) + String.format(Locale.ROOT, "\n%.3f",
                    ev.shortlist().similarity()[i]));
            cap.setStyle("-fx-font-size: 10px;");
            VBox cell = new VBox(2, iv, cap);
            cell.setAlignment(Pos.TOP_CENTER);
            knnRow.getChildren().add(cell);
        }
        MajorityVote.Outcome knn = ChmcorrClassifier.knnVote(ev.shortlist(), ev.k(), ev.classes());
        knnLabel.setText(String.format(Locale.ROOT, "kNN: %s, %d/%d votes", engine.classNames().get(knn.label()), knn.votes(), knn.k()));
        int trueLabel = engine.queries().label(q);
        status.setText(String.format(Locale.ROOT, "fashion-test #%d (true: %s); gallery %d images, G = %d, point %s.", q,
                engine.classNames().get(trueLabel), engine.classifier().gallery().size(), ev.grid(),
                engine.classifier().features().point().name()));
        redecide();
        updateButtons();
        recordSession();
    }

    private void edit(Runnable change) {
        if (map == null) {
            return;
        }
        change.run();
        canvas.redraw();
        redecide();
        updateButtons();
        recordSession();
    }

    /** Re-scores the cached correspondences with the current map (no network pass). */
    void redecide() {
        if (evidence == null) {
            return;
        }
        float[] w = map.weights();
        current = evidence.decide(w);
        List<String> names = engine.classNames();
        decision.setText(String.format(Locale.ROOT, "CHM-Corr: %s — %d/%d votes (confidence %.2f)%s", names.get(current.prediction()),
                current.votes(), current.k(), current.confidence(), current.userMap() ? " · your map" : " · CC masks"));
        votes.getChildren().clear();
        Integer[] order = new Integer[current.voteCounts().length];
        for (int c = 0; c < order.length; c++) {
            order[c] = c;
        }
        java.util.Arrays.sort(order, (a, b) -> current.voteCounts()[b] - current.voteCounts()[a]);
        for (int c : order) {
            if (current.voteCounts()[c] == 0) {
                continue;
            }
            ProgressBar bar = new ProgressBar((double) current.voteCounts()[c] / current.k());
            bar.setPrefWidth(150);
            Label l = new Label(names.get(c) + " " + current.voteCounts()[c]);
            l.setMinWidth(120);
            votes.getChildren().add(new HBox(6, l, bar));
        }
        explanation.setFigure(ChmcorrFigure.of(evidence, current, w, engine.queryPicture(evidenceQuery), engine::galleryPicture,
                names, engine.classifier().parameters()));
    }

    /** What a session records of the panel now: the query, settings and map shown (null before a classification). */
    ChmcorrSessionParameters sessionParameters() {
        if (evidence == null || engine == null) {
            return null;
        }
        float[] w = map.weights();
        String used = engine.classifier().features().point().name();
        String defaultPoint = SpatialFeatures.lastSpatialPoint(engine.classifier().features().model().manifest()).name();
        return ChmcorrSessionParameters.ofDataSet(QUERY_SET, evidenceQuery, GALLERY, engine.classifier().gallery().size(),
                engine.classifier().parameters(), map.isEmpty() ? null : w).withPoint(used.equals(defaultPoint) ? null : used);
    }

    /**
     * Records the current state in the session, replacing this panel's previous entry (the panel
     * shows one query and one map at a time), so that {@code lamina replay} redoes the explanation.
     */
    private void recordSession() {
        ChmcorrSessionParameters p = sessionParameters();
        if (p == null || current == null) {
            return;
        }
        context.session().record(ChmcorrPlugin.ID, new SessionDocument.AnalysisEntry(ChmcorrPlugin.ID, ChmcorrReplay.METHOD,
                p.toMap(), java.util.Map.of(
                        "prediction", engine.classNames().get(current.prediction()),
                        "votes", current.votes() + "/" + current.k(),
                        "map", current.userMap() ? "user" : "cc")), true);
    }

    private void updateButtons() {
        boolean none = map == null;
        clear.setDisable(none);
        fromCc.setDisable(none || current == null);
        undo.setDisable(none || !map.canUndo());
        redo.setDisable(none || !map.canRedo());
        study.setDisable(false);
    }

    /** Asks for a protocol and a participant id, then opens the participant view full screen. */
    private void openStudy() {
        LoadedModel lm = context.modelProperty().get();
        if (lm == null || engine == null) {
            studyProgress.setText("Classify one query first (loads the model's gallery index).");
            return;
        }
        FileChooser fc = new FileChooser();
        fc.setTitle("Study protocol");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Protocol (JSON)", "*.json"));
        java.io.File f = fc.showOpenDialog(root.getScene() == null ? null : root.getScene().getWindow());
        if (f == null) {
            return;
        }
        TextInputDialog ask = new TextInputDialog("P01");
        ask.setHeaderText("Pseudonymous participant id (letters, digits, - and _)");
        ask.showAndWait().ifPresent(id -> {
            try {
                StudyProtocol p = StudyProtocol.read(f.toPath());
                Path log = f.toPath().toAbsolutePath().getParent().resolve("logs").resolve(id + ".jsonl");
                StudyParticipantView v = startStudy(p, f.toPath(), id, p.conditionFor(id), log);
                Stage stage = new Stage();
                stage.setTitle("Study");
                stage.setScene(new Scene((javafx.scene.Parent) v.node(), 1100, 760));
                stage.setFullScreenExitHint("");
                stage.setFullScreen(true);
                stage.setOnHidden(e -> v.close());
                stage.show();
            } catch (RuntimeException e) {
                studyProgress.setText(e.getMessage());
            }
        });
    }

    /** Starts a session on the loaded engine; the returned view is what the participant sees. */
    StudyParticipantView startStudy(StudyProtocol protocol, Path protocolFile, String participant, String condition, Path log) {
        protocol.checkImages(engine.queries().size(), protocolFile.toString());
        if (engine.classifier().gallery().size() != protocol.gallerySize()
                || !engine.classifier().gallery().dataset().equals(protocol.gallery())) {
            throw new org.lamina.analysis.chmcorr.study.StudyException(protocolFile + ": the protocol's AI decisions used "
                    + protocol.gallerySize() + " images of " + protocol.gallery() + " but the panel has "
                    + engine.classifier().gallery().size() + " of " + engine.classifier().gallery().dataset()
                    + "; set Gallery images to " + protocol.gallerySize() + " and classify once");
        }
        StudySession s = new StudySession(protocol, protocolFile, participant, condition, log);
        return new StudyParticipantView(context, engine, s, text -> studyProgress.setText(text));
    }

    EditableAttentionMap map() {
        return map;
    }

    Decision decision() {
        return current;
    }

    AttentionMapCanvas canvas() {
        return canvas;
    }

    @Override
    public Node node() {
        return root;
    }

    @Override
    public List<Figure> figures() {
        List<Figure> list = new ArrayList<>();
        if (explanation.figure() != null) {
            list.add(explanation.figure());
        }
        return list;
    }
}
