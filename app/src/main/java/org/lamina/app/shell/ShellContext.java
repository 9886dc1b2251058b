package org.lamina.app.shell;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import org.lamina.plugins.api.FigureExport;
import org.lamina.plugins.api.ImageSelection;
import org.lamina.plugins.api.LoadedDataset;
import org.lamina.plugins.api.LoadedModel;
import org.lamina.plugins.api.SessionLog;
import org.lamina.plugins.api.WorkbenchContext;
import org.lamina.plugins.api.WorkbenchJobs;
import org.lamina.plugins.api.WorkbenchSettings;

/** The shell's side of {@link WorkbenchContext}: writable properties the window sets. */
public final class ShellContext implements WorkbenchContext {

    final ObjectProperty<LoadedModel> model = new SimpleObjectProperty<>(this, "model");
    final ObservableList<LoadedDataset> dataSets = FXCollections.observableArrayList();
    final ObjectProperty<ImageSelection> selectedImage = new SimpleObjectProperty<>(this, "selectedImage");
    final ObjectProperty<String> selectedProbePoint = new SimpleObjectProperty<>(this, "selectedProbePoint");
    final ObjectProperty<WorkbenchSettings> settings;
    final JobArea jobs;
    final FigureExportService export;
    final SessionRecorder session = new SessionRecorder();

    ShellContext(JobArea jobs, WorkbenchSettings initial) {
        this.jobs = jobs;
        this.settings = new SimpleObjectProperty<>(this, "settings", initial);
        this.export = new FigureExportService(jobs, settings, jobs::log);
    }

    @Override
    public ReadOnlyObjectProperty<LoadedModel> modelProperty() {
        return model;
    }

    @Override
    public ObservableList<LoadedDataset> dataSets() {
        return dataSets;
    }

    @Override
    public ReadOnlyObjectProperty<ImageSelection> selectedImageProperty() {
        return selectedImage;
    }

    @Override
    public ReadOnlyObjectProperty<String> selectedProbePointProperty() {
        return selectedProbePoint;
    }

    @Override
    public WorkbenchJobs jobs() {
        return jobs;
    }

    @Override
    public FigureExport export() {
        return export;
    }

    @Override
    public SessionLog session() {
        return session;
    }

    @Override
    public ReadOnlyObjectProperty<WorkbenchSettings> settingsProperty() {
        return settings;
    }

    @Override
    public void log(String message) {
        jobs.log(message);
    }
}
