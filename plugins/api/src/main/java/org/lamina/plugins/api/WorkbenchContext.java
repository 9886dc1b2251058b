package org.lamina.plugins.api;

import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.collections.ObservableList;


/**
 * What the shell gives a panel (DESIGN.md §5). Properties change on the JavaFX thread; a panel
 * listens to them for the selection events (model changed, image selected, probe point
 * selected).
 */
public interface WorkbenchContext {

    /** The open model, or {@code null} while none is. */
    ReadOnlyObjectProperty<LoadedModel> modelProperty();

    /** The data sets in the browser. */
    ObservableList<LoadedDataset> dataSets();

    /** The image picked in the browser (or dropped on the window), or {@code null}. */
    ReadOnlyObjectProperty<ImageSelection> selectedImageProperty();

    /** The probe point picked in the model tree, or {@code null}. */
    ReadOnlyObjectProperty<String> selectedProbePointProperty();

    /** The job area. */
    WorkbenchJobs jobs();

    /** Figure export with the user's settings. */
    FigureExport export();

    /** The current session's analyses. */
    SessionLog session();

    /** The user's preferences. */
    ReadOnlyObjectProperty<WorkbenchSettings> settingsProperty();

    /** Writes a line to the workbench log. */
    void log(String message);
}
