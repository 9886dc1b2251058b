package org.lamina.plugins.conceptdepth;

import javafx.scene.Scene;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.lamina.analysis.conceptdepth.ConceptDepthStudy;
import org.lamina.analysis.conceptdepth.Precision;
import org.lamina.analysis.conceptdepth.ProbeParameters;
import org.lamina.analysis.conceptdepth.ProbeSolver;
import org.lamina.analysis.conceptdepth.SplitMode;
import org.lamina.analysis.conceptdepth.TokenPooling;
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

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The panel headless (Monocle) on a minimal shell with tiny models. Waits are generous upper
 * bounds for "eventually", never timing assertions.
 */
@ExtendWith(ApplicationExtension.class)
class ConceptDepthViewTest {

    private static final long WAIT_S = 180;
    private static ProbeableModel tinyCnn;

    private JobRunner runner;
    private HeadlessContext context;
    private ConceptDepthView view;

    @BeforeAll
    static void openModel() {
        tinyCnn = ModelLoader.open("sample:tiny-cnn", ModelRuntime.DeviceChoice.CPU);
    }

    @AfterAll
    static void closeModel() {
        tinyCnn.close();
    }

    @Start
    void start(Stage stage) {
        runner = new JobRunner(1);
        context = new HeadlessContext(runner);
        context.open(new LoadedModel("sample:tiny-cnn", tinyCnn));
        view = (ConceptDepthView) new ConceptDepthPlugin().createView(context);
        stage.setScene(new Scene(new StackPane(view.node()), 1200, 800));
        stage.show();
    }

    @AfterEach
    void close() throws Exception {
        fx(() -> {
            view.dispose();
            return null;
        });
        runner.close();
    }

    @Test
    void panelIsDiscoveredAndInvalidInputIsExplained(FxRobot robot) throws Exception {
        assertThat(ServiceLoader.load(WorkbenchPlugin.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.id().equals("conceptdepth")).toList()).singleElement()
                .satisfies(p -> assertThat(p.title()).isEqualTo("Concept depth"));
        fx(() -> {
            robot.lookup("#conceptdepth-tau").queryAs(TextField.class).setText("1.5");
            return null;
        });
        assertThat(fx(() -> robot.lookup("#conceptdepth-validation").queryAs(Label.class).getText()))
                .contains("τ must be in (0, 1]");
        assertThat(fx(() -> robot.lookup("#conceptdepth-start").queryButton().isDisabled())).isTrue();
        fx(() -> {
            robot.lookup("#conceptdepth-tau").queryAs(TextField.class).setText("0.95");
            robot.lookup("#conceptdepth-max-samples").queryAs(TextField.class).setText("many");
            return null;
        });
        assertThat(fx(() -> robot.lookup("#conceptdepth-validation").queryAs(Label.class).getText()))
                .contains("max per concept must be a whole number, got 'many'");
    }

    @Test
    void runsTheStudyAndShowsEveryFigure(FxRobot robot, @TempDir Path dir) throws Exception {
        fx(() -> {
            robot.lookup("#conceptdepth-max-samples").queryAs(TextField.class).setText("40");
            robot.lookup("#conceptdepth-other-models").queryAs(TextField.class).setText("sample:tiny-vit");
            view.start();
            return null;
        });
        waitFor(() -> fx(() -> view.result() != null));
        ConceptDepthStudy.Result r = fx(view::result);
        assertThat(r.runs()).hasSize(2);
        assertThat(r.variant()).isNotNull();
        assertThat(r.lensModel()).isEqualTo("tiny-vit");
        assertThat(fx(() -> view.figures().size())).isEqualTo(6);
        // the run is in the session, with parameters a replay reads back to the same request
        ConceptDepthStudy.Request request = fx(view::request);
        assertThat(context.recorded()).singleElement().satisfies(e -> {
            assertThat(e.plugin()).isEqualTo("conceptdepth");
            assertThat(e.method()).isEqualTo("conceptdepth");
            assertThat(ConceptDepthStudy.Request.fromMap(e.parameters())).isEqualTo(request);
            assertThat(request.otherModels()).containsExactly("sample:tiny-vit");
            assertThat(request.parameters().maxSamples()).isEqualTo(40);
            assertThat(e.results()).containsEntry("models", "2").containsKey("concepts");
        });
        assertThat(fx(() -> robot.lookup("#conceptdepth-depths").queryAs(Label.class).getText()))
                .contains("bright", "shirt-vs-tshirt");
        fx(() -> {
            view.exportTo(dir);
            return null;
        });
        assertThat(dir.resolve("probe.json")).isNotEmptyFile();
        assertThat(dir.resolve("accuracy-by-relative-depth.png")).isNotEmptyFile();
    }

    @Test
    void restoresARecordedRunIntoTheFormAndRunsIt(FxRobot robot) throws Exception {
        // every form value off its default, plus values without a control (C, lens images)
        ProbeParameters p = new ProbeParameters("layers", TokenPooling.CLS, 0.3, 7, false, true, 0.5, 100, 1e-4, 0.9,
                0.02, 0, Precision.FP32, 40, ProbeSolver.NEWTON, 2, SplitMode.SEEDED);
        ConceptDepthStudy.Request wanted = new ConceptDepthStudy.Request("sample:fashion-concepts", p, List.of(),
                p.withNoise(0.2), false, 50);
        SessionDocument.AnalysisEntry entry = new SessionDocument.AnalysisEntry("conceptdepth", "conceptdepth",
                wanted.toMap(), Map.of());
        fx(() -> {
            view.restore(entry);
            return null;
        });
        Label status = fx(() -> robot.lookup("#conceptdepth-status").queryAs(Label.class));
        waitFor(() -> fx(() -> view.result() != null || status.getText().startsWith("Failed")));
        assertThat(fx(status::getText)).doesNotStartWith("Failed");
        assertThat(fx(view::request)).isEqualTo(wanted);
        assertThat(fx(() -> robot.lookup("#conceptdepth-seed").queryAs(TextField.class).getText())).isEqualTo("7");
        assertThat(fx(view::result).variant()).isNotNull();
        assertThat(context.recorded()).singleElement()
                .satisfies(e -> assertThat(ConceptDepthStudy.Request.fromMap(e.parameters())).isEqualTo(wanted));

        SessionDocument.AnalysisEntry other = new SessionDocument.AnalysisEntry("conceptdepth", "infoplane",
                wanted.toMap(), Map.of());
        assertThatThrownBy(() -> fx(() -> {
            view.restore(other);
            return null;
        })).hasRootCauseInstanceOf(IllegalArgumentException.class).rootCause().hasMessageContaining("'infoplane'");
    }

    @Test
    void aBadConceptFileFailsWithItsMessage(FxRobot robot) throws Exception {
        fx(() -> {
            ComboBox<String> sets = robot.lookup("#conceptdepth-concepts").queryComboBox();
            sets.setValue("/no/such/concepts.csv");
            view.start();
            return null;
        });
        waitFor(() -> fx(() -> robot.lookup("#conceptdepth-status").queryAs(Label.class).getText().startsWith("Failed")));
        assertThat(fx(() -> robot.lookup("#conceptdepth-status").queryAs(Label.class).getText()))
                .contains("/no/such/concepts.csv").contains("concept set not found");
    }

    private static void waitFor(Callable<Boolean> condition) throws Exception {
        FxWait.until(condition, WAIT_S);
    }

    private static <T> T fx(Callable<T> c) throws Exception {
        return FxWait.onFx(c, WAIT_S);
    }
}
