package org.lamina.app.shell;

import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.stage.FileChooser;
import javafx.stage.Window;

import org.lamina.analysis.export.ExportFormat;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.export.FigureExporter;
import org.lamina.plugins.api.FigureExport;
import org.lamina.plugins.api.WorkbenchJobs;
import org.lamina.plugins.api.WorkbenchSettings;

import java.io.File;
import java.nio.file.Path;
import java.util.Locale;

/** Figure export for the panels: a file dialog, then the analysis exporter run as a job. */
public final class FigureExportService implements FigureExport {

    private final WorkbenchJobs jobs;
    private final ReadOnlyObjectProperty<WorkbenchSettings> settings;
    private final java.util.function.Consumer<String> log;
    private File lastDirectory;

    public FigureExportService(WorkbenchJobs jobs, ReadOnlyObjectProperty<WorkbenchSettings> settings,
                               java.util.function.Consumer<String> log) {
        this.jobs = jobs;
        this.settings = settings;
        this.log = log;
    }

    @Override
    public void exportWithDialog(Figure figure, Window owner) {
        if (figure == null) {
            return;
        }
        FileChooser fc = new FileChooser();
        fc.setTitle("Export figure");
        ExportFormat preferred = settings.get().exportFormat();
        for (ExportFormat f : ExportFormat.values()) {
            FileChooser.ExtensionFilter filter = new FileChooser.ExtensionFilter(
                    f.name() + (f == ExportFormat.CSV ? " (the figure's numbers)" : ""), "*." + f.extension());
            fc.getExtensionFilters().add(filter);
            if (f == preferred) {
                fc.setSelectedExtensionFilter(filter);
            }
        }
        fc.setInitialFileName(figure.name() + "." + preferred.extension());
        if (lastDirectory != null && lastDirectory.isDirectory()) {
            fc.setInitialDirectory(lastDirectory);
        }
        File file = fc.showSaveDialog(owner);
        if (file == null) {
            return;
        }
        lastDirectory = file.getParentFile();
        String name = file.getName().toLowerCase(Locale.ROOT);
        ExportFormat format = ExportFormat.ofFileName(name);
        if (!name.endsWith("." + format.extension()) && fc.getSelectedExtensionFilter() != null) {
            format = ExportFormat.ofFileName(fc.getSelectedExtensionFilter().getExtensions().get(0));
            file = new File(file.getParentFile(), file.getName() + "." + format.extension());
        }
        export(figure, file.toPath(), format);
    }

    @Override
    public void export(Figure figure, Path target, ExportFormat format) {
        FigureExporter exporter = new FigureExporter(settings.get().export());
        jobs.submit("Export " + figure.title() + " as " + format, p -> exporter.export(figure, target, format),
                path -> log.accept("exported " + path));
    }

    @Override
    public void copyToClipboard(Figure figure) {
        if (figure == null) {
            return;
        }
        // A screen-resolution copy (150 dpi) is what slides and chats want; export gives print quality.
        FigureExporter exporter = new FigureExporter(settings.get().export());
        jobs.submit("Copy " + figure.title(), p -> exporter.render(figure, 150), img -> {
            ClipboardContent content = new ClipboardContent();
            content.putImage(SwingFXUtils.toFXImage(img, null));
            Clipboard.getSystemClipboard().setContent(content);
            log.accept("copied " + figure.title() + " to the clipboard");
        });
    }
}
