package org.lamina.plugins.chmcorr;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import org.lamina.analysis.chmcorr.ChmcorrFigure;
import org.lamina.analysis.chmcorr.Decision;
import org.lamina.analysis.chmcorr.EditableAttentionMap;
import org.lamina.analysis.chmcorr.MapEdit;
import org.lamina.analysis.chmcorr.QueryEvidence;
import org.lamina.analysis.chmcorr.study.StudyProtocol;
import org.lamina.analysis.chmcorr.study.StudySession;
import org.lamina.plugins.api.FigureView;
import org.lamina.plugins.api.WorkbenchContext;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * What a participant sees (spec "Per trial"): the AI decision and its explanation; in the
 * interactive condition the paintable map and "Re-decide with my attention" (any number of times);
 * then Accept/Reject of the ORIGINAL AI decision with a confidence of 1–5. No settings, no
 * exports, no model names: nothing a participant should not see. Every step is logged by the
 * {@link StudySession} before the view moves on; the experimenter gets a progress line.
 */
final class StudyParticipantView {

    private final WorkbenchContext context;
    private final ChmcorrEngine engine;
    private final StudySession session;
    private final Consumer<String> experimenter;
    private final BorderPane root = new BorderPane();
    private final Label header = new Label();
    private final Label aiSays = new Label();
    private final Label redecision = new Label();
    private final FigureView explanation;
    private final AttentionMapCanvas canvas = new AttentionMapCanvas();
    private final Button redecide = new Button("Re-decide with my attention");
    private final ToggleGroup verdict = new ToggleGroup();
    private final ToggleButton accept = new ToggleButton("Accept: the AI is right");
    private final ToggleButton reject = new ToggleButton("Reject: the AI is wrong");
    private final ToggleGroup confidence = new ToggleGroup();
    private final Button next = new Button("Next");
    private QueryEvidence evidence;
    private EditableAttentionMap map;
    private int logged;
    private int decided;

    StudyParticipantView(WorkbenchContext context, ChmcorrEngine engine, StudySession session, Consumer<String> experimenter) {
        this.context = context;
        this.engine = engine;
        this.session = session;
        this.experimenter = experimenter;
        explanation = new FigureView(context.export());
        explanation.setId("study-explanation");
        header.setId("study-header");
        header.setStyle("-fx-font-size: 14px; -fx-text-fill: #555;");
        aiSays.setId("study-ai-says");
        aiSays.setStyle("-fx-font-size: 20px; -fx-font-weight: bold;");
        redecision.setId("study-redecision");
        redecide.setId("study-redecide");
        accept.setId("study-accept");
        reject.setId("study-reject");
        accept.setToggleGroup(verdict);
        reject.setToggleGroup(verdict);
        next.setId("study-next");
        next.setDefaultButton(true);
        HBox conf = new HBox(4, new Label("How confident are you?  not at all"));
        conf.setAlignment(Pos.CENTER);
        for (int c = 1; c <= 5; c++) {
            ToggleButton b = new ToggleButton(Integer.toString(c));
            b.setId("study-confidence-" + c);
            b.setUserData(c);
            b.setToggleGroup(confidence);
            conf.getChildren().add(b);
        }
        conf.getChildren().add(new Label("very"));
        verdict.selectedToggleProperty().addListener((o, a, b) -> updateNext());
        confidence.selectedToggleProperty().addListener((o, a, b) -> updateNext());
        next.setOnAction(e -> finishTrial());
        redecide.setOnAction(e -> redecideWithMap());
        canvas.setOnStrokeEnd(this::logEdits);
        canvas.setPrefSize(300, 300);

        HBox choice = new HBox(10, accept, reject);
        choice.setAlignment(Pos.CENTER);
        VBox bottom = new VBox(8, new Label("Do you accept the AI's decision above?"), choice, conf, next);
        bottom.setAlignment(Pos.CENTER);
        bottom.setPadding(new Insets(12));
        VBox top = new VBox(4, header, aiSays);
        top.setAlignment(Pos.CENTER);
        top.setPadding(new Insets(12));
        root.setTop(top);
        root.setBottom(bottom);
        root.setCenter(explanation);
        if (session.interactive()) {
            Label hint = new Label("Paint the parts of the image the AI should look at (drag; right-drag erases), then re-decide.");
            hint.setWrapText(true);
            hint.setMaxWidth(300);
            VBox side = new VBox(8, hint, canvas, redecide, redecision);
            side.setPadding(new Insets(12));
            VBox.setVgrow(canvas, Priority.ALWAYS);
            root.setLeft(side);
        }
        BorderPane.setMargin(explanation, new Insets(12));
        show(0);
    }

    Node node() {
        return root;
    }

    StudySession session() {
        return session;
    }

    AttentionMapCanvas canvas() {
        return canvas;
    }

    private void show(int t) {
        StudyProtocol.Trial trial = session.protocol().trials().get(t);
        header.setText("Trial " + (t + 1) + " of " + session.protocol().trials().size());
        aiSays.setText("Loading…");
        next.setDisable(true);
        redecide.setDisable(true);
        verdict.selectToggle(null);
        confidence.selectToggle(null);
        redecision.setText("");
        context.jobs().submit("Study trial " + (t + 1), progress -> engine.query(trial.queryIndex()), ev -> {
            evidence = ev;
            map = new EditableAttentionMap(ev.grid());
            logged = 0;
            Decision d = ev.decide();
            canvas.setMap(map, ChmcorrEngine.fxImage(engine.queryPicture(trial.queryIndex())));
            redecide.setDisable(false);
            aiSays.setText("The AI says: " + engine.classNames().get(d.prediction()));
            explanation.setFigure(ChmcorrFigure.of(ev, d, null, engine.queryPicture(trial.queryIndex()), engine::galleryPicture,
                    engine.classNames(), engine.classifier().parameters()));
            session.show(t);
            report(d.prediction() != trial.aiPrediction() ? " — note: the AI decides " + d.prediction()
                    + " now but the protocol recorded " + trial.aiPrediction() + " (other gallery or model?)" : "");
        });
    }

    /** Logs the strokes made since the last call, one edit event each. */
    private void logEdits() {
        List<MapEdit> h = map.history();
        for (int i = logged; i < h.size(); i++) {
            session.edit(h.get(i));
        }
        logged = h.size();
    }

    private void redecideWithMap() {
        logEdits();
        Decision d = evidence.decide(map.weights());
        session.redecide(d);
        redecision.setText(String.format(Locale.ROOT, "With your attention: %s (%d of %d votes)%s",
                engine.classNames().get(d.prediction()), d.votes(), d.k(), d.userMap() ? "" : " — your map is empty"));
    }

    private void updateNext() {
        next.setDisable(evidence == null || verdict.getSelectedToggle() == null || confidence.getSelectedToggle() == null);
    }

    private void finishTrial() {
        if (session.interactive()) {
            logEdits();
        }
        session.decide(verdict.getSelectedToggle() == accept, (Integer) confidence.getSelectedToggle().getUserData());
        decided++;
        int t = session.trial();
        if (t + 1 < session.protocol().trials().size()) {
            evidence = null;
            show(t + 1);
        } else {
            root.setTop(null);
            root.setLeft(null);
            root.setBottom(null);
            Label done = new Label("Thank you — the session is complete.");
            done.setId("study-done");
            done.setStyle("-fx-font-size: 20px;");
            root.setCenter(done);
            report("");
            session.close();
        }
    }

    private void report(String note) {
        experimenter.accept(String.format(Locale.ROOT, "%s (%s): trial %d of %d shown, %d decided; log %s%s",
                session.protocol().trials().isEmpty() ? "" : participantLabel(), session.condition(), session.trial() + 1,
                session.protocol().trials().size(), decided, session.logFile().getFileName(), note));
    }

    private String participantLabel() {
        return session.participant();
    }

    void close() {
        session.close();
    }
}
