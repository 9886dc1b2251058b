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

    private JobRunner runner;
    private WorkbenchWindow window;

    /** Opens the workbench window and blocks until it is closed. */
    public static void launch(String model) {
        initialModel = model;
        ModelRuntime.goOffline();
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
