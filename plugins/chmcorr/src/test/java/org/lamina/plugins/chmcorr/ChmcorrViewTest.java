package org.lamina.plugins.chmcorr;

import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.lamina.analysis.chmcorr.ChmcorrParameters;
import org.lamina.analysis.chmcorr.ChmcorrReplay;
import org.lamina.analysis.chmcorr.ChmcorrSessionParameters;
import org.lamina.analysis.chmcorr.SpatialFeatures;
import org.lamina.analysis.chmcorr.study.StudyLogReader;
import org.lamina.analysis.chmcorr.study.StudyProtocol;
import org.lamina.analysis.job.JobRunner;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.session.SessionDocument;
import org.lamina.plugins.api.LoadedModel;
import org.lamina.plugins.api.WorkbenchPlugin;
import org.lamina.plugins.api.testing.FxWait;
import org.lamina.plugins.api.testing.HeadlessContext;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The panel headless (Monocle) on tiny-cnn with a 300-image gallery. Waits are generous upper
 * bounds for "eventually", never timing assertions.
 */
@ExtendWith(ApplicationExtension.class)
class ChmcorrViewTest {

    private static final long WAIT_S = 120;

    @TempDir
    static Path cache;

    private JobRunner runner;
    private ProbeableModel model;
    private ChmcorrView view;
    private HeadlessContext context;

    @BeforeAll
    static void isolatedCache() {
        System.setProperty("lamina.cacheDir", cache.toString());
    }

    @Start
    void start(Stage stage) {
        runner = new JobRunner(1);
        model = ModelLoader.open("sample:tiny-cnn", ModelRuntime.DeviceChoice.CPU);
        context = new HeadlessContext(runner, new LoadedModel("sample:tiny-cnn", model));
        view = (ChmcorrView) new ChmcorrPlugin().createView(context);
        stage.setScene(new Scene(new StackPane(view.node()), 1300, 850));
        stage.show();
    }

    @AfterEach
    void close() throws Exception {
        runner.close();
        model.close();
    }

    @Test
    void paintingRedecidesAndUndoRestores(FxRobot robot) throws Exception {
        assertThat(ServiceLoader.load(WorkbenchPlugin.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.id().equals("chmcorr")).toList()).singleElement()
                .satisfies(p -> assertThat(p.title()).isEqualTo("CHM-Corr++"));
        classify(robot);
        assertThat(text(robot, "#chmcorr-decision")).contains("CC masks");
        assertThat(fx(() -> view.figures())).hasSize(1);
        fx(() -> {
            view.canvas().strokeAt(5, 5, false);     // top-left cell
            return null;
        });
        assertThat(fx(() -> view.map().isEmpty())).isFalse();
        assertThat(fx(() -> view.decision().userMap())).isTrue();
        assertThat(text(robot, "#chmcorr-decision")).contains("your map");
        fx(() -> {
            robot.lookup("#chmcorr-undo").queryButton().fire();
            return null;
        });
        assertThat(fx(() -> view.map().isEmpty())).isTrue();
        assertThat(text(robot, "#chmcorr-decision")).contains("CC masks");
        fx(() -> {
            robot.lookup("#chmcorr-from-cc").queryButton().fire();
            return null;
        });
        assertThat(fx(() -> view.map().isEmpty())).isFalse();
        assertThat(fx(() -> robot.lookup("#chmcorr-redo").queryButton().isDisabled())).isTrue();
    }

    @Test
    void classificationAndEachFinishedStrokeAreRecordedInTheSession(FxRobot robot) throws Exception {
        classify(robot);
        assertThat(context.recorded()).hasSize(1);
        SessionDocument.AnalysisEntry first = context.recorded().get(0);
        assertThat(first.plugin()).isEqualTo("chmcorr");
        assertThat(first.method()).isEqualTo(ChmcorrReplay.METHOD);
        assertThat(first.parameters()).doesNotContainKey("map").containsEntry("gallerySize", 300).containsEntry("n", 30)
                .containsEntry("k", 7);
        fx(() -> {
            view.canvas().strokeAt(5, 5, false);     // top-left cell
            view.canvas().endStroke();
            return null;
        });
        assertThat(context.recorded()).hasSize(2);
        SessionDocument.AnalysisEntry last = context.recorded().get(1);
        assertThat(last.parameters()).containsKey("map");
        assertThat(last.results()).containsEntry("map", "user");
        ChmcorrSessionParameters back = ChmcorrSessionParameters.fromMap(last.parameters());
        assertThat(back).isEqualTo(fx(() -> view.sessionParameters()));
        assertThat(back.map()).containsExactly(fx(() -> view.map().weights()));
        assertThat(back.map()[0]).isEqualTo(1f);
        assertThat(back.querySet()).isEqualTo("sample:fashion-test");
        assertThat(back.queryIndex()).isZero();
        assertThat(back.gallery()).isEqualTo("sample:fashion-train");
        assertThat(back.gallerySize()).isEqualTo(300);
        assertThat(back.settings()).isEqualTo(new ChmcorrParameters(30, 7, 0.55, "mnn", 5, 5));
    }

    @Test
    void restoreShowsTheRecordedQuerySettingsAndMap(FxRobot robot) throws Exception {
        int g = new SpatialFeatures(model, null).grid();
        float[] user = new float[g * g];
        user[0] = 1f;
        user[g * g - 1] = 0.5f;
        ChmcorrSessionParameters recorded = ChmcorrSessionParameters.ofDataSet("sample:fashion-test", 3, "sample:fashion-train",
                300, new ChmcorrParameters(25, 5, 0.4, "sinkhorn", 4, 3), user);
        SessionDocument.AnalysisEntry entry = new SessionDocument.AnalysisEntry("chmcorr", ChmcorrReplay.METHOD,
                recorded.toMap(), java.util.Map.of());
        fx(() -> {
            view.restore(entry);
            return null;
        });
        waitFor(() -> fx(() -> view.decision() != null));
        assertThat(fx(() -> view.sessionParameters())).isEqualTo(recorded);
        assertThat(fx(() -> view.map().weights())).containsExactly(user);
        assertThat(fx(() -> view.decision().userMap())).isTrue();
        assertThat(fx(() -> robot.lookup("#chmcorr-query").queryAs(javafx.scene.control.Spinner.class).getValue())).isEqualTo(3);
        assertThat(fx(() -> robot.lookup("#chmcorr-gallery-size").queryAs(TextField.class).getText())).isEqualTo("300");
        assertThat(fx(() -> robot.lookup("#chmcorr-matcher").queryAs(javafx.scene.control.ComboBox.class).getValue()))
                .isEqualTo("sinkhorn");
        assertThat(fx(() -> robot.lookup("#chmcorr-n").queryAs(TextField.class).getText())).isEqualTo("25");
        assertThat(fx(() -> robot.lookup("#chmcorr-k").queryAs(TextField.class).getText())).isEqualTo("5");
        assertThat(context.recorded()).last().satisfies(e -> assertThat(ChmcorrSessionParameters.fromMap(e.parameters()))
                .isEqualTo(recorded));
        // The recorded map is one undoable step on top of the CC masks.
        assertThat(fx(() -> view.map().canUndo())).isTrue();

        SessionDocument.AnalysisEntry wrong = new SessionDocument.AnalysisEntry("chmcorr", "explorer", recorded.toMap(),
                java.util.Map.of());
        assertThat(fx(() -> refusal(() -> view.restore(wrong)))).contains("'explorer'");
        SessionDocument.AnalysisEntry file = new SessionDocument.AnalysisEntry("chmcorr", ChmcorrReplay.METHOD,
                ChmcorrSessionParameters.ofFile(Path.of("query.png"), "sample:fashion-train", 300, recorded.settings(), null)
                        .toMap(), java.util.Map.of());
        assertThat(fx(() -> refusal(() -> view.restore(file)))).contains("image file");
        assertThat(fx(() -> view.sessionParameters())).isEqualTo(recorded);
    }

    private static String refusal(Runnable r) {
        try {
            r.run();
            return "accepted";
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    @Test
    void studyModeLogsEveryStepOfAnInteractiveSession(FxRobot robot, @TempDir Path dir) throws Exception {
        classify(robot);
        StudyProtocol p = new StudyProtocol(StudyProtocol.FORMAT, "sample:tiny-cnn", "sample:fashion-train", 300,
                "sample:fashion-test", List.of("static", "interactive"), 1, 30, 7,
                List.of(new StudyProtocol.Trial(0, 9, 9, true), new StudyProtocol.Trial(1, 2, 0, false)));
        Path pf = p.write(dir.resolve("protocol.json"));
        Path log = dir.resolve("logs").resolve("P07.jsonl");
        StudyProtocol otherGallery = new StudyProtocol(p.format(), p.model(), p.gallery(), 20000, p.queries(), p.conditions(),
                p.seed(), p.shortlist(), p.k(), p.trials());
        assertThat(fx(() -> {
            try {
                view.startStudy(otherGallery, pf, "P07", "interactive", log);
                return "started";
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
        })).contains("20000 images").contains("has 300").contains("set Gallery images to 20000");
        assertThat(log).doesNotExist();
        StudyParticipantView[] holder = new StudyParticipantView[1];
        fx(() -> {
            holder[0] = view.startStudy(p, pf, "P07", "interactive", log);
            Stage s = new Stage();
            s.setScene(new Scene((javafx.scene.Parent) holder[0].node(), 1000, 700));
            s.show();
            return null;
        });
        StudyParticipantView v = holder[0];
        waitFor(() -> fx(() -> ((Label) v.node().lookup("#study-ai-says")).getText().startsWith("The AI says")));
        assertThat(fx(() -> v.node().lookup("#chmcorr-n") == null && v.node().lookup("#chmcorr-matcher") == null)).isTrue();
        fx(() -> {
            v.canvas().strokeAt(5, 5, false);
            v.canvas().strokeAt(40, 5, false);
            ((javafx.scene.control.Button) v.node().lookup("#study-redecide")).fire();
            ((ToggleButton) v.node().lookup("#study-accept")).setSelected(true);
            ((ToggleButton) v.node().lookup("#study-confidence-4")).setSelected(true);
            ((javafx.scene.control.Button) v.node().lookup("#study-next")).fire();
            return null;
        });
        waitFor(() -> fx(() -> ((Label) v.node().lookup("#study-header")).getText().equals("Trial 2 of 2")
                && ((Label) v.node().lookup("#study-ai-says")).getText().startsWith("The AI says")));
        fx(() -> {
            ((ToggleButton) v.node().lookup("#study-reject")).setSelected(true);
            ((ToggleButton) v.node().lookup("#study-confidence-2")).setSelected(true);
            ((javafx.scene.control.Button) v.node().lookup("#study-next")).fire();
            return null;
        });
        waitFor(() -> fx(() -> v.node().lookup("#study-done") != null));
        assertThat(text(robot, "#chmcorr-study-progress")).contains("P07").contains("2 decided");
        List<String> events = StudyLogReader.read(log).events().stream().map(e -> e.get("event").asText()).toList();
        assertThat(events).containsExactly("session-start", "trial-shown", "edit", "edit", "re-decision", "final-decision",
                "trial-shown", "final-decision");
        JsonNode last = StudyLogReader.read(log).events().get(7);
        assertThat(last.get("accept").asBoolean()).isFalse();
        assertThat(last.get("confidence").asInt()).isEqualTo(2);
        assertThat(Files.readString(log).lines()).hasSize(8);
    }

    private void classify(FxRobot robot) throws Exception {
        fx(() -> {
            robot.lookup("#chmcorr-gallery-size").queryAs(TextField.class).setText("300");
            robot.lookup("#chmcorr-n").queryAs(TextField.class).setText("30");
            robot.lookup("#chmcorr-k").queryAs(TextField.class).setText("7");
            robot.lookup("#chmcorr-run").queryButton().fire();
            return null;
        });
        waitFor(() -> fx(() -> view.decision() != null));
    }

    private static String text(FxRobot robot, String id) throws Exception {
        return fx(() -> robot.lookup(id).queryAs(Label.class).getText());
    }

    private static void waitFor(Callable<Boolean> condition) throws Exception {
        FxWait.until(condition, WAIT_S);
    }

    private static <T> T fx(Callable<T> c) throws Exception {
        return FxWait.onFx(c, WAIT_S);
    }
}
