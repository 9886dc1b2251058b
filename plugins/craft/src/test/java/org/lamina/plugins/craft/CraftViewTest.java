package org.lamina.plugins.craft;

import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeView;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.lamina.analysis.craft.CraftParameters;
import org.lamina.analysis.craft.CraftReplay;
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
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The panel headless (Monocle) on a minimal shell with the tiny CNN fixture. Waits are generous
 * upper bounds for "eventually", never timing assertions.
 */
@ExtendWith(ApplicationExtension.class)
class CraftViewTest {

    private static final long WAIT_S = 180;

    private JobRunner runner;
    private ProbeableModel model;
    private CraftView view;
    private HeadlessContext context;

    @TempDir
    Path temp;

    @Start
    void start(Stage stage) {
        runner = new JobRunner(1);
        model = ModelLoader.open("sample:tiny-cnn", ModelRuntime.DeviceChoice.CPU);
        context = new HeadlessContext(runner, new LoadedModel("sample:tiny-cnn", model));
        view = (CraftView) new CraftPlugin().createView(context);
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
        model.close();
    }

    @Test
    void panelIsDiscoveredAndDefaultsToTheLastSpatialPostReluPoint(FxRobot robot) throws Exception {
        assertThat(ServiceLoader.load(WorkbenchPlugin.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.id().equals("craft")).toList()).singleElement()
                .satisfies(p -> assertThat(p.title()).isEqualTo("CRAFT concepts"));
        assertThat(fx(() -> view.parameters().layer())).isEqualTo("relu2");
        assertThat(fx(() -> view.parameters().rank())).isEqualTo(10);
        fx(() -> {
            robot.lookup("#craft-rank").queryAs(TextField.class).setText("ten");
            return null;
        });
        assertThat(fx(() -> robot.lookup("#craft-validation").queryAs(Label.class).getText())).contains("rank must be a whole number");
        assertThat(fx(() -> robot.lookup("#craft-run").queryButton().isDisabled())).isTrue();
    }

    @Test
    void runShowsConceptsMapsFidelityAndSubConcepts(FxRobot robot) throws Exception {
        fx(() -> {
            robot.lookup("#craft-data").queryComboBox().setValue("sample:fashion-test");
            robot.lookup("#craft-rank").queryAs(TextField.class).setText("3");
            robot.lookup("#craft-patch").queryAs(TextField.class).setText("12");
            robot.lookup("#craft-images").queryAs(TextField.class).setText("8");
            robot.lookup("#craft-designs").queryAs(TextField.class).setText("8");
            view.start();
            return null;
        });
        waitFor(() -> fxQuietly(() -> view.result() != null));
        // The finished run is in the session, with parameters that redo it.
        assertThat(context.recorded()).singleElement().satisfies(e -> {
            assertThat(e.plugin()).isEqualTo(CraftPlugin.ID);
            assertThat(e.method()).isEqualTo(org.lamina.analysis.craft.CraftReplay.METHOD);
            assertThat(org.lamina.analysis.craft.CraftParameters.fromMap(e.parameters())).isEqualTo(fx(() -> view.parameters()
                    .withDecomposition(org.lamina.analysis.craft.Decomposition.NMF)));
            assertThat(e.results()).containsEntry("layer", "relu2").containsEntry("images", "8").containsKey("topConcept");
        });
        assertThat(fx(() -> view.figures().stream().map(f -> f.name()).toList()))
                .contains("craft-importance", "craft-top-crops", "craft-composite", "craft-fidelity");
        String before = fx(() -> view.figures().stream().filter(f -> f.name().equals("craft-composite")).findFirst().get().title()
                + view.figures().stream().filter(f -> f.name().equals("craft-composite")).findFirst().get().data().rows().get(0));
        fx(() -> {
            view.showImage(2);
            return null;
        });
        String after = fx(() -> view.figures().stream().filter(f -> f.name().equals("craft-composite")).findFirst().get().title()
                + view.figures().stream().filter(f -> f.name().equals("craft-composite")).findFirst().get().data().rows().get(0));
        assertThat(after).isNotEqualTo(before);
        // The paper's maps (Grad-CAM through the NNLS) replace the U-maps in the composite.
        fx(() -> {
            robot.lookup("#craft-map-mode").queryComboBox().setValue(org.lamina.analysis.craft.ConceptMaps.Mode.GRADIENT);
            return null;
        });
        String gradient = fx(() -> view.figures().stream().filter(f -> f.name().equals("craft-composite-gradient")).findFirst()
                .get().data().rows().toString());
        assertThat(fx(() -> view.figures().stream().map(f -> f.name()).toList())).doesNotContain("craft-composite");
        assertThat(gradient).isNotEqualTo(fx(() -> org.lamina.analysis.craft.CraftFigures.composite(view.result(),
                view.resultData(), 2, org.lamina.analysis.craft.ConceptMaps.Mode.COEFFICIENTS).data().rows().toString()));
        assertThat(fx(() -> robot.lookup("#craft-status").queryAs(Label.class).getText())).contains("3 concepts");
        // Drill into the most important concept at an earlier (post-ReLU) point.
        fx(() -> {
            @SuppressWarnings("unchecked")
            TreeView<String> tree = robot.lookup("#craft-tree").queryAs(TreeView.class);
            tree.getSelectionModel().select(tree.getRoot().getChildren().get(0));
            robot.lookup("#craft-sub-layer").queryComboBox().setValue("pool1");
            robot.lookup("#craft-sub-rank").queryAs(TextField.class).setText("2");
            view.drill();
            return null;
        });
        waitFor(() -> fxQuietly(() -> {
            String st = robot.lookup("#craft-status").queryAs(Label.class).getText();
            if (st.contains("failed")) {
                throw new AssertionError(st);
            }
            return view.figures().stream().anyMatch(f -> f.name().startsWith("craft-subconcepts"));
        }));
        fx(() -> {
            view.exportTo(temp);
            return null;
        });
        waitFor(() -> temp.resolve("craft-fidelity.csv").toFile().exists() && temp.resolve("craft-data.npz").toFile().exists());
    }

    @Test
    void restoreRerunsASessionEntryWithItsParameters(FxRobot robot) throws Exception {
        // Non-default values everywhere, including those the form cannot show (alphaW, batch, fidelity off,
        // the NMF solver, iteration limit and tolerance).
        CraftParameters p = new CraftParameters("sample:fashion-test", "relu2", 1, 6, 2, 12, 4, 7, 0.01, 4, false,
                org.lamina.analysis.craft.NmfSolver.ACCELERATED, 40, 1e-3);
        SessionDocument.AnalysisEntry entry = new SessionDocument.AnalysisEntry(CraftPlugin.ID, CraftReplay.METHOD,
                p.toMap(), java.util.Map.of());
        SessionDocument.AnalysisEntry wrong = new SessionDocument.AnalysisEntry(CraftPlugin.ID, "tcav",
                p.toMap(), java.util.Map.of());
        assertThatThrownBy(() -> fx(() -> {
            view.restore(wrong);
            return null;
        })).hasCauseInstanceOf(IllegalArgumentException.class).hasMessageContaining("'tcav'");
        fx(() -> {
            view.restore(entry);
            view.restore(entry); // a second restore cancels the first run; only one finishes
            return null;
        });
        waitFor(() -> fxQuietly(() -> view.result() != null));
        assertThat(fx(() -> view.parameters())).isEqualTo(p);
        assertThat(fx(() -> robot.lookup("#craft-class").queryComboBox().getValue())).isEqualTo(model.manifest().labels().get(1));
        assertThat(fx(() -> view.result().layer())).isEqualTo("relu2");
        assertThat(fx(() -> view.result().rank())).isEqualTo(2);
        assertThat(fx(() -> view.result().provenance().get("nmf"))).asString()
                .contains("solver=accelerated", "maxIterations=40", "tolerance=0.001");
        assertThat(fx(() -> view.result().target().label())).isEqualTo(model.manifest().labels().get(1));
        assertThat(context.recorded()).singleElement()
                // The session records the decomposition actually used (NMF on these post-ReLU maps).
                .satisfies(e -> assertThat(CraftParameters.fromMap(e.parameters()))
                        .isEqualTo(p.withDecomposition(org.lamina.analysis.craft.Decomposition.NMF)));
    }

    /** Compare mode: a second decomposition on the same crops, shown side by side with its own importances. */
    @Test
    void compareShowsTwoDecompositionsSideBySide(FxRobot robot) throws Exception {
        assertThat(fx(() -> robot.lookup("#craft-decomposition").queryComboBox().getItems()))
                .contains("nmf", "semi-nmf", "pca", "kmeans", "sparse");
        fx(() -> {
            robot.lookup("#craft-data").queryComboBox().setValue("sample:fashion-test");
            robot.lookup("#craft-rank").queryAs(TextField.class).setText("3");
            robot.lookup("#craft-patch").queryAs(TextField.class).setText("12");
            robot.lookup("#craft-images").queryAs(TextField.class).setText("4");
            robot.lookup("#craft-designs").queryAs(TextField.class).setText("4");
            robot.lookup("#craft-compare").queryComboBox().setValue("pca");
            view.start();
            return null;
        });
        waitFor(() -> fxQuietly(() -> view.compared() != null));
        assertThat(fx(() -> view.result().decomposition())).isEqualTo("nmf");
        assertThat(fx(() -> view.compared().decomposition())).isEqualTo("pca");
        assertThat(fx(() -> view.compared().a().values())).containsExactly(fx(() -> view.result().a().values()));
        assertThat(fx(() -> view.figures().stream().map(f -> f.name()).toList())).contains("craft-compare-a-importance",
                "craft-compare-a-top-crops", "craft-compare-b-importance", "craft-compare-b-top-crops");
        assertThat(fx(() -> robot.lookup("#craft-compare-title-b").queryAs(Label.class).getText())).startsWith("pca: relative error");
        // The session records the primary run, with its decomposition.
        assertThat(context.recorded()).singleElement().satisfies(e ->
                assertThat(e.parameters()).containsEntry("decomposition", "nmf"));
    }

    private static void waitFor(BooleanSupplier condition) throws Exception {
        FxWait.until(condition::getAsBoolean, WAIT_S);
    }

    private static boolean fxQuietly(Callable<Boolean> c) {
        try {
            return fx(c);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof AssertionError a) {
                throw a;
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    private static <T> T fx(Callable<T> c) throws Exception {
        return FxWait.onFx(c, WAIT_S);
    }
}
