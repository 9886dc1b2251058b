package org.lamina.plugins.neuronpath;

import static org.assertj.core.api.Assertions.assertThat;

import javafx.scene.Scene;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.lamina.analysis.job.JobRunner;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.neuronpath.PathGraphFigure;
import org.lamina.plugins.api.LoadedModel;
import org.lamina.plugins.api.WorkbenchPlugin;
import org.lamina.plugins.api.testing.FxWait;
import org.lamina.plugins.api.testing.HeadlessContext;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

/**
 * The panel headless (Monocle) on a minimal shell with the tiny ViT fixture. Waits are generous
 * upper bounds for "eventually", never timing assertions.
 */
@ExtendWith(ApplicationExtension.class)
class NeuronPathViewTest {

    private static final long WAIT_S = 180;

    private JobRunner runner;
    private HeadlessContext context;
    private NeuronPathView view;
    private ProbeableModel model;

    @Start
    void start(Stage stage) {
        runner = new JobRunner(1);
        context = new HeadlessContext(runner);
        view = (NeuronPathView) new NeuronPathPlugin().createView(context);
        stage.setScene(new Scene(new StackPane(view.node()), 1280, 800));
        stage.show();
    }

    @AfterEach
    void close() throws Exception {
        fx(() -> {
            view.dispose();
            return null;
        });
        runner.close();
        if (model != null) {
            model.close();
        }
    }

    @Test
    void panelIsDiscoveredAndAskForAViT(FxRobot robot) throws Exception {
        assertThat(ServiceLoader.load(WorkbenchPlugin.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.id().equals("neuronpath")).toList()).singleElement()
                .satisfies(p -> assertThat(p.title()).isEqualTo("Neuron paths"));
        assertThat(fx(() -> robot.lookup("#neuronpath-run").queryButton().isDisabled())).isTrue();
        model = ModelLoader.open("sample:tiny-cnn", ModelRuntime.DeviceChoice.CPU);
        fx(() -> {
            context.open(new LoadedModel("sample:tiny-cnn", model));
            return null;
        });
        assertThat(fx(() -> robot.lookup("#neuronpath-status").queryAs(Label.class).getText()))
                .contains("blocks.i.mlp.act").contains("tiny-cnn");
        assertThat(fx(() -> robot.lookup("#neuronpath-run").queryButton().isDisabled())).isTrue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void runOnTinyVitDrawsPathsAndNeuronDetails(FxRobot robot) throws Exception {
        model = ModelLoader.open("sample:tiny-vit", ModelRuntime.DeviceChoice.CPU);
        fx(() -> {
            context.open(new LoadedModel("sample:tiny-vit", model));
            robot.lookup("#neuronpath-class").queryAs(ComboBox.class).setValue("Bag");
            robot.lookup("#neuronpath-images").queryAs(TextField.class).setText("2");
            robot.lookup("#neuronpath-steps").queryAs(TextField.class).setText("4");
            robot.lookup("#neuronpath-run").queryButton().fire();
            return null;
        });
        waitUntil(() -> fxQuiet(() -> view.result() != null));
        assertThat(fx(() -> view.result().images())).hasSize(2);
        // the finished run is in the session, with the parameters that redo it
        assertThat(fx(() -> java.util.List.copyOf(context.recorded()))).singleElement().satisfies(e -> {
            assertThat(e.plugin()).isEqualTo("neuronpath");
            assertThat(e.method()).isEqualTo(org.lamina.analysis.neuronpath.NeuronPathReplay.METHOD);
            assertThat(org.lamina.analysis.neuronpath.NeuronPathParameters.fromMap(e.parameters()))
                    .isEqualTo(view.result().parameters());
            assertThat(e.results()).containsEntry("images", "2").containsEntry("classes", "Bag").containsKey("meanJas");
        });
        ComboBox<String> show = fx(() -> robot.lookup("#neuronpath-show").queryAs(ComboBox.class));
        assertThat(fx(() -> show.getItems())).contains("All classes", "Class: Bag");
        assertThat(fx(() -> show.getValue())).startsWith("Image #");
        assertThat(fx(() -> view.figures())).hasAtLeastOneElementOfType(PathGraphFigure.class);
        PathGraphFigure g = (PathGraphFigure) fx(() -> view.figures().get(0));
        // the JAS path neuron of the last block is shown and selected for details
        int last = fx(() -> view.result().methods().get(org.lamina.analysis.neuronpath.PathMethod.JAS).paths()[0][1][0]);
        assertThat(g.column(1)).contains(last);
        assertThat(fx(() -> robot.lookup(".label").queryAllAs(Label.class).stream().map(Label::getText).toList()))
                .contains("Block 1, neuron " + last);
        fx(() -> {
            show.setValue("Class: Bag");
            return null;
        });
        assertThat(((PathGraphFigure) fx(() -> view.figures().get(0))).title()).contains("class Bag");
    }

    @Test
    @SuppressWarnings("unchecked")
    void restoreReRunsARecordedEntryWithItsParameters(FxRobot robot) throws Exception {
        model = ModelLoader.open("sample:tiny-vit", ModelRuntime.DeviceChoice.CPU);
        fx(() -> {
            context.open(new LoadedModel("sample:tiny-vit", model));
            return null;
        });
        // non-default everywhere, small: one class, one image, m = 3, top-2, one baseline, one pruning fraction
        var p = new org.lamina.analysis.neuronpath.NeuronPathParameters("sample:fashion-test",
                java.util.List.of("Sneaker"), 1, 3, 2,
                java.util.List.of(org.lamina.analysis.neuronpath.PathMethod.RANDOM), 7,
                org.lamina.analysis.neuronpath.TokenMode.CLS, java.util.List.of(0.5));
        var entry = new org.lamina.analysis.session.SessionDocument.AnalysisEntry("neuronpath",
                org.lamina.analysis.neuronpath.NeuronPathReplay.METHOD, p.toMap(), java.util.Map.of());
        Throwable wrong = fx(() -> {
            try {
                view.restore(new org.lamina.analysis.session.SessionDocument.AnalysisEntry("neuronpath",
                        "not.neuron.paths", entry.parameters(), java.util.Map.of()));
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        assertThat(wrong).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not.neuron.paths");
        fx(() -> {
            view.restore(entry);
            return null;
        });
        waitUntil(() -> fxQuiet(() -> view.result() != null));
        assertThat(fx(() -> view.result().parameters())).isEqualTo(p);
        assertThat(fx(() -> robot.lookup("#neuronpath-class").queryAs(ComboBox.class).getValue())).isEqualTo("Sneaker");
        assertThat(fx(() -> robot.lookup("#neuronpath-images").queryAs(TextField.class).getText())).isEqualTo("1");
        assertThat(fx(() -> robot.lookup("#neuronpath-steps").queryAs(TextField.class).getText())).isEqualTo("3");
        assertThat(fx(() -> robot.lookup("#neuronpath-topk").queryAs(TextField.class).getText())).isEqualTo("2");
        // what the form cannot show stays for the next start from the form
        assertThat(fx(() -> view.parametersFromForm())).isEqualTo(p);
        assertThat(fx(() -> java.util.List.copyOf(context.recorded()))).singleElement()
                .satisfies(e -> assertThat(e.parameters()).isEqualTo(entry.parameters()));
    }

    private static <T> T fx(Callable<T> c) throws Exception {
        return FxWait.onFx(c, WAIT_S);
    }

    private static boolean fxQuiet(Callable<Boolean> c) {
        try {
            return fx(c);
        } catch (Exception e) {
            return false;
        }
    }

    private static void waitUntil(BooleanSupplier condition) throws Exception {
        FxWait.until(condition::getAsBoolean, WAIT_S);
    }
}
