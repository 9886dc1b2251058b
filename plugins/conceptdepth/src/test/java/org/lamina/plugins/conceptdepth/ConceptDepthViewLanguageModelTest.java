package org.lamina.plugins.conceptdepth;

import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.SnapshotParameters;
import javafx.scene.control.CheckBox;
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
import org.lamina.analysis.conceptdepth.ConceptDepthStudy;
import org.lamina.analysis.conceptdepth.ConceptSets;
import org.lamina.analysis.conceptdepth.Precision;
import org.lamina.analysis.conceptdepth.TokenPooling;
import org.lamina.analysis.job.JobRunner;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.plugins.api.LoadedModel;
import org.lamina.plugins.api.testing.FxWait;
import org.lamina.plugins.api.testing.HeadlessContext;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The panel with a language model open (issue #19): it offers the text concept sets and the last
 * token, runs the study on a text rule file (with an int8 variant and the logit lens) and draws
 * every figure. Writes the panel's snapshot to target/conceptdepth-tiny-llama.png for a look.
 */
@ExtendWith(ApplicationExtension.class)
class ConceptDepthViewLanguageModelTest {

    private static final long WAIT_S = 180;
    private static ProbeableModel tinyLlama;

    private JobRunner runner;
    private HeadlessContext context;
    private ConceptDepthView view;

    @BeforeAll
    static void openModel() {
        tinyLlama = ModelLoader.open("sample:tiny-llama", ModelRuntime.DeviceChoice.CPU);
    }

    @AfterAll
    static void closeModel() {
        tinyLlama.close();
    }

    @Start
    void start(Stage stage) {
        runner = new JobRunner(1);
        context = new HeadlessContext(runner);
        context.open(new LoadedModel("sample:tiny-llama", tinyLlama));
        view = (ConceptDepthView) new ConceptDepthPlugin().createView(context);
        stage.setScene(new Scene(new StackPane(view.node()), 1200, 800));
        stage.show();
    }

    @AfterEach
    void close() throws Exception {
        FxWait.onFx(() -> {
            view.dispose();
            return null;
        }, WAIT_S);
        runner.close();
    }

    @Test
    void offersTextSetsAndRunsOnATextRuleFile(FxRobot robot) throws Exception {
        Path fixture = Path.of(getClass().getResource("/lm-concepts-fixture/lm-concepts.json").toURI());
        ComboBox<String> sets = fx(() -> robot.lookup("#conceptdepth-concepts").queryComboBox());
        assertThat(fx(() -> sets.getItems())).containsExactlyElementsOf(ConceptSets.TEXT_SAMPLES);
        assertThat(fx(sets::getValue)).isEqualTo("sample:lm-concepts");
        ComboBox<TokenPooling> token = fx(() -> robot.lookup("#conceptdepth-token").queryComboBox());
        assertThat(fx(token::getValue)).isEqualTo(TokenPooling.LAST);
        fx(() -> {
            sets.setValue(fixture.toString());
            robot.lookup("#conceptdepth-noise").queryAs(TextField.class).setText("0");
            robot.lookup("#conceptdepth-precision").queryComboBox().setValue(Precision.INT8);
            view.start();
            return null;
        });
        Label status = fx(() -> robot.lookup("#conceptdepth-status").queryAs(Label.class));
        FxWait.until(() -> fx(() -> view.result() != null || status.getText().startsWith("Failed")), WAIT_S);
        assertThat(fx(status::getText)).doesNotStartWith("Failed");
        ConceptDepthStudy.Result r = fx(view::result);
        assertThat(r.runs().get(0).points()).containsExactly("embed", "blocks.0", "blocks.1");
        assertThat(r.runs().get(0).concepts()).hasSize(3);
        assertThat(r.variant().parameters().precision()).isEqualTo(Precision.INT8);
        assertThat(r.lensModel()).isEqualTo("tiny-llama");
        assertThat(fx(() -> view.figures().size())).isEqualTo(6);
        assertThat(fx(() -> robot.lookup("#conceptdepth-depths").queryAs(Label.class).getText())).contains("simple", "fact");
        assertThat(fx(() -> robot.lookup("#conceptdepth-logit-lens").queryAs(CheckBox.class).getText())).contains("next token");
        Path png = Path.of("target", "conceptdepth-tiny-llama.png");
        Files.createDirectories(png.getParent());
        javafx.scene.image.WritableImage img = fx(() -> view.node().snapshot(new SnapshotParameters(), null));
        javax.imageio.ImageIO.write(SwingFXUtils.fromFXImage(img, null), "png", png.toFile());
    }

    private static <T> T fx(Callable<T> c) throws Exception {
        return FxWait.onFx(c, WAIT_S);
    }
}
