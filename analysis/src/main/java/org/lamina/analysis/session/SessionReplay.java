package org.lamina.analysis.session;

import org.lamina.analysis.export.ExportFormat;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.export.FigureExporter;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Redoes a session headless: opens its model (refusing weights whose SHA-256 differs from the
 * recorded one), runs each analysis in order and writes its figures as
 * {@code NN-method-figure.ext} into the output directory.
 */
public final class SessionReplay {

    private final Map<String, ReplayableAnalysis> analyses = new HashMap<>();

    /** A replay that knows the analyses registered as services. */
    public SessionReplay() {
        for (ReplayableAnalysis a : ServiceLoader.load(ReplayableAnalysis.class)) {
            analyses.put(a.method(), a);
        }
    }

    /** Replays {@code session}; returns the files written. */
    public List<Path> replay(SessionDocument session, Path outDir, FigureExporter exporter,
                             Collection<ExportFormat> formats, ModelRuntime.DeviceChoice device, ProgressSink progress) {
        for (SessionDocument.AnalysisEntry e : session.analyses()) {
            if (!analyses.containsKey(e.method())) {
                throw new SessionException("session analysis '" + e.method() + "' is not known to this Lamina; known: "
                        + analyses.keySet());
            }
        }
        String modelPath = session.model().path();
        String modelArgument = modelPath.startsWith(PortablePath.SAMPLES_PREFIX)
                ? PortablePath.resolve(modelPath).toString() : modelPath;
        List<Path> written = new ArrayList<>();
        try (ProbeableModel model = ModelLoader.open(modelArgument, device)) {
            String recorded = session.model().weightsSha256();
            if (recorded != null && !recorded.isBlank() && !recorded.equalsIgnoreCase(model.weightsSha256())) {
                throw new SessionException("model " + modelPath + " has changed since the session was saved: weights SHA-256 is "
                        + model.weightsSha256() + ", the session recorded " + recorded);
            }
            progress.begin(session.analyses().size());
            int n = 1;
            for (SessionDocument.AnalysisEntry e : session.analyses()) {
                progress.checkCancelled();
                progress.message("replaying " + e.method() + " (" + n + " of " + session.analyses().size() + ")");
                List<Figure> figures = analyses.get(e.method()).replay(model, e.parameters(), ProgressSink.none());
                for (Figure f : figures) {
                    String base = String.format("%02d-%s-%s", n, e.method(), f.name());
                    written.addAll(exporter.exportAll(f, outDir, base, formats));
                }
                progress.advance(1);
                n++;
            }
        }
        return written;
    }
}
