package org.lamina.app.shell;

import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.geometry.Orientation;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Dragboard;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.util.Duration;

import org.controlsfx.control.StatusBar;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.DatasetReference;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.export.FigureExporter;
import org.lamina.analysis.job.JobRunner;
import org.lamina.analysis.model.ManifestReader;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelLocator;
import org.lamina.analysis.model.ModelManifest;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.provenance.Sha256;
import org.lamina.analysis.session.PortablePath;
import org.lamina.analysis.session.SessionDocument;
import org.lamina.analysis.session.SessionException;
import org.lamina.analysis.session.SessionFile;
import org.lamina.analysis.session.SessionReplay;
import org.lamina.app.plugins.PluginStatus;
import org.lamina.app.prefs.SettingsStore;
import org.lamina.plugins.api.ImageSelection;
import org.lamina.plugins.api.LoadedDataset;
import org.lamina.plugins.api.LoadedModel;
import org.lamina.plugins.api.PluginView;
import org.lamina.plugins.api.WorkbenchSettings;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The main window: menu and tool bar, the model and data browser on the left, one tab per panel
 * in the centre, jobs and log at the bottom, engine, device and memory in the status bar.
 */
public final class WorkbenchWindow {

    /** Default window size. */
    public static final double DEFAULT_WIDTH = 1400;
    public static final double DEFAULT_HEIGHT = 900;

    private final Stage stage;
    private final SettingsStore store;
    private final ShellContext context;
    private final JobArea jobs;
    private final ModelBrowser browser;
    private final TabPane tabs = new TabPane();
    private final Map<String, PluginView> views = new LinkedHashMap<>();
    private final List<PluginStatus> plugins = new ArrayList<>();
    private final StatusBar statusBar = new StatusBar();
    private final Label deviceLabel = new Label();
    private final Label memoryLabel = new Label();
    private final Menu recentMenu = new Menu("Open recent");
    private final SplitPane vertical;
    private final SplitPane horizontal;
    private final Scene scene;

    /**
     * Builds the window on {@code stage} (JavaFX thread) and starts opening {@code initialModel}
     * ({@code null}: the last model, else the default sample).
     */
    public WorkbenchWindow(Stage stage, JobRunner runner, SettingsStore store, List<PluginStatus> discovered,
                           String initialModel) {
        this.stage = stage;
        this.store = store;
        this.jobs = new JobArea(runner);
        this.context = new ShellContext(jobs, store.settings());
        this.browser = new ModelBrowser(context, ModelLocator.sampleNames(), this::openModel);

        tabs.setId("panels");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        for (PluginStatus p : discovered) {
            plugins.add(addPanel(p));
        }

        horizontal = new SplitPane(browser.node(), tabs);
        horizontal.setDividerPositions(store.layout("split.browser", 0.2));
        SplitPane.setResizableWithParent(browser.node(), false);
        vertical = new SplitPane(horizontal, jobs.node());
        vertical.setOrientation(Orientation.VERTICAL);
        vertical.setDividerPositions(store.layout("split.jobs", 0.8));

        BorderPane root = new BorderPane();
        root.setTop(new VBox(menuBar(), toolBar()));
        root.setCenter(vertical);
        statusBar.setText("starting the engine…");
        deviceLabel.setId("status-device");
        memoryLabel.setId("status-memory");
        statusBar.getRightItems().addAll(deviceLabel, new Label("   "), memoryLabel);
        root.setBottom(statusBar);

        scene = new Scene(root, store.layout("window.width", DEFAULT_WIDTH), store.layout("window.height", DEFAULT_HEIGHT));
        installDragAndDrop();
        stage.setScene(scene);
        stage.setTitle("Lamina");
        double x = store.layout("window.x", Double.NaN);
        double y = store.layout("window.y", Double.NaN);
        if (!Double.isNaN(x) && !Double.isNaN(y)) {
            stage.setX(x);
            stage.setY(y);
        }
        stage.setMaximized(store.layout("window.maximized", 0) > 0);
        stage.setOnHiding(e -> saveLayout());

        Timeline memory = new Timeline(new KeyFrame(Duration.seconds(2), e -> updateMemory()));
        memory.setCycleCount(Timeline.INDEFINITE);
        memory.play();
        updateMemory();
        refreshRecent();

        jobs.submit("Start engine", p -> ModelRuntime.versions(), v -> statusBar.setText(v));
        loadBundledDataSets();
        String model = initialModel != null ? initialModel : defaultModel(store);
        if (model != null) {
            openModel(model);
        } else {
            jobs.log("no model found: open a model directory (File → Open model directory…)");
        }
    }

    // ---- accessors (tests, screenshots) ----

    public Stage stage() {
        return stage;
    }

    public Scene scene() {
        return scene;
    }

    public ShellContext context() {
        return context;
    }

    public JobArea jobs() {
        return jobs;
    }

    /** Plugins as discovered and loaded, failed ones with their reason. */
    public List<PluginStatus> plugins() {
        return List.copyOf(plugins);
    }

    /** Views of the loaded panels by plugin id. */
    public Map<String, PluginView> views() {
        return Map.copyOf(views);
    }

    public TabPane tabs() {
        return tabs;
    }

    /** The model and data browser on the left (screenshots of the data list). */
    public javafx.scene.Node browserNode() {
        return browser.node();
    }

    /** Selects a probe point in the browser's tree, as a click does. */
    public void selectProbePoint(String point) {
        context.selectedProbePoint.set(point);
    }

    /** Selects item {@code index} of the first data set, as a click in the browser does. */
    public void selectImage(int index) {
        browser.selectImage(index);
    }

    // ---- panels ----

    private PluginStatus addPanel(PluginStatus p) {
        Tab tab = new Tab(p.title());
        tab.setId("tab-" + p.id());
        PluginStatus status = p;
        if (!p.failed()) {
            try {
                PluginView view = p.plugin().createView(context);
                if (view == null || view.node() == null) {
                    throw new IllegalStateException("createView returned no view");
                }
                tab.setContent(view.node());
                views.put(p.id(), view);
            } catch (Throwable e) {
                status = p.failedWith("createView failed: " + PluginStatus.reason(e));
            }
        }
        if (status.failed()) {
            tab.setText(status.title() + " (failed)");
            TextArea reason = new TextArea("This panel could not be loaded; the rest of Lamina works without it.\n\n"
                    + "Plugin: " + status.id() + "\nReason: " + status.error());
            reason.setEditable(false);
            reason.setWrapText(true);
            tab.setContent(reason);
            jobs.log("plugin " + status.id() + " failed: " + status.error());
        }
        tabs.getTabs().add(tab);
        return status;
    }

    // ---- menus ----

    private MenuBar menuBar() {
        MenuItem openModel = item("Open model directory…", "Shortcut+O", this::chooseModelDirectory);
        MenuItem openImage = item("Open image…", "Shortcut+I", this::chooseImage);
        MenuItem openData = item("Open IDX data set…", null, this::chooseDataSet);
        MenuItem openFolder = item("Open image-folder data set…", null, this::chooseImageFolder);
        MenuItem openStore = item("Open feature store…", null, this::chooseFeatureStore);
        MenuItem openSession = item("Open session…", "Shortcut+Shift+O", this::chooseSessionToOpen);
        MenuItem saveSession = item("Save session…", "Shortcut+S", this::chooseSessionToSave);
        MenuItem exportFigures = item("Export figures of this panel…", "Shortcut+E", this::exportPanelFigures);
        MenuItem quit = item("Quit", "Shortcut+Q", stage::close);
        Menu file = new Menu("File", null, openModel, recentMenu, openImage, openData, openFolder, openStore,
                new SeparatorMenuItem(),
                openSession, saveSession, new SeparatorMenuItem(), exportFigures, new SeparatorMenuItem(), quit);
        Menu edit = new Menu("Edit", null, item("Preferences…", "Shortcut+Comma", this::editPreferences));
        Menu view = new Menu("View");
        for (int i = 0; i < tabs.getTabs().size() && i < 9; i++) {
            Tab t = tabs.getTabs().get(i);
            view.getItems().add(item(t.getText(), "Shortcut+" + (i + 1), () -> tabs.getSelectionModel().select(t)));
        }
        Menu help = new Menu("Help", null,
                item("Engine…", null, () -> EngineDialog.show(jobs, stage)),
                item("Plugins…", null, this::showPlugins),
                item("Keyboard shortcuts", "F1", this::showShortcuts),
                item("About Lamina", null, this::showAbout));
        MenuBar bar = new MenuBar(file, edit, view, help);
        bar.setUseSystemMenuBar(true);
        return bar;
    }

    private ToolBar toolBar() {
        return new ToolBar(
                button("Open model…", "Open a model directory (Ctrl+O)", this::chooseModelDirectory),
                button("Open image…", "Open an image file (Ctrl+I)", this::chooseImage),
                button("Save session…", "Save the session (Ctrl+S)", this::chooseSessionToSave),
                button("Export figures…", "Export every figure of this panel (Ctrl+E)", this::exportPanelFigures),
                button("Engine", "Engine versions, natives, CUDA, GPU memory", () -> EngineDialog.show(jobs, stage)),
                button("Preferences", "Device, batch size, export format and DPI, seed (Ctrl+,)", this::editPreferences));
    }

    private static MenuItem item(String text, String accelerator, Runnable action) {
        MenuItem i = new MenuItem(text);
        if (accelerator != null) {
            i.setAccelerator(KeyCombination.keyCombination(accelerator));
        }
        i.setOnAction(e -> action.run());
        return i;
    }

    private static Button button(String text, String tip, Runnable action) {
        Button b = new Button(text);
        b.setTooltip(new Tooltip(tip));
        b.setOnAction(e -> action.run());
        return b;
    }

    // ---- models and data ----

    /** Opens a model (directory or {@code sample:NAME}) as a job and makes it current. */
    public void openModel(String location) {
        WorkbenchSettings s = context.settings.get();
        jobs.submit("Open model " + location, p -> {
            p.message("loading " + location);
            return ModelLoader.open(location, s.device());
        }, m -> setModel(location, m), message -> error("Cannot open the model", message));
    }

    private void setModel(String location, ProbeableModel m) {
        LoadedModel old = context.model.get();
        context.session.clear();
        context.model.set(new LoadedModel(location, m));
        deviceLabel.setText("device: " + deviceName(m.device()));
        stage.setTitle("Lamina — " + m.manifest().name());
        store.addRecentModel(location);
        refreshRecent();
        jobs.log("opened " + m.manifest().name() + " (" + location + ", " + m.parameterCount() + " parameters, "
                + deviceName(m.device()) + ")");
        if (old != null) {
            // The runner has one worker, so this close runs after every job that still uses the old model.
            jobs.submit("Close model " + old.name(), p -> {
                old.model().close();
                return null;
            }, null);
        }
    }

    /** {@code CPU} or {@code GPU 0}: DJL's {@code cpu()} is for programmers. */
    static String deviceName(ai.djl.Device d) {
        return d.isGpu() ? "GPU " + d.getDeviceId() : "CPU";
    }

    private void loadBundledDataSets() {
        jobs.submit("Load bundled data sets", p -> {
            List<LoadedDataset> out = new ArrayList<>();
            for (String ref : DatasetReference.BUNDLED_TEST_SETS) {
                try {
                    out.add(new LoadedDataset(ref, DatasetReference.open(ref, new long[] {1, 28, 28}, List.of())));
                } catch (RuntimeException e) {
                    p.message("skipped " + ref + ": " + e.getMessage());
                }
            }
            return out;
        }, list -> context.dataSets.addAll(list));
    }

    /** Opens a data set (image folder or IDX images file) as a job and puts it first in the browser. */
    public void openDataSet(Path file) {
        LoadedModel m = context.model.get();
        ModelManifest.InputSpec input = m != null && m.model().manifest().input().isImage() ? m.model().manifest().input()
                : new ModelManifest.InputSpec(new long[] {1, 28, 28}, new float[] {0f}, new float[] {1f});
        List<String> labels = m == null ? List.of() : m.model().manifest().labels();
        String ref = file.toAbsolutePath().toString();
        jobs.submit("Open data set " + file.getFileName(), p -> {
            // Lists the files only: images are decoded when shown or run (ImageFolderDataset).
            Dataset d = DatasetReference.open(ref, input, labels);
            return new LoadedDataset(ref, d);
        }, d -> {
            context.dataSets.add(0, d);
            jobs.log("opened data set " + d.label());
        });
    }

    /** The model to open when none is named: the last one, else {@code fashion-cnn}, else {@code tiny-cnn}, else any. */
    static String defaultModel(SettingsStore store) {
        String last = store.lastModel();
        if (last != null) {
            try {
                ModelLocator.resolve(last);
                return last;
            } catch (RuntimeException e) {
                // Moved or deleted since: fall back to a bundled sample.
            }
        }
        return defaultSample();
    }

    /** The bundled sample to show first: {@code fashion-cnn} when present, else {@code tiny-cnn}, else the first. */
    public static String defaultSample() {
        List<String> samples = ModelLocator.sampleNames();
        for (String preferred : List.of("fashion-cnn", "tiny-cnn")) {
            if (samples.contains(preferred)) {
                return "sample:" + preferred;
            }
        }
        return samples.isEmpty() ? null : "sample:" + samples.get(0);
    }

    private void refreshRecent() {
        recentMenu.getItems().clear();
        for (String r : store.recentModels()) {
            recentMenu.getItems().add(item(r, null, () -> openModel(r)));
        }
        recentMenu.setDisable(recentMenu.getItems().isEmpty());
    }

    private void chooseModelDirectory() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Open model directory (with model.json)");
        File dir = dc.showDialog(stage);
        if (dir != null) {
            openModel(dir.getAbsolutePath());
        }
    }

    private void chooseImage() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open image");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Images", "*.png", "*.jpg", "*.jpeg", "*.bmp", "*.gif"));
        File f = fc.showOpenDialog(stage);
        if (f != null) {
            context.selectedImage.set(ImageSelection.file(f.toPath()));
        }
    }

    private void chooseDataSet() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open IDX images file");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("IDX images", "*idx3-ubyte*", "*.idx3", "*.gz"));
        File f = fc.showOpenDialog(stage);
        if (f != null) {
            openDataSet(f.toPath());
        }
    }

    /** Opens a feature store folder (lamina extract's output) under the data list, as a job. */
    public void openFeatureStore(Path dir) {
        browser.storePane().open(dir);
    }

    /** Filters the open feature store's rows with an SQL condition, as typing it does. */
    public void filterFeatureStore(String where) {
        browser.storePane().filter(where);
    }

    private void chooseFeatureStore() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Open feature store (a folder with manifest.json, from lamina extract)");
        File dir = dc.showDialog(stage);
        if (dir != null) {
            openFeatureStore(dir.toPath());
        }
    }

    private void chooseImageFolder() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Open image folder (one sub-folder per class)");
        File dir = dc.showDialog(stage);
        if (dir != null) {
            openDataSet(dir.toPath());
        }
    }

    private void installDragAndDrop() {
        scene.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(TransferMode.COPY);
            }
            e.consume();
        });
        scene.setOnDragDropped(e -> {
            Dragboard db = e.getDragboard();
            boolean done = false;
            if (db.hasFiles()) {
                for (File f : db.getFiles()) {
                    done |= openDropped(f.toPath());
                }
            }
            e.setDropCompleted(done);
            e.consume();
        });
    }

    /** Opens what was dropped on the window: a model directory, a session, an IDX data set or an image. */
    public boolean openDropped(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (Files.isDirectory(p) && Files.isRegularFile(p.resolve(ManifestReader.FILE_NAME))) {
            openModel(p.toAbsolutePath().toString());
        } else if (name.equals(ManifestReader.FILE_NAME)) {
            openModel(p.toAbsolutePath().getParent().toString());
        } else if (name.endsWith(SessionFile.SUFFIX)) {
            openSession(p);
        } else if (name.contains("images-idx3") || Files.isDirectory(p)) {
            openDataSet(p);
        } else if (name.matches(".*\\.(png|jpe?g|bmp|gif)")) {
            context.selectedImage.set(ImageSelection.file(p));
        } else {
            jobs.log("cannot open " + p + ": drop a model directory, an image, an IDX file or a session");
            return false;
        }
        return true;
    }

    // ---- sessions ----

    private void chooseSessionToSave() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Save session");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Lamina session", "*" + SessionFile.SUFFIX));
        fc.setInitialFileName("session" + SessionFile.SUFFIX);
        File f = fc.showSaveDialog(stage);
        if (f != null) {
            Path target = f.getName().endsWith(SessionFile.SUFFIX) ? f.toPath()
                    : f.toPath().resolveSibling(f.getName() + SessionFile.SUFFIX);
            saveSession(target);
        }
    }

    private void chooseSessionToOpen() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open session");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Lamina session", "*" + SessionFile.SUFFIX));
        File f = fc.showOpenDialog(stage);
        if (f != null) {
            openSession(f.toPath());
        }
    }

    /** The current session as a document. */
    public SessionDocument currentSession() {
        LoadedModel m = context.model.get();
        if (m == null) {
            throw new SessionException("no model is open: nothing to save");
        }
        String location = m.location();
        if (!location.startsWith(ModelLocator.SAMPLE_PREFIX)) {
            location = PortablePath.of(Path.of(location));
        }
        ImageSelection img = context.selectedImage.get();
        String data = img != null && img.dataset() != null ? img.dataset().reference()
                : context.dataSets.isEmpty() ? null : context.dataSets.get(0).reference();
        Map<String, String> versions = new LinkedHashMap<>();
        String v = WorkbenchWindow.class.getPackage().getImplementationVersion();
        versions.put("lamina", v == null ? "0.1.0-SNAPSHOT" : v);
        versions.put("engine", statusBar.getText());
        versions.put("device", m.model().device().toString());
        return new SessionDocument(SessionDocument.FORMAT_VERSION, Instant.now().toString(),
                new SessionDocument.ModelReference(location, m.name(), m.model().weightsSha256(),
                        Sha256.of(m.model().manifest().manifestFile())), data,
                context.settings.get().seed(), versions, context.session.entries(), browser.storePane().view());
    }

    /** Saves the session to {@code file} (as a job). */
    public void saveSession(Path file) {
        SessionDocument doc;
        try {
            doc = currentSession();
        } catch (SessionException e) {
            error("Cannot save the session", e.getMessage());
            return;
        }
        jobs.submit("Save session " + file.getFileName(), p -> SessionFile.write(file, doc),
                f -> jobs.log("saved session " + f + " (" + doc.analyses().size() + " analyses)"),
                message -> error("Cannot save the session", message));
    }

    /**
     * Opens a session: reads and checks the whole file and opens its model in a job; only when all
     * of that worked does the window switch to it and the panels restore their analyses.
     */
    public void openSession(Path file) {
        jobs.submit("Open session " + file.getFileName(), p -> {
            SessionDocument doc = SessionFile.read(file);
            for (SessionDocument.AnalysisEntry e : doc.analyses()) {
                if (!views.containsKey(e.plugin())) {
                    throw new SessionException(file + ": analysis '" + e.method() + "' needs the panel '" + e.plugin()
                            + "', which is not loaded here");
                }
            }
            // The same checks as `lamina replay`: every entry's parameters, then the model's hashes.
            SessionReplay checks = new SessionReplay();
            try {
                checks.checkEntries(doc, p);
            } catch (SessionException e) {
                throw new SessionException(file + ": " + e.getMessage(), e);
            }
            String location = doc.model().path().startsWith(PortablePath.SAMPLES_PREFIX)
                    ? PortablePath.resolve(doc.model().path()).toString() : doc.model().path();
            ProbeableModel m = ModelLoader.open(location, context.settings.get().device());
            try {
                checks.checkModel(doc, m, false);
                checks.checkEntriesAgainst(doc, m, p);
            } catch (RuntimeException e) {
                m.close();
                throw e instanceof SessionException ? new SessionException(file + ": " + e.getMessage(), e) : e;
            }
            return new OpenedSession(doc, location, m);
        }, opened -> {
            setModel(opened.location(), opened.model());
            for (SessionDocument.AnalysisEntry e : opened.doc().analyses()) {
                try {
                    views.get(e.plugin()).restore(e);
                } catch (RuntimeException ex) {
                    error("Session partly restored", "Could not restore " + e.method() + ": " + ex.getMessage());
                }
            }
            if (opened.doc().featureStore() != null) {
                SessionDocument.FeatureStoreView v = opened.doc().featureStore();
                browser.storePane().open(Path.of(v.path()), v.filter());
            }
            jobs.log("opened session " + file);
        }, message -> error("Cannot open the session", message + "\nNothing was changed."));
    }

    private record OpenedSession(SessionDocument doc, String location, ProbeableModel model) {
    }

    // ---- export, dialogs ----

    private void exportPanelFigures() {
        Tab tab = tabs.getSelectionModel().getSelectedItem();
        PluginView view = tab == null ? null : views.get(tab.getId().substring("tab-".length()));
        List<Figure> figures = view == null ? List.of() : view.figures();
        if (figures.isEmpty()) {
            jobs.log("this panel shows no figures to export yet");
            return;
        }
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Export figures to");
        File dir = dc.showDialog(stage);
        if (dir == null) {
            return;
        }
        WorkbenchSettings s = context.settings.get();
        FigureExporter exporter = new FigureExporter(s.export());
        jobs.submit("Export " + figures.size() + " figures", p -> {
            p.begin(figures.size());
            List<Path> out = new ArrayList<>();
            // A cancelled or failed export leaves the folder as it was (no half of a figure set).
            try (org.lamina.analysis.job.OutputFolder folder = org.lamina.analysis.job.OutputFolder.open(dir.toPath(),
                    ("export-" + tab.getId().substring("tab-".length()) + "-" + s.exportFormat().extension())
                            .toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]", "-"))) {
                for (Figure f : figures) {
                    p.checkCancelled();
                    String name = f.name() + "." + s.exportFormat().extension();
                    exporter.export(f, folder.directory().resolve(name), s.exportFormat());
                    out.add(dir.toPath().resolve(name));
                    p.advance(1);
                }
                folder.commit(java.util.Map.of("command", "workbench figure export", "panel", tab.getText()));
            }
            return out;
        }, out -> jobs.log("exported " + out.size() + " figures to " + dir));
    }

    private void editPreferences() {
        PreferencesDialog.show(context.settings.get(), stage).ifPresent(s -> {
            context.settings.set(s);
            store.save(s);
            jobs.log("preferences saved");
        });
    }

    private void showPlugins() {
        StringBuilder sb = new StringBuilder();
        for (PluginStatus p : plugins) {
            sb.append(p.failed() ? "✖ " : "✔ ").append(p.title()).append(" (").append(p.id()).append(")");
            if (p.failed()) {
                sb.append("\n    ").append(p.error());
            }
            sb.append('\n');
        }
        TextArea text = new TextArea(sb.toString());
        text.setEditable(false);
        Alert a = new Alert(Alert.AlertType.INFORMATION);
        a.initOwner(stage);
        a.setTitle("Plugins");
        a.setHeaderText(plugins.size() + " plugins discovered");
        a.getDialogPane().setContent(text);
        a.show();
    }

    private void showShortcuts() {
        Alert a = new Alert(Alert.AlertType.INFORMATION);
        a.initOwner(stage);
        a.setTitle("Keyboard shortcuts");
        a.setHeaderText("Keyboard shortcuts");
        a.setContentText(String.join("\n",
                "Ctrl+O   open model directory", "Ctrl+I   open image", "Ctrl+S   save session",
                "Ctrl+Shift+O   open session", "Ctrl+E   export the panel's figures", "Ctrl+,   preferences",
                "Ctrl+1…9   switch panel", "F1   this list", "Ctrl+Q   quit",
                "Right-click a figure: export it, or copy it to the clipboard"));
        a.show();
    }

    private void showAbout() {
        Alert a = new Alert(Alert.AlertType.INFORMATION);
        a.initOwner(stage);
        a.setTitle("About Lamina");
        a.setHeaderText("Lamina — an interpretability workbench");
        a.setContentText(statusBar.getText());
        a.show();
    }

    private void error(String header, String message) {
        jobs.log("✖ " + header + ": " + message);
        if (Boolean.getBoolean("lamina.headless")) {
            return;
        }
        Alert a = new Alert(Alert.AlertType.ERROR);
        a.initOwner(stage);
        a.setTitle("Lamina");
        a.setHeaderText(header);
        a.setContentText(message);
        a.show();
    }

    private void updateMemory() {
        Runtime rt = Runtime.getRuntime();
        long used = (rt.totalMemory() - rt.freeMemory()) >> 20;
        memoryLabel.setText("heap " + used + " / " + (rt.maxMemory() >> 20) + " MiB");
    }

    private void saveLayout() {
        store.setLayout("window.maximized", stage.isMaximized() ? 1 : 0);
        if (!stage.isMaximized()) {
            store.setLayout("window.width", scene.getWidth());
            store.setLayout("window.height", scene.getHeight());
            store.setLayout("window.x", stage.getX());
            store.setLayout("window.y", stage.getY());
        }
        store.setLayout("split.browser", horizontal.getDividerPositions()[0]);
        store.setLayout("split.jobs", vertical.getDividerPositions()[0]);
        store.flush();
    }

    /** Closes the panels (the runner and the model belong to the application). */
    public void dispose() {
        views.values().forEach(PluginView::dispose);
        jobs.close();
    }
}
