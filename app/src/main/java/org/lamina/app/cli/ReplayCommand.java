package org.lamina.app.cli;

import org.lamina.analysis.export.ExportFormat;
import org.lamina.analysis.export.ExportSettings;
import org.lamina.analysis.export.FigureExporter;
import org.lamina.analysis.session.SessionDocument;
import org.lamina.analysis.session.SessionException;
import org.lamina.analysis.session.SessionFile;
import org.lamina.analysis.session.SessionReplay;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code lamina replay SESSION --out DIR}: redoes a saved session headless and writes its figures. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Redo the analyses of a saved session (*.lamina.json) headless and write their figures.")
final class ReplayCommand implements Runnable {

    @Parameters(index = "0", paramLabel = "SESSION", description = "A session file saved by the workbench.")
    Path session;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the figures.")
    Path out;

    @Option(names = "--format", split = ",", defaultValue = "png,svg,pdf,csv", paramLabel = "png,svg,pdf,csv",
            description = "Formats to write (default ${DEFAULT-VALUE}).")
    List<String> formats;

    @Option(names = "--dpi", defaultValue = "300", description = "PNG resolution in dots per inch, 72 … 1200 (default ${DEFAULT-VALUE}).")
    int dpi;

    @Option(names = "--width-cm", defaultValue = "8.5",
            description = "Figure width on paper in cm, 2 … 60 (default ${DEFAULT-VALUE}: one column; 17.8 for two).")
    double widthCm;

    @Option(names = "--allow-changed-model",
            description = "Replay even when the model's weights or model.json differ from the SHA-256 the session recorded, "
                    + "or the session recorded none (older sessions); the output says so (stdout and "
                    + SessionReplay.NOTE_FILE + ").")
    boolean allowChangedModel;

    @Option(names = "--quiet", description = "No progress line.")
    boolean quiet;

    @Mixin
    DeviceOption device;

    @Override
    public void run() {
        Set<ExportFormat> fs = new LinkedHashSet<>();
        for (String f : formats) {
            fs.add(ExportFormat.parse(f));
        }
        FigureExporter exporter = new FigureExporter(new ExportSettings(RunOutput.checkWidthCm(widthCm), RunOutput.checkDpi(dpi)));
        SessionDocument doc;
        try {
            doc = SessionFile.read(session);
        } catch (SessionException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        SessionReplay.Result result;
        ConsoleProgress progress = new ConsoleProgress(System.err, "replay", quiet);
        try {
            result = new SessionReplay().replay(doc, out, exporter, new ArrayList<>(fs), device.choice(), allowChangedModel,
                    progress);
        } catch (SessionException e) {
            throw new IllegalArgumentException(session + ": " + e.getMessage(), e);
        } finally {
            progress.finish();
        }
        for (String note : result.notes()) {
            System.out.println("WARNING: " + note);
        }
        for (Path f : result.files()) {
            System.out.println(f);
        }
        System.out.println(result.files().size() + " files from " + doc.analyses().size() + " analyses written to " + out
                + (result.notes().isEmpty() ? "" : " (on a model the session could not confirm: see "
                + out.resolve(SessionReplay.NOTE_FILE) + ")"));
    }
}
