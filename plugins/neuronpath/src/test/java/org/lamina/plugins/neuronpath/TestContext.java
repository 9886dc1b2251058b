package org.lamina.plugins.neuronpath;

import javafx.application.Platform;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.stage.Window;

import org.lamina.analysis.export.ExportFormat;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.job.Job;
import org.lamina.analysis.job.JobHandle;
import org.lamina.analysis.job.JobRunner;
import org.lamina.plugins.api.FigureExport;
import org.lamina.plugins.api.ImageSelection;
import org.lamina.plugins.api.LoadedDataset;
import org.lamina.plugins.api.LoadedModel;
import org.lamina.plugins.api.SessionLog;
import org.lamina.plugins.api.WorkbenchContext;
import org.lamina.plugins.api.WorkbenchJobs;
import org.lamina.plugins.api.WorkbenchSettings;

import java.nio.file.Path;
import java.util.function.Consumer;

/** A minimal shell for the panel: a settable model, jobs on a real {@link JobRunner}, everything else inert. */
final class TestContext implements WorkbenchContext {

    private final JobRunner runner;
    private final SimpleObjectProperty<LoadedModel> model = new SimpleObjectProperty<>();

    TestContext(JobRunner runner) {
        this.runner = runner;
    }

    /** Sets the open model (on the JavaFX thread). */
    void setModel(LoadedModel m) {
        model.set(m);
    }

    @Override
    public ReadOnlyObjectProperty<LoadedModel> modelProperty() {
        return model;
    }

    @Override
    public ObservableList<LoadedDataset> dataSets() {
        return FXCollections.observableArrayList();
    }

    @Override
    public ReadOnlyObjectProperty<ImageSelection> selectedImageProperty() {
        return new SimpleObjectProperty<>();
    }

    @Override
    public ReadOnlyObjectProperty<String> selectedProbePointProperty() {
        return new SimpleObjectProperty<>();
    }

    @Override
    public WorkbenchJobs jobs() {
        return new WorkbenchJobs() {
            @Override
            public <R> JobHandle<R> submit(String title, Job<R> job, Consumer<R> onSuccess) {
                JobHandle<R> h = runner.submit(title, job);
                h.result().thenAccept(r -> Platform.runLater(() -> onSuccess.accept(r)));
                return h;
            }
        };
    }

    @Override
    public FigureExport export() {
        return new FigureExport() {
            @Override
            public void exportWithDialog(Figure figure, Window owner) {
            }

            @Override
            public void export(Figure figure, Path target, ExportFormat format) {
            }

            @Override
            public void copyToClipboard(Figure figure) {
            }
        };
    }

    @Override
    public SessionLog session() {
        return (id, entry, replace) -> { };
    }

    @Override
    public ReadOnlyObjectProperty<WorkbenchSettings> settingsProperty() {
        return new SimpleObjectProperty<>(WorkbenchSettings.defaults());
    }

    @Override
    public void log(String message) {
    }
}
