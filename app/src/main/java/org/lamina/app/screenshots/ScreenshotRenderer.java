package org.lamina.app.screenshots;

import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.SnapshotParameters;
import javafx.scene.control.Tab;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;

import org.lamina.analysis.job.JobRunner;
import org.lamina.app.plugins.PluginLoader;
import org.lamina.app.plugins.PluginStatus;
import org.lamina.app.prefs.SettingsStore;
import org.lamina.app.shell.WorkbenchWindow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;

import javax.imageio.ImageIO;

/**
 * Renders screenshots without a display: sets the Monocle headless flags (before JavaFX starts),
 * opens the workbench on a model, waits until no job is running, then snapshots the window and
 * each panel.
 */
public final class ScreenshotRenderer {

    /**
     * Set while rendering the first pass: panels that have a demo state of their own (the
     * information plane's short tanh run) start it when their view is created.
     */
    public static final String DEMO_PROPERTY = "lamina.screenshots";

    /** Set while rendering the language-model pass: panels that take an LM (concept depth) start their demo. */
    public static final String LM_DEMO_PROPERTY = "lamina.screenshots.lm";

    /** Set while rendering the ViT pass: ViT-only panels (neuron paths) start their demo there. */
    public static final String VIT_DEMO_PROPERTY = "lamina.screenshots.vit";

    /** Panels whose content does not depend on the model: rendered in the first pass only. */
    private static final java.util.Set<String> MODEL_INDEPENDENT = java.util.Set.of("infoplane");

    /**
     * Longest wait for the window's jobs to finish, per step (300 s; {@code -Dlamina.screenshots.timeout=S}
     * for a slow or busy machine).
     */
    private static final long IDLE_TIMEOUT_SECONDS = Long.getLong("lamina.screenshots.timeout", 300);

    private ScreenshotRenderer() {
    }

    /** The system properties that make JavaFX render headless (STACK.md). */
    public static void useHeadlessMonocle() {
        System.setProperty("glass.platform", "Monocle");
        System.setProperty("monocle.platform", "Headless");
        // The headless screen is 1280x800 by default; a larger window overflows its pixel buffer.
        System.setProperty("headless.geometry", "1920x1200-32");
        System.setProperty("prism.order", "sw");
        System.setProperty("prism.text", "t2k");
        System.setProperty("java.awt.headless", "true");
        System.setProperty("lamina.headless", "true");
    }

    /**
     * Writes {@code window.png} and {@code panel-ID.png} per panel into {@code out}; returns the files.
     *
     * @param model      model to show ({@code sample:NAME} or a directory)
     * @param imageIndex data-set item to explore
     * @param probePoint probe point to select, or {@code null} for each panel's default
     * @param suffix     appended to the file names (e.g. {@code -vit} for a second model), may be empty
     * @param window     whether to write the window too (or only the panels)
     */
    public static List<Path> render(Path out, String model, int imageIndex, String probePoint, String suffix,
                                    boolean window) throws Exception {
        return render(out, model, imageIndex, probePoint, suffix, window, null);
    }

    /**
     * As {@link #render(Path, String, int, String, String, boolean)}, with only the panels whose id
     * is in {@code panels} ({@code null}: every panel), e.g. the panels that take a language model.
     */
    public static List<Path> render(Path out, String model, int imageIndex, String probePoint, String suffix,
                                    boolean window, java.util.Set<String> panels) throws Exception {
        useHeadlessMonocle();
        org.lamina.app.shell.WorkbenchApp.quietJavaFxClassPathWarning();
        Files.createDirectories(out);
        CountDownLatch started = new CountDownLatch(1);
        try {
            Platform.startup(started::countDown);
        } catch (IllegalStateException alreadyRunning) {
            started.countDown();
        }
        started.await();
        Platform.setImplicitExit(false);
        JobRunner runner = new JobRunner(1);
        // A throw-away preferences node: screenshots must not depend on (or change) the user's.
        Preferences prefs = Preferences.userRoot().node("org/lamina/screenshots");
        SettingsStore store = new SettingsStore(prefs);
        store.clear();
        List<Path> written = new ArrayList<>();
        boolean firstPass = suffix.isEmpty();
        if (firstPass) {
            System.setProperty(DEMO_PROPERTY, "true");
        } else if (panels != null && "-lm".equals(suffix)) {
            System.setProperty(LM_DEMO_PROPERTY, "true");
        } else {
            System.setProperty(VIT_DEMO_PROPERTY, "true");
        }
        try {
            WorkbenchWindow w = onFx(() -> {
                Stage stage = new Stage();
                WorkbenchWindow win = new WorkbenchWindow(stage, runner, store, PluginLoader.discover(), model);
                stage.setWidth(WorkbenchWindow.DEFAULT_WIDTH);
                stage.setHeight(WorkbenchWindow.DEFAULT_HEIGHT);
                stage.show();
                return win;
            });
            waitIdle(w);
            onFx(() -> {
                w.selectImage(imageIndex);
                if (probePoint != null) {
                    w.selectProbePoint(probePoint);
                }
                return null;
            });
            waitIdle(w);
            if (window) {
                written.add(snapshot(w.scene().getRoot(), out.resolve("window" + suffix + ".png")));
            }
            for (PluginStatus p : w.plugins()) {
                if (p.failed() || (!firstPass && MODEL_INDEPENDENT.contains(p.id()))
                        || (panels != null && !panels.contains(p.id()))) {
                    continue;
                }
                onFx(() -> {
                    for (Tab t : w.tabs().getTabs()) {
                        if (t.getId().equals("tab-" + p.id())) {
                            w.tabs().getSelectionModel().select(t);
                        }
                    }
                    return null;
                });
                waitIdle(w);
                written.add(snapshot(w.views().get(p.id()).node(), out.resolve("panel-" + p.id() + suffix + ".png")));
            }
            if (firstPass && window) {
                written.add(storeShot(w, model, out));
            }
            onFx(() -> {
                w.dispose();
                w.stage().close();
                return null;
            });
        } finally {
            System.clearProperty(DEMO_PROPERTY);
            System.clearProperty(VIT_DEMO_PROPERTY);
            System.clearProperty(LM_DEMO_PROPERTY);
            runner.close();
            store.clear();
        }
        return written;
    }

    /**
     * {@code data-store.png}: the data list with a feature store open (issue #20) — a store of the
     * model's spatial-mean features over the first 500 items of its test set, filtered to one class
     * with SQL — shown beside the window's own browser.
     */
    private static Path storeShot(WorkbenchWindow w, String model, Path out) throws Exception {
        Path dir = Files.createTempDirectory("lamina-store-shot");
        try {
            try (org.lamina.analysis.model.ProbeableModel m = org.lamina.analysis.model.ModelLoader.open(model,
                    org.lamina.analysis.model.ModelRuntime.DeviceChoice.CPU)) {
                var mf = m.manifest();
                String ref = org.lamina.analysis.data.ModelDataSets.testOr(null, mf, "--data");
                var data = org.lamina.analysis.data.SampleData.open(ref, mf.input(), mf.labels(), null);
                List<String> points = org.lamina.analysis.conceptdepth.FeatureExtractor.resolvePoints(mf, "layers");
                String reduce = org.lamina.analysis.conceptdepth.PooledFeatureStore.defaultReduction(mf, points);
                var pooling = org.lamina.analysis.conceptdepth.PooledFeatureStore.pooling(reduce, mf, points);
                Path store = dir.resolve("fashion-test-features");
                try (var writer = org.lamina.analysis.featurestore.FeatureStoreWriter.create(store,
                        org.lamina.analysis.conceptdepth.PooledFeatureStore.columns(mf, points, pooling), false)) {
                    int[] items = java.util.stream.IntStream.range(0, Math.min(500, data.size())).toArray();
                    org.lamina.analysis.featurestore.StoreExtraction.run(
                            org.lamina.analysis.conceptdepth.PooledFeatureStore.source(m, data, points, pooling), items,
                            250, writer, org.lamina.analysis.job.ProgressSink.none());
                    writer.commit("Lamina screenshots", org.lamina.analysis.conceptdepth.PooledFeatureStore.modelInfo(m),
                            new org.lamina.analysis.featurestore.StoreManifest.DataInfo(ref, data.name(),
                                    data.contentIdentity(), data.size(), data.classNames()),
                            reduce, m.device().toString(),
                            java.util.Map.of());
                }
                onFx(() -> {
                    w.openFeatureStore(store);
                    return null;
                });
                waitIdle(w);
                onFx(() -> {
                    w.filterFeatureStore("label = 4 AND item_id < 400");
                    return null;
                });
                waitIdle(w);
            }
            return snapshot(w.browserNode(), out.resolve("data-store.png"));
        } finally {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static Path snapshot(Node node, Path file) throws Exception {
        WritableImage img = onFx(() -> node.snapshot(new SnapshotParameters(), null));
        ImageIO.write(SwingFXUtils.fromFXImage(img, null), "png", file.toFile());
        return file;
    }

    /** Waits until the window has no job left (and two pulses have passed, so results are drawn). */
    static void waitIdle(WorkbenchWindow w) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(IDLE_TIMEOUT_SECONDS);
        int quiet = 0;
        while (quiet < 3) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("jobs still running after " + IDLE_TIMEOUT_SECONDS + " s");
            }
            Thread.sleep(100);
            boolean idle = onFx(() -> w.jobs().activeJobs() == 0);
            quiet = idle ? quiet + 1 : 0;
        }
    }

    static <T> T onFx(Callable<T> c) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(c.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(IDLE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
