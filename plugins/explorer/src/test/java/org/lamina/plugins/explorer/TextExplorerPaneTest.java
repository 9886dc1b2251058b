package org.lamina.plugins.explorer;

import ai.djl.Device;

import javafx.scene.Scene;
import javafx.scene.control.Labeled;
import javafx.scene.control.Tab;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.lamina.analysis.explorer.TextExplorerAnalysis;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.job.JobRunner;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelLocator;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.plugins.api.LoadedModel;
import org.lamina.plugins.api.testing.FxWait;
import org.lamina.plugins.api.testing.HeadlessContext;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The explorer with a language model open, headless: only the Text tab, the reference prompt run
 * on open, token chips that pick the histogram's token, four exportable figures, a session entry;
 * back to the image tabs when an image model opens.
 */
@ExtendWith(ApplicationExtension.class)
class TextExplorerPaneTest {

    private JobRunner runner;
    private HeadlessContext context;
    private ExplorerView view;
    private ProbeableModel llama;

    @Start
    void start(Stage stage) {
        runner = new JobRunner(1);
        llama = ModelLoader.open(ModelLocator.resolve("sample:tiny-llama"), Device.cpu());
        context = new HeadlessContext(runner, new LoadedModel("sample:tiny-llama", llama));
        view = new ExplorerView(context);
        stage.setScene(new Scene(new StackPane(view.node()), 1100, 650));
        stage.show();
    }

    @AfterEach
    void close() {
        runner.close();
        llama.close();
    }

    private static void waitFor(java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!FxWait.onFx(condition, 10)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            Thread.sleep(50);
        }
    }

    @Test
    void aLanguageModelGetsTheTextTabWithChipsAndFourFigures(FxRobot robot) throws Exception {
        waitFor(() -> view.text().result() != null);
        List<String> tabs = FxWait.onFx(() -> robot.lookup(".tab-pane").queryAs(javafx.scene.control.TabPane.class).getTabs()
                .stream().map(Tab::getText).toList(), 10);
        assertThat(tabs).containsExactly("Text");
        // The manifest's first reference prompt runs on open; BOS + 5 words.
        assertThat(FxWait.onFx(() -> view.text().result().request().text(), 10)).isEqualTo("The capital of France is");
        assertThat(FxWait.onFx(() -> robot.lookup("#explorer-text-chips").queryAs(javafx.scene.layout.FlowPane.class)
                .getChildren().size(), 10)).isEqualTo(6);
        assertThat(FxWait.onFx(() -> view.text().selectedToken(), 10)).isEqualTo(5);
        List<Figure> figures = FxWait.onFx(() -> view.figures(), 10);
        assertThat(figures).extracting(Figure::name).containsExactly("next-token-top8", "logit-lens", "attention-block1",
                "histogram-blocks.1-token5");
        FxWait.onFx(() -> {
            robot.lookup("#explorer-text-chip-2").queryAs(Labeled.class).getOnMouseClicked().handle(null);
            return null;
        }, 10);
        assertThat(FxWait.onFx(() -> view.figures().get(3).name(), 10)).isEqualTo("histogram-blocks.1-token2");
        assertThat(context.recorded()).anyMatch(e -> e.method().equals(TextExplorerAnalysis.METHOD)
                && e.parameters().get("text").equals("The capital of France is"));
        assertThat(FxWait.onFx(() -> robot.lookup("#explorer-text-status").queryAs(Labeled.class).getText(), 10))
                .contains("6 tokens", "next:");

        // A new prompt from the text field.
        FxWait.onFx(() -> {
            view.text().explore("The cat sat on the mat");
            return null;
        }, 10);
        waitFor(() -> view.text().result().request().text().equals("The cat sat on the mat"));
        assertThat(FxWait.onFx(() -> view.text().result().positions(), 10)).isEqualTo(7);

        // An image model brings back the image and evaluation tabs.
        ProbeableModel cnn = ModelLoader.open(ModelLocator.resolve("sample:tiny-cnn"), Device.cpu());
        try {
            FxWait.onFx(() -> {
                context.open(new LoadedModel("sample:tiny-cnn", cnn));
                return null;
            }, 10);
            assertThat(FxWait.onFx(() -> robot.lookup(".tab-pane").queryAs(javafx.scene.control.TabPane.class).getTabs()
                    .stream().map(Tab::getText).toList(), 10)).containsExactly("Image", "Evaluation");
        } finally {
            runner.close();
            cnn.close();
        }
    }
}
