package org.lamina.plugins.api.testing;

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
import org.lamina.analysis.session.SessionDocument;
import org.lamina.plugins.api.FigureExport;
import org.lamina.plugins.api.ImageSelection;
import org.lamina.plugins.api.LoadedDataset;
import org.lamina.plugins.api.LoadedModel;
import org.lamina.plugins.api.SessionLog;
import org.lamina.plugins.api.WorkbenchContext;
import org.lamina.plugins.api.WorkbenchJobs;
import org.lamina.plugins.api.WorkbenchSettings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * The smallest shell a panel can run in under a headless TestFX test: a settable open model,
 * jobs on a real {@link JobRunner} (results delivered on the JavaFX thread, as the workbench
 * does), the session entries the panel records kept in {@link #recorded()}, and everything else
 * inert (no data sets, no selection, exports dropped). Shared by every panel's tests through the
 * plugin API's test jar.
 */
public final class HeadlessContext implements WorkbenchContext {

    private final JobRunner runner;
    private final SimpleObjectProperty<LoadedModel> model = new SimpleObjectProperty<>();
    private final List<SessionDocument.AnalysisEntry> recorded = Collections.synchronizedList(new ArrayList<>());

    /** A shell with no model open. */
    public HeadlessContext(JobRunner runner) {
        this.runner = runner;
    }

    /** A shell with {@code model} open from the start. */
    public HeadlessContext(JobRunner runner, LoadedModel model) {
        this(runner);
        this.model.set(model);
    }

    /** Opens another model (call on the JavaFX thread once the view exists). */
    public void open(LoadedModel m) {
        model.set(m);
    }

    /** What the panel recorded in the session, in order. */
    public List<SessionDocument.AnalysisEntry> recorded() {
        return recorded;
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
        return (id, entry, replace) -> recorded.add(entry);
    }

    @Override
    public ReadOnlyObjectProperty<WorkbenchSettings> settingsProperty() {
        return new SimpleObjectProperty<>(WorkbenchSettings.defaults());
    }

    @Override
    public void log(String message) {
    }
}
