package org.lamina.app.cli;

import org.lamina.analysis.export.ExportFormat;
import org.lamina.analysis.export.ExportSettings;
import org.lamina.analysis.export.FigureExporter;
import org.lamina.analysis.job.ProgressSink;
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

    @Mixin
    DeviceOption device;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

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
        List<Path> files = new ArrayList<>();
        try (org.lamina.analysis.job.OutputFolder folder = RunOutput.open(out, spec)) {
            List<Path> staged = new SessionReplay().replay(doc, folder.directory(), exporter, new ArrayList<>(fs), device.choice(),
                    ProgressSink.none());
            folder.commit(RunOutput.describe(spec));
            for (Path f : staged) {
                files.add(out.resolve(folder.directory().relativize(f)));
            }
        } catch (SessionException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        for (Path f : files) {
            System.out.println(f);
        }
        System.out.println(files.size() + " files from " + doc.analyses().size() + " analyses written to " + out);
    }
}
