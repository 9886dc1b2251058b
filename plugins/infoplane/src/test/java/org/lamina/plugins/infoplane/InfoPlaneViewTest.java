package org.lamina.plugins.infoplane;

import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.lamina.analysis.export.ChartFigure;
import org.lamina.analysis.infoplane.InfoPlaneResult;
import org.lamina.analysis.job.JobRunner;
import org.lamina.plugins.api.WorkbenchPlugin;
import org.lamina.plugins.api.testing.FxWait;
import org.lamina.plugins.api.testing.HeadlessContext;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The panel headless (Monocle) on a minimal shell. Waits are generous upper bounds for
 * "eventually", never timing assertions.
 */
@ExtendWith(ApplicationExtension.class)
class InfoPlaneViewTest {

    private static final long WAIT_S = 180;

    private JobRunner runner;
    private InfoPlaneView view;
    private HeadlessContext context;

    @Start
    void start(Stage stage) {
        runner = new JobRunner(1);
        context = new HeadlessContext(runner);
        view = (InfoPlaneView) new InfoPlanePlugin().createView(context);
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
    void panelIsDiscoveredAndItsViewBuilds(FxRobot robot) throws Exception {
        assertThat(ServiceLoader.load(WorkbenchPlugin.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.id().equals("infoplane")).toList()).singleElement()
                .satisfies(p -> assertThat(p.title()).isEqualTo("Information plane"));
        assertThat(fx(() -> robot.lookup("#infoplane-start").queryButton().isDisabled())).isFalse();
        assertThat(fx(() -> view.parameters().epochs())).isEqualTo(3000);
    }

    @Test
    void invalidInputShowsAMessageAndDisablesStart(FxRobot robot) throws Exception {
        fx(() -> {
            robot.lookup("#infoplane-widths").queryAs(TextField.class).setText("10,5,2");
            return null;
        });
        assertThat(fx(() -> robot.lookup("#infoplane-validation").queryAs(Label.class).getText()))
                .contains("must start at 12");
        assertThat(fx(() -> robot.lookup("#infoplane-start").queryButton().isDisabled())).isTrue();
        fx(() -> {
            robot.lookup("#infoplane-widths").queryAs(TextField.class).setText("12,10,7,5,4,3,2");
            robot.lookup("#infoplane-bins").queryAs(TextField.class).setText("1");
            return null;
        });
        assertThat(fx(() -> robot.lookup("#infoplane-validation").queryAs(Label.class).getText()))
                .contains("bins must be at least 2");
    }

    @Test
    void aShortRunCompletesWithPointsForEveryLayer(FxRobot robot) throws Exception {
        fx(() -> {
            robot.lookup("#infoplane-epochs").queryAs(TextField.class).setText("30");
            robot.lookup("#infoplane-start").queryButton().fire();
            return null;
        });
        awaitTrue(() -> call(() -> view.result() != null && !view.isRunning()));
        InfoPlaneResult r = fx(view::result);
        assertThat(r.epochs()[r.last()]).isEqualTo(30);
        int layers = r.layers().size();
        assertThat(layers).isEqualTo(6);
        XYPlot plot = fx(() -> ((ChartFigure) view.planeView().figure()).chart().getXYPlot());
        XYDataset points = plot.getDataset(1);
        assertThat(points.getItemCount(0)).isEqualTo(r.epochs().length * layers);
        for (int l = 0; l < layers; l++) {
            assertThat(r.ixt()[r.last()][l]).isBetween(0.0, 12.0);
            assertThat(r.ity()[r.last()][l]).isBetween(0.0, 1.0);
        }
        assertThat(fx(() -> view.figures().size())).isEqualTo(4);
        // the run is in the session, with parameters a replay reads back to the same run
        assertThat(context.recorded()).singleElement().satisfies(e -> {
            assertThat(e.method()).isEqualTo("infoplane");
            assertThat(org.lamina.analysis.infoplane.InfoPlaneParameters.fromMap(e.parameters())).isEqualTo(r.parameters());
        });

        // Overlay: a second run is drawn with the first one.
        fx(() -> {
            robot.lookup("#infoplane-overlay").queryAs(javafx.scene.control.CheckBox.class).setSelected(true);
            robot.lookup("#infoplane-activation").queryComboBox().getSelectionModel()
                    .select(org.lamina.analysis.model.djl.Mlp.Kind.RELU);
            robot.lookup("#infoplane-estimator").queryComboBox().getSelectionModel().select("binsize");
            robot.lookup("#infoplane-epochs").queryAs(TextField.class).setText("10");
            robot.lookup("#infoplane-start").queryButton().fire();
            return null;
        });
        awaitTrue(() -> call(() -> view.result() != null && view.result() != r && !view.isRunning()));
        XYPlot overlaid = fx(() -> ((ChartFigure) view.planeView().figure()).chart().getXYPlot());
        assertThat(overlaid.getDatasetCount()).isEqualTo(4);
        assertThat(overlaid.getDataset(1).getItemCount(0)).isEqualTo(r.epochs().length * layers);
    }

    /**
     * Issue #22: the form carries the count-binning rule (IDNN by default), and ReLU switches an
     * untouched estimator to binning by size, as the CLI's default does; a chosen one stays.
     */
    @Test
    void theFormCarriesTheBinningRuleAndReluDefaultsToBinningBySize(FxRobot robot) throws Exception {
        assertThat(fx(view::parameters).binning()).isEqualTo(org.lamina.analysis.infoplane.CountBinning.IDNN);
        fx(() -> {
            robot.lookup("#infoplane-binning").queryComboBox().getSelectionModel()
                    .select(org.lamina.analysis.infoplane.CountBinning.CLAMP);
            robot.lookup("#infoplane-activation").queryComboBox().getSelectionModel()
                    .select(org.lamina.analysis.model.djl.Mlp.Kind.RELU);
            return null;
        });
        var p = fx(view::parameters);
        assertThat(p.binning()).isEqualTo(org.lamina.analysis.infoplane.CountBinning.CLAMP);
        assertThat(p.estimator()).isEqualTo("binsize");
        fx(() -> {
            robot.lookup("#infoplane-estimator").queryComboBox().getSelectionModel().select("kde");
            robot.lookup("#infoplane-activation").queryComboBox().getSelectionModel()
                    .select(org.lamina.analysis.model.djl.Mlp.Kind.TANH);
            return null;
        });
        assertThat(fx(view::parameters).estimator()).isEqualTo("kde");
    }

    @Test
    void imageDataPutsTheFormToSaxesSetup(FxRobot robot) throws Exception {
        fx(() -> {
            robot.lookup("#infoplane-data").queryComboBox().getSelectionModel().select("sample:fashion");
            return null;
        });
        var p = fx(view::parameters);
        assertThat(p.widths()).containsExactly(784, 1024, 20, 20, 20, 10);
        assertThat(p.estimator()).isEqualTo("kde");
        assertThat(p.data().source()).isEqualTo("sample:fashion");
        assertThat(p.data().miOn()).isEqualTo("test");
        assertThat(fx(() -> robot.lookup("#infoplane-train-fraction").queryAs(TextField.class).isDisabled())).isTrue();
        fx(() -> {
            robot.lookup("#infoplane-test-images").queryAs(TextField.class).setText("0");
            return null;
        });
        assertThat(fx(() -> robot.lookup("#infoplane-validation").queryAs(Label.class).getText()))
                .contains("needs test images");
        fx(() -> {
            robot.lookup("#infoplane-data").queryComboBox().getSelectionModel().select("ib");
            return null;
        });
        assertThat(fx(view::parameters)).isEqualTo(org.lamina.analysis.infoplane.InfoPlaneParameters.defaults());
    }

    @Test
    void aSessionEntryRestoresTheFormAndRunsAgain(FxRobot robot) throws Exception {
        var p = org.lamina.analysis.infoplane.InfoPlaneParameters.defaults().withEpochs(12)
                .withActivation(org.lamina.analysis.model.djl.Mlp.Kind.RELU).withEstimator("binsize").withRepeats(1, 7);
        var entry = new org.lamina.analysis.session.SessionDocument.AnalysisEntry("infoplane", "infoplane", p.toMap(),
                java.util.Map.of());
        fx(() -> {
            view.restore(entry);
            return null;
        });
        awaitTrue(() -> call(() -> view.result() != null && !view.isRunning()));
        assertThat(fx(view::result).parameters()).isEqualTo(p);
        assertThat(fx(view::parameters)).isEqualTo(p);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> fx(() -> {
            view.restore(new org.lamina.analysis.session.SessionDocument.AnalysisEntry("infoplane", "explorer",
                    java.util.Map.of(), java.util.Map.of()));
            return null;
        }))).hasMessageContaining("cannot restore 'explorer'");
    }

    @Test
    void stopCancelsTheRun(FxRobot robot) throws Exception {
        fx(() -> {
            robot.lookup("#infoplane-epochs").queryAs(TextField.class).setText("10000");
            robot.lookup("#infoplane-start").queryButton().fire();
            return null;
        });
        awaitTrue(() -> call(() -> view.loggedEpochs() >= 3));
        // The plane is drawn live, before the run ends.
        awaitTrue(() -> call(() -> view.planeView().figure() != null));
        assertThat(fx(view::isRunning)).isTrue();
        assertThat(fx(() -> robot.lookup("#infoplane-start").queryButton().getText())).isEqualTo("Stop");
        fx(() -> {
            robot.lookup("#infoplane-start").queryButton().fire();
            return null;
        });
        awaitTrue(() -> call(() -> !view.isRunning()));
        assertThat(fx(view::result)).isNull();
        assertThat(view.loggedEpochs()).isLessThan(400);
        assertThat(fx(() -> robot.lookup("#infoplane-status").queryAs(Label.class).getText())).startsWith("Stopped");
        assertThat(fx(() -> robot.lookup("#infoplane-start").queryButton().getText())).isEqualTo("Start");
    }

    private static boolean call(Callable<Boolean> c) {
        try {
            return fx(c);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitTrue(BooleanSupplier condition) throws Exception {
        FxWait.until(condition::getAsBoolean, WAIT_S);
    }

    private static <T> T fx(Callable<T> c) throws Exception {
        return FxWait.onFx(c, WAIT_S);
    }
}
