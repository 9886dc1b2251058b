package org.lamina.app.shell;

import javafx.application.Platform;
import javafx.concurrent.Task;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tab;
import javafx.scene.control.TreeItem;
import javafx.stage.Stage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.lamina.analysis.export.ExportFormat;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.job.AtomicOutput;
import org.lamina.analysis.job.JobHandle;
import org.lamina.analysis.job.JobRunner;
import org.lamina.analysis.job.JobState;
import org.lamina.analysis.session.SessionDocument;
import org.lamina.analysis.session.SessionFile;
import org.lamina.app.plugins.PluginLoader;
import org.lamina.app.plugins.PluginStatus;
import org.lamina.app.prefs.SettingsStore;
import org.lamina.plugins.api.FigureView;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;
import java.util.stream.Stream;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The workbench window, headless (Monocle), on the tiny CNN fixture. Waits are generous upper
 * bounds for "eventually", never timing assertions.
 */
@ExtendWith(ApplicationExtension.class)
class WorkbenchWindowTest {

    private static final long WAIT_S = 120;

    private WorkbenchWindow window;
    private JobRunner runner;
    private SettingsStore store;
    private Preferences prefs;

    @Start
    void start(Stage stage) {
        runner = new JobRunner(1);
        prefs = Preferences.userRoot().node("org/lamina/test/" + UUID.randomUUID());
        store = new SettingsStore(prefs);
        window = new WorkbenchWindow(stage, runner, store, PluginLoader.discover(), "sample:tiny-cnn");
        stage.show();
    }

    @AfterEach
    void close() throws Exception {
        fx(() -> {
            window.dispose();
            window.stage().close();
            return null;
        });
        runner.close();
        prefs.removeNode();
    }

    static <T> T fx(Callable<T> c) throws Exception {
        return WaitForAsyncUtils.asyncFx(c).get(WAIT_S, TimeUnit.SECONDS);
    }

    static void await(Callable<Boolean> condition) throws Exception {
        WaitForAsyncUtils.waitFor(WAIT_S, TimeUnit.SECONDS, () -> fx(condition));
    }

    private FigureView figure(FxRobot robot, String id) {
        return robot.lookup("#" + id).queryAs(FigureView.class);
    }

    /** Waits until the explorer shows maps for {@code point} and no job is left. */
    private void awaitExplorer(FxRobot robot, String point) throws Exception {
        await(() -> {
            Figure f = figure(robot, "explorer-maps").figure();
            return f != null && f.title().startsWith(point + ":") && window.jobs().activeJobs() == 0;
        });
    }

    @Test
    void opensWithTheSampleModelAndItsProbePointTree(FxRobot robot) throws Exception {
        await(() -> window.context().modelProperty().get() != null);
        assertThat(fx(() -> window.context().modelProperty().get().name())).isEqualTo("tiny-cnn");
        List<String> tree = fx(() -> robot.lookup("#probe-points").queryAs(javafx.scene.control.TreeView.class)
                .getRoot().getChildren().stream().map(i -> String.valueOf(((TreeItem<?>) i).getValue())).toList());
        assertThat(tree).hasSize(8).first().isEqualTo("conv1  [8, 28, 28]");
        assertThat(tree).contains("relu2  [16, 14, 14]", "fc  [10]");
        assertThat(fx(() -> robot.lookup("#status-device").queryAs(Label.class).getText())).isEqualTo("device: CPU");
        awaitExplorer(robot, "conv1");
        assertThat(fx(() -> figure(robot, "explorer-top5").figure().data().rows().size())).isEqualTo(5);
        assertThat(fx(() -> figure(robot, "explorer-saliency").figure().title())).startsWith("Saliency of");
    }

    @Test
    void aModelOpensWithItsOwnDataSetSelected(FxRobot robot) throws Exception {
        await(() -> window.context().modelProperty().get() != null && window.context().dataSets().size() >= 2
                && window.jobs().activeJobs() == 0);
        fx(() -> {
            window.openModel("sample:mnist-cnn");
            return null;
        });
        await(() -> window.context().modelProperty().get().name().equals("mnist-cnn") && window.jobs().activeJobs() == 0);
        @SuppressWarnings("unchecked")
        javafx.scene.control.ComboBox<org.lamina.plugins.api.LoadedDataset> box =
                robot.lookup("#data-sets").queryAs(javafx.scene.control.ComboBox.class);
        await(() -> box.getValue() != null && box.getValue().reference().equals("sample:mnist-test"));
        fx(() -> {
            window.openModel("sample:fashion-cnn");
            return null;
        });
        await(() -> box.getValue() != null && box.getValue().reference().equals("sample:fashion-test"));
    }

    /**
     * Issue #20: a feature store opens under the data list with its manifest's summary; an SQL
     * condition filters its rows (a bad one is named in the pane, nothing else changes); a row
     * shows its image from the store's own data set.
     */
    @Test
    void aFeatureStoreOpensInTheDataListAndFiltersWithSql(FxRobot robot, @TempDir Path dir) throws Exception {
        await(() -> window.context().modelProperty().get() != null && window.jobs().activeJobs() == 0);
        org.lamina.analysis.data.Dataset test = org.lamina.analysis.data.SampleData.open("sample:fashion-test",
                new long[] {1, 28, 28});
        Path storeDir = dir.resolve("features");
        int n = 60;
        int[] items = java.util.stream.IntStream.range(0, n).toArray();
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        try (var w = org.lamina.analysis.featurestore.FeatureStoreWriter.create(storeDir,
                List.of(new org.lamina.analysis.featurestore.StoreManifest.PointColumn("fc", new long[] {1}, "none", 1)),
                false)) {
            w.write(new org.lamina.analysis.featurestore.FeatureChunk(items,
                    java.util.stream.IntStream.of(items).map(test::label).toArray(),
                    java.util.stream.IntStream.of(items).mapToObj(test::describeItem).toArray(String[]::new),
                    new int[] {1}, List.of(v)));
            w.commit("Lamina test", new org.lamina.analysis.featurestore.StoreManifest.ModelInfo("tiny-cnn", "",
                    "ab".repeat(32), "cd".repeat(32)), new org.lamina.analysis.featurestore.StoreManifest.DataInfo(
                    "sample:fashion-test", test.name(), test.contentIdentity(), test.size(), test.classNames()),
                    "none", "cpu", java.util.Map.of());
        }
        int dataSets = fx(() -> window.context().dataSets().size());
        fx(() -> {
            window.openFeatureStore(storeDir);
            return null;
        });
        await(() -> robot.lookup("#feature-store").query().isVisible() && window.jobs().activeJobs() == 0);
        String summary = fx(() -> robot.lookup("#store-summary").queryAs(Label.class).getText());
        assertThat(summary).contains("tiny-cnn on " + test.name() + ": 60 of 2,000 items").contains("none: fc [1]");
        assertThat(fx(() -> robot.lookup("#store-status").queryAs(Label.class).getText())).isEqualTo("60 of 60 rows");
        // The store's data set is the bundled one already in the list: not opened twice.
        assertThat(fx(() -> window.context().dataSets().size())).isEqualTo(dataSets);

        long coats = java.util.stream.IntStream.of(items).filter(i -> test.label(i) == 4 && i >= 10).count();
        fx(() -> {
            window.filterFeatureStore("label = 4 AND \"fc\"[1] >= 10");
            return null;
        });
        await(() -> window.jobs().activeJobs() == 0
                && robot.lookup("#store-status").queryAs(Label.class).getText().contains("match"));
        assertThat(fx(() -> robot.lookup("#store-status").queryAs(Label.class).getText()))
                .isEqualTo(coats + " of 60 rows match");
        @SuppressWarnings("unchecked")
        javafx.scene.control.ListView<Integer> rows = robot.lookup("#store-rows").queryAs(javafx.scene.control.ListView.class);
        assertThat(fx(() -> rows.getItems().size())).isEqualTo((int) coats);
        int first = java.util.stream.IntStream.of(items).filter(i -> test.label(i) == 4 && i >= 10).findFirst().orElseThrow();
        fx(() -> {
            rows.getSelectionModel().select(0);
            return null;
        });
        await(() -> window.context().selectedImageProperty().get() != null
                && window.context().selectedImageProperty().get().index() == first);
        assertThat(fx(() -> window.context().selectedImageProperty().get().dataset().reference()))
                .isEqualTo("sample:fashion-test");

        fx(() -> {
            window.filterFeatureStore("lable = 4");
            return null;
        });
        await(() -> window.jobs().activeJobs() == 0
                && robot.lookup("#store-status").queryAs(Label.class).getText().contains("lable"));
        assertThat(fx(() -> robot.lookup("#store-status").queryAs(Label.class).getText()))
                .contains(storeDir.toString()).contains("filter 'lable = 4'");
        assertThat(fx(() -> rows.getItems().size())).isEqualTo((int) coats);

        // A session keeps the open store and its condition, and opening it brings both back.
        fx(() -> {
            window.filterFeatureStore("label = 4 AND \"fc\"[1] >= 10");
            return null;
        });
        await(() -> window.jobs().activeJobs() == 0
                && robot.lookup("#store-status").queryAs(Label.class).getText().equals(coats + " of 60 rows match"));
        Path session = dir.resolve("with-store" + SessionFile.SUFFIX);
        fx(() -> {
            window.saveSession(session);
            return null;
        });
        await(() -> Files.exists(session) && window.jobs().activeJobs() == 0);
        SessionDocument saved = SessionFile.read(session);
        assertThat(saved.featureStore()).isEqualTo(new SessionDocument.FeatureStoreView(storeDir.toString(),
                "label = 4 AND \"fc\"[1] >= 10"));
        fx(() -> {
            window.filterFeatureStore("label = 0");
            return null;
        });
        await(() -> window.jobs().activeJobs() == 0
                && !robot.lookup("#store-status").queryAs(Label.class).getText().equals(coats + " of 60 rows match"));
        fx(() -> {
            window.openSession(session);
            return null;
        });
        await(() -> window.jobs().activeJobs() == 0
                && robot.lookup("#store-status").queryAs(Label.class).getText().equals(coats + " of 60 rows match"));
        assertThat(fx(() -> robot.lookup("#store-filter").queryAs(javafx.scene.control.TextField.class).getText()))
                .isEqualTo("label = 4 AND \"fc\"[1] >= 10");
    }

    @Test
    void selectingAProbePointInTheTreeUpdatesTheExplorer(FxRobot robot) throws Exception {
        awaitExplorer(robot, "conv1");
        robot.clickOn(robot.lookup(".tree-cell").lookup((javafx.scene.control.TreeCell<?> c) ->
                "relu2  [16, 14, 14]".equals(c.getText())).queryAs(javafx.scene.control.TreeCell.class));
        awaitExplorer(robot, "relu2");
        assertThat(fx(() -> robot.lookup("#explorer-point").queryAs(ComboBox.class).getValue())).isEqualTo("relu2");
        assertThat(fx(() -> figure(robot, "explorer-maps").figure().title())).isEqualTo("relu2: 16 channels");
        assertThat(fx(() -> figure(robot, "explorer-histogram").figure().title())).isEqualTo("Activation histogram");
    }

    @Test
    void brokenPluginsAreListedAsFailedAndTheShellKeepsWorking(FxRobot robot) throws Exception {
        List<PluginStatus> plugins = window.plugins();
        assertThat(plugins).filteredOn(p -> p.id().equals("broken-view")).singleElement()
                .satisfies(p -> assertThat(p.error()).startsWith("createView failed")
                        .contains("view needs a model with attention heads"));
        assertThat(plugins).filteredOn(PluginStatus::failed).hasSize(4);
        List<String> tabs = fx(() -> window.tabs().getTabs().stream().map(Tab::getText).toList());
        assertThat(tabs).contains("Model explorer", "Broken view (failed)", "From the future (failed)");
        assertThat(fx(() -> window.jobs().logArea().getText())).contains("plugin broken-view failed");
        awaitExplorer(robot, "conv1");
    }

    @Test
    void theFxThreadKeepsProcessingEventsWhileALongJobRuns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        JobHandle<String> job = fx(() -> window.jobs().submit("long job", p -> {
            started.countDown();
            while (!release.await(10, TimeUnit.MILLISECONDS)) {
                p.checkCancelled();
            }
            return "done";
        }, null));
        assertThat(started.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
        CountDownLatch processed = new CountDownLatch(3);
        for (int i = 0; i < 3; i++) {
            Platform.runLater(processed::countDown);
        }
        assertThat(processed.await(WAIT_S, TimeUnit.SECONDS)).as("queued FX events ran").isTrue();
        assertThat(job.state()).as("while the job was still running").isEqualTo(JobState.RUNNING);
        release.countDown();
        assertThat(job.result().get(WAIT_S, TimeUnit.SECONDS)).isEqualTo("done");
    }

    @Test
    void aJobCancelledFromTheJobAreaLeavesNoPartialOutput(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("big.csv");
        CountDownLatch halfway = new CountDownLatch(1);
        JobHandle<Path> job = fx(() -> window.jobs().submit("write big.csv", p -> AtomicOutput.write(target, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                p.begin(1_000_000);
                for (int i = 0; ; i++) {
                    p.checkCancelled();
                    out.write(("row," + i + "\n").getBytes(StandardCharsets.US_ASCII));
                    p.advance(1);
                    if (i == 100) {
                        halfway.countDown();
                    }
                }
            }
        }), null));
        assertThat(halfway.await(WAIT_S, TimeUnit.SECONDS)).isTrue();
        // What the cancel button of the task progress view does: cancel the task it shows.
        await(() -> window.jobs().progressView().getTasks().stream().anyMatch(t -> t.getTitle().equals("write big.csv")));
        fx(() -> {
            Task<?> task = window.jobs().progressView().getTasks().stream()
                    .filter(t -> t.getTitle().equals("write big.csv")).findFirst().orElseThrow();
            return task.cancel();
        });
        assertThatThrownBy(() -> job.result().get(WAIT_S, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
        assertThat(job.state()).isEqualTo(JobState.CANCELLED);
        assertThat(target).doesNotExist();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.toList()).as("no temporary file left either").isEmpty();
        }
        await(() -> window.jobs().progressView().getTasks().stream().noneMatch(t -> t.getTitle().equals("write big.csv")));
    }

    @Test
    void exportWritesValidPngSvgPdfAndCsv(FxRobot robot, @TempDir Path dir) throws Exception {
        awaitExplorer(robot, "conv1");
        Figure maps = fx(() -> figure(robot, "explorer-maps").figure());
        Figure top5 = fx(() -> figure(robot, "explorer-top5").figure());
        fx(() -> {
            window.context().export().export(maps, dir.resolve("maps.png"), ExportFormat.PNG);
            window.context().export().export(top5, dir.resolve("top5.svg"), ExportFormat.SVG);
            window.context().export().export(top5, dir.resolve("top5.pdf"), ExportFormat.PDF);
            window.context().export().export(top5, dir.resolve("top5.csv"), ExportFormat.CSV);
            return null;
        });
        await(() -> window.jobs().activeJobs() == 0 && Files.exists(dir.resolve("top5.csv")));
        assertThat(ImageIO.read(dir.resolve("maps.png").toFile()).getWidth()).isGreaterThan(900);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        assertThat(f.newDocumentBuilder().parse(dir.resolve("top5.svg").toFile()).getDocumentElement().getTagName())
                .isEqualTo("svg");
        assertThat(new String(Files.readAllBytes(dir.resolve("top5.pdf")), 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
        assertThat(Files.readAllLines(dir.resolve("top5.csv"))).hasSize(6).first().isEqualTo("rank,class,label,probability");
    }

    @Test
    void aSavedSessionOpensBackToTheSameExplorerState(FxRobot robot, @TempDir Path dir) throws Exception {
        awaitExplorer(robot, "conv1");
        fx(() -> {
            window.selectImage(5);
            window.selectProbePoint("relu2");
            return null;
        });
        await(() -> robot.lookup("#explorer-image").queryAs(Label.class).getText().contains("#5"));
        awaitExplorer(robot, "relu2");
        Path file = dir.resolve("s" + SessionFile.SUFFIX);
        fx(() -> {
            window.saveSession(file);
            return null;
        });
        await(() -> Files.exists(file) && window.jobs().activeJobs() == 0);
        SessionDocument saved = SessionFile.read(file);
        assertThat(saved.model().path()).isEqualTo("sample:tiny-cnn");
        assertThat(saved.model().weightsSha256()).hasSize(64);
        assertThat(saved.model().manifestSha256()).hasSize(64);
        assertThat(saved.analyses()).singleElement().satisfies(e -> {
            assertThat(e.plugin()).isEqualTo("explorer");
            assertThat(e.parameters()).containsEntry("index", 5).containsEntry("probePoint", "relu2");
        });

        fx(() -> {
            window.selectImage(7);
            window.selectProbePoint("conv1");
            return null;
        });
        await(() -> robot.lookup("#explorer-image").queryAs(Label.class).getText().contains("#7"));
        awaitExplorer(robot, "conv1");

        fx(() -> {
            window.openSession(file);
            return null;
        });
        await(() -> robot.lookup("#explorer-image").queryAs(Label.class).getText().contains("#5"));
        awaitExplorer(robot, "relu2");
        assertThat(fx(() -> window.currentSession().analyses())).isEqualTo(saved.analyses());
    }

    @Test
    void aCorruptSessionIsRefusedAndNothingChanges(FxRobot robot, @TempDir Path dir) throws Exception {
        awaitExplorer(robot, "conv1");
        Object modelBefore = fx(() -> window.context().modelProperty().get());
        Path bad = Files.writeString(dir.resolve("bad" + SessionFile.SUFFIX), "{\"formatVersion\": 1, \"model\": {\"path\": ");
        Path newer = Files.writeString(dir.resolve("newer" + SessionFile.SUFFIX),
                "{\"formatVersion\": 7, \"model\": {\"path\": \"sample:tiny-cnn\"}}");
        fx(() -> {
            window.openSession(bad);
            window.openSession(newer);
            return null;
        });
        await(() -> window.jobs().activeJobs() == 0 && window.jobs().logArea().getText().contains("newer Lamina"));
        assertThat(fx(() -> window.jobs().logArea().getText())).contains("corrupt JSON");
        assertThat(fx(() -> window.context().modelProperty().get())).isSameAs(modelBefore);
    }

    /** Open session goes through the replay's checks: a mistyped parameter or a session without hashes changes nothing. */
    @Test
    void openSessionRefusesWhatReplayRefuses(FxRobot robot, @TempDir Path dir) throws Exception {
        awaitExplorer(robot, "conv1");
        Object modelBefore = fx(() -> window.context().modelProperty().get());
        java.util.Map<String, Object> p = new java.util.LinkedHashMap<>(
                org.lamina.analysis.explorer.ExplorerParameters.ofDataSet("sample:fashion-test", 12, "relu2", -1).toMap());
        p.put("index", "12");
        Path mistyped = SessionFile.write(dir.resolve("mistyped" + SessionFile.SUFFIX), new SessionDocument(1, "2026-01-01T00:00:00Z",
                SessionDocument.ModelReference.of("sample:tiny-cnn"), "sample:fashion-test", 42, java.util.Map.of(),
                java.util.List.of(new SessionDocument.AnalysisEntry("explorer", "explorer", p, java.util.Map.of()))));
        Path noHashes = SessionFile.write(dir.resolve("old" + SessionFile.SUFFIX), new SessionDocument(1, "2026-01-01T00:00:00Z",
                new SessionDocument.ModelReference("sample:tiny-cnn", "tiny-cnn", null), "sample:fashion-test", 42,
                java.util.Map.of(), java.util.List.of()));
        fx(() -> {
            window.openSession(mistyped);
            window.openSession(noHashes);
            return null;
        });
        await(() -> window.jobs().activeJobs() == 0 && window.jobs().logArea().getText().contains("records no SHA-256"));
        assertThat(fx(() -> window.jobs().logArea().getText())).contains("mistyped").contains("session entry 1 of 1")
                .contains("'index'");
        assertThat(fx(() -> window.context().modelProperty().get())).isSameAs(modelBefore);
    }

    @Test
    void preferencesAndRecentModelsPersist() {
        var s = new org.lamina.plugins.api.WorkbenchSettings(org.lamina.analysis.model.ModelRuntime.DeviceChoice.CPU,
                128, ExportFormat.SVG, 600, 17.8, 7);
        store.save(s);
        SettingsStore again = new SettingsStore(prefs);
        assertThat(again.settings()).isEqualTo(s);
        assertThat(again.recentModels()).containsExactly("sample:tiny-cnn");
        prefs.put("dpi", "not a number");
        prefs.putInt("dpi", 5);
        assertThat(again.settings()).as("an invalid stored value falls back to the defaults")
                .isEqualTo(org.lamina.plugins.api.WorkbenchSettings.defaults());
    }

    @Test
    void droppedImagesAndModelDirectoriesOpen(FxRobot robot, @TempDir Path dir) throws Exception {
        awaitExplorer(robot, "conv1");
        Path png = dir.resolve("my-shirt.png");
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(40, 40, java.awt.image.BufferedImage.TYPE_INT_RGB);
        img.setRGB(20, 20, 0xffffff);
        ImageIO.write(img, "png", png.toFile());
        assertThat(fx(() -> window.openDropped(png))).isTrue();
        await(() -> robot.lookup("#explorer-image").queryAs(Label.class).getText().equals("my-shirt.png")
                && window.jobs().activeJobs() == 0);
        assertThat(fx(() -> figure(robot, "explorer-saliency").figure().data().rows().size())).isEqualTo(28 * 28);

        Path vit = org.lamina.analysis.model.ModelLocator.resolve("sample:tiny-vit");
        assertThat(fx(() -> window.openDropped(vit))).isTrue();
        await(() -> window.context().modelProperty().get() != null
                && window.context().modelProperty().get().name().equals("tiny-vit") && window.jobs().activeJobs() == 0);
        assertThat(fx(() -> robot.lookup("#explorer-point").queryAs(ComboBox.class).getItems()))
                .contains("blocks.0.attn.probs", "blocks.1");
        assertThat(fx(() -> window.openDropped(dir.resolve("notes.txt")))).isFalse();
    }

    @Test
    void theWindowRemembersItsSizeAndSplits() throws Exception {
        fx(() -> {
            window.stage().setWidth(1111);
            window.stage().setHeight(777);
            return null;
        });
        await(() -> window.scene().getWidth() < 1200);
        double sceneWidth = fx(() -> window.scene().getWidth());
        fx(() -> {
            window.stage().hide();
            return null;
        });
        assertThat(store.layout("window.width", -1)).isEqualTo(sceneWidth);
        assertThat(store.layout("split.browser", -1)).isBetween(0.0, 1.0);
        assertThat(store.layout("split.jobs", -1)).isBetween(0.0, 1.0);
    }

    @Test
    void rightClickOnAFigureOffersExportAndCopy(FxRobot robot) throws Exception {
        awaitExplorer(robot, "conv1");
        // Monocle's headless robot makes no context-menu event from a right click: fire the event
        // a right click makes on a desktop.
        fx(() -> {
            FigureView v = figure(robot, "explorer-maps");
            javafx.geometry.Point2D p = v.localToScreen(20, 20);
            javafx.event.Event.fireEvent(v, new javafx.scene.input.ContextMenuEvent(
                    javafx.scene.input.ContextMenuEvent.CONTEXT_MENU_REQUESTED, 20, 20, p.getX(), p.getY(), false, null));
            return null;
        });
        await(() -> javafx.stage.Window.getWindows().stream()
                .anyMatch(w -> w instanceof javafx.scene.control.ContextMenu m && m.isShowing()));
        List<String> items = fx(() -> javafx.stage.Window.getWindows().stream()
                .filter(w -> w instanceof javafx.scene.control.ContextMenu m && m.isShowing())
                .flatMap(w -> ((javafx.scene.control.ContextMenu) w).getItems().stream())
                .map(javafx.scene.control.MenuItem::getText).toList());
        assertThat(items).containsExactly("Export figure…", "Copy to clipboard");
        fx(() -> {
            javafx.stage.Window.getWindows().stream()
                    .filter(w -> w instanceof javafx.scene.control.ContextMenu m && m.isShowing())
                    .flatMap(w -> ((javafx.scene.control.ContextMenu) w).getItems().stream())
                    .filter(i -> i.getText().equals("Copy to clipboard")).findFirst().orElseThrow().fire();
            return null;
        });
        await(() -> window.jobs().logArea().getText().contains("copied conv1: 8 channels to the clipboard"));
        assertThat(fx(() -> javafx.scene.input.Clipboard.getSystemClipboard().hasImage())).isTrue();
    }
}
