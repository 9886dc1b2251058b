package org.lamina.app.shell;

import javafx.application.Application;
import javafx.stage.Stage;

import org.lamina.analysis.job.JobRunner;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.app.plugins.PluginLoader;
import org.lamina.app.prefs.SettingsStore;

/**
 * The JavaFX application. Started through {@link #launch(String)} from the (non-Application)
 * CLI main class, which is what lets the JavaFX jars work from the plain class path.
 */
public final class WorkbenchApp extends Application {

    private static volatile String initialModel;

    /**
     * JavaFX warns at every start that it was loaded from the class path ("unnamed module"), which
     * is how Lamina runs it on purpose; held here so the level setting is not garbage-collected.
     */
    private static final java.util.logging.Logger JAVAFX_LOG = java.util.logging.Logger.getLogger("javafx");

    /** Silences JavaFX's class-path warning (errors still show). */
    public static void quietJavaFxClassPathWarning() {
        JAVAFX_LOG.setLevel(java.util.logging.Level.SEVERE);
    }

    private JobRunner runner;
    private WorkbenchWindow window;

    /** Opens the workbench window and blocks until it is closed. */
    public static void launch(String model) {
        initialModel = model;
        ModelRuntime.goOffline();
        quietJavaFxClassPathWarning();
        Application.launch(WorkbenchApp.class);
    }

    @Override
    public void start(Stage stage) {
        // One worker: jobs that use the open model run one after the other, which also makes it
        // safe to close a replaced model with a job queued behind them.
        runner = new JobRunner(1);
        window = new WorkbenchWindow(stage, runner, SettingsStore.forUser(), PluginLoader.discover(), initialModel);
        stage.show();
    }

    @Override
    public void stop() {
        if (window != null) {
            window.dispose();
        }
        if (runner != null) {
            runner.close();
        }
    }
}
