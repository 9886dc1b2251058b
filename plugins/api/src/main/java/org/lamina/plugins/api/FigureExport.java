package org.lamina.plugins.api;

import javafx.stage.Window;

import org.lamina.analysis.export.ExportFormat;
import org.lamina.analysis.export.Figure;

import java.nio.file.Path;

/** Export of figures, with the user's export preferences. */
public interface FigureExport {

    /** Asks for a file (format from its extension) and exports the figure there as a job. */
    void exportWithDialog(Figure figure, Window owner);

    /** Exports the figure to {@code target} in {@code format} as a job. */
    void export(Figure figure, Path target, ExportFormat format);

    /** Puts the figure on the system clipboard as an image. */
    void copyToClipboard(Figure figure);
}
