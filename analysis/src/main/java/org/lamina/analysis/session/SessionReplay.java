package org.lamina.analysis.session;

import org.lamina.analysis.job.OutputFolder;
import org.lamina.analysis.export.ExportFormat;
import org.lamina.analysis.export.Figure;
import org.lamina.analysis.export.FigureExporter;
import org.lamina.analysis.job.AtomicOutput;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.data.DataException;
import org.lamina.analysis.model.ModelException;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelRuntime;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.provenance.Sha256;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Redoes a session headless, or refuses: a replay either reproduces what was saved or says why it
 * cannot. In order, before the first figure is written: every entry's method must be known and its
 * parameters must read strictly ({@link #checkEntries}); the model is opened and its weights and
 * {@code model.json} must have the SHA-256 the session recorded ({@link #checkModel}); every entry
 * must fit that model and its data ({@link #checkEntriesAgainst}). Only then
 * does each analysis run, its figures written as {@code NN-method-figure.ext} into the output
 * directory. A changed model, or a session without hashes, replays only when the caller allows it,
 * and then every difference is a note the output carries ({@link #NOTE_FILE}). The workbench's
 * <i>Open session</i> goes through the same two checks.
 */
public final class SessionReplay {

    /** The file a replay writes next to its figures when it ran on a model it could not confirm. */
    public static final String NOTE_FILE = "REPLAY-NOTES.txt";

    /** What a replay wrote, and what it could not confirm (empty when the model matched). */
    public record Result(List<Path> files, List<String> notes) {
        public Result {
            files = List.copyOf(files);
            notes = List.copyOf(notes);
        }
    }

    private final Map<String, ReplayableAnalysis> analyses = new HashMap<>();

    /** A replay that knows the analyses registered as services. */
    public SessionReplay() {
        for (ReplayableAnalysis a : ServiceLoader.load(ReplayableAnalysis.class)) {
            analyses.put(a.method(), a);
        }
    }

    /**
     * Checks every entry of {@code session} before anything runs: its method is known here and its
     * parameters read strictly. The first bad entry is a {@link SessionException} naming the entry
     * (its number, counting from 1 as the figure files do, and its method) and the parameter's
     * message. Reports one progress step per entry.
     */
    public void checkEntries(SessionDocument session, ProgressSink progress) {
        List<SessionDocument.AnalysisEntry> entries = session.analyses();
        progress.begin(entries.size());
        int n = 1;
        for (SessionDocument.AnalysisEntry e : entries) {
            progress.checkCancelled();
            progress.message("checking entry " + n + " of " + entries.size() + " (" + e.method() + ")");
            ReplayableAnalysis a = analyses.get(e.method());
            if (a == null) {
                throw new SessionException(entryName(n, entries.size(), e) + ": method '" + e.method()
                        + "' is not known to this Lamina; known: " + analyses.keySet());
            }
            try {
                a.validate(e.parameters());
            } catch (SessionException | IllegalArgumentException ex) {
                throw new SessionException(entryName(n, entries.size(), e) + ": " + ex.getMessage(), ex);
            }
            progress.advance(1);
            n++;
        }
    }

    /**
     * Checks every entry against the opened {@code model} and the data it names
     * ({@link ReplayableAnalysis#validate(ProbeableModel, Map)}), before anything runs; the first
     * entry that would fail is a {@link SessionException} naming it.
     */
    public void checkEntriesAgainst(SessionDocument session, ProbeableModel model, ProgressSink progress) {
        List<SessionDocument.AnalysisEntry> entries = session.analyses();
        progress.begin(entries.size());
        int n = 1;
        for (SessionDocument.AnalysisEntry e : entries) {
            progress.checkCancelled();
            progress.message("checking entry " + n + " of " + entries.size() + " against " + model.manifest().name());
            try {
                analyses.get(e.method()).validate(model, e.parameters());
            } catch (SessionException | IllegalArgumentException | ModelException | DataException ex) {
                throw new SessionException(entryName(n, entries.size(), e) + ": " + ex.getMessage(), ex);
            }
            progress.advance(1);
            n++;
        }
    }

    /**
     * Checks that {@code model} is the one {@code session} was saved with: the SHA-256 of its
     * weights and of its {@code model.json} bytes must equal the recorded ones. A difference, or a
     * session that recorded no hash, is a {@link SessionException} unless {@code allowChangedModel};
     * then each becomes a note, returned for the output to say.
     *
     * @return notes on what could not be confirmed (empty when both hashes matched)
     */
    public List<String> checkModel(SessionDocument session, ProbeableModel model, boolean allowChangedModel) {
        SessionDocument.ModelReference ref = session.model();
        String manifestSha = Sha256.of(model.manifest().manifestFile());
        List<String> notes = new ArrayList<>();
        compare("weights", ref.weightsSha256(), model.weightsSha256(), ref.path(), allowChangedModel, notes);
        compare("model.json", ref.manifestSha256(), manifestSha, ref.path(), allowChangedModel, notes);
        return notes;
    }

    private static void compare(String what, String recorded, String now, String path, boolean allow, List<String> notes) {
        String problem;
        if (recorded == null || recorded.isBlank()) {
            problem = "the session records no SHA-256 of the model's " + what + " (saved by an older Lamina), so it "
                    + "cannot be checked that model " + path + " is the one the session used";
        } else if (!recorded.equalsIgnoreCase(now)) {
            problem = "model " + path + " has changed since the session was saved: " + what + " SHA-256 is " + now
                    + ", the session recorded " + recorded + (what.equals("model.json")
                    ? " (normalisation, input size, labels or probe points may differ)" : "");
        } else {
            return;
        }
        if (!allow) {
            throw new SessionException(problem + "; replaying it would not reproduce the saved results. "
                    + "Pass --allow-changed-model to replay anyway (the output will say so).");
        }
        notes.add(problem);
    }

    /** Replays {@code session} refusing a changed model or missing hashes; returns the files written. */
    public List<Path> replay(SessionDocument session, Path outDir, FigureExporter exporter,
                             Collection<ExportFormat> formats, ModelRuntime.DeviceChoice device, ProgressSink progress) {
        return replay(session, outDir, exporter, formats, device, false, progress).files();
    }

    /**
     * Replays {@code session}: checks every entry and the model first, then runs the entries in
     * order. With {@code allowChangedModel} a changed model or missing hashes do not stop it; the
     * notes are returned and written to {@link #NOTE_FILE} in {@code outDir} before any figure.
     */
    public Result replay(SessionDocument session, Path outDir, FigureExporter exporter, Collection<ExportFormat> formats,
                         ModelRuntime.DeviceChoice device, boolean allowChangedModel, ProgressSink progress) {
        checkEntries(session, progress);
        String modelPath = session.model().path();
        String modelArgument = modelPath.startsWith(PortablePath.SAMPLES_PREFIX)
                ? PortablePath.resolve(modelPath).toString() : modelPath;
        try (ProbeableModel model = ModelLoader.open(modelArgument, device)) {
            List<String> notes = checkModel(session, model, allowChangedModel);
            checkEntriesAgainst(session, model, progress);
            // Every check passed: only now is the output folder opened, and the figures land in it
            // all together (OutputFolder), so a failure in entry 3 leaves no figures of entries 1–2.
            try (OutputFolder folder = OutputFolder.open(outDir, "replay")) {
                Path staged = folder.directory();
                List<Path> written = new ArrayList<>();
                if (!notes.isEmpty()) {
                    written.add(AtomicOutput.write(staged.resolve(NOTE_FILE), tmp -> Files.writeString(tmp,
                            "These figures were replayed from a session on a model that could not be confirmed to be the "
                                    + "one the session was saved with (--allow-changed-model):\n- "
                                    + String.join("\n- ", notes) + "\n")));
                }
                int total = session.analyses().size();
                progress.begin(total);
                int n = 1;
                for (SessionDocument.AnalysisEntry e : session.analyses()) {
                    progress.checkCancelled();
                    progress.message("replaying entry " + n + " of " + total + " (" + e.method() + ")");
                    List<Figure> figures = analyses.get(e.method()).replay(model, e.parameters(), ProgressSink.none());
                    for (Figure f : figures) {
                        String base = String.format("%02d-%s-%s", n, e.method(), f.name());
                        written.addAll(exporter.exportAll(f, staged, base, formats));
                    }
                    progress.advance(1);
                    n++;
                }
                Map<String, Object> run = new LinkedHashMap<>();
                run.put("command", "replay");
                run.put("model", modelPath);
                run.put("entries", total);
                run.put("notes", notes);
                folder.commit(run);
                List<Path> files = new ArrayList<>();
                for (Path f : written) {
                    files.add(outDir.resolve(staged.relativize(f)));
                }
                return new Result(files, notes);
            }
        }
    }

    private static String entryName(int n, int total, SessionDocument.AnalysisEntry e) {
        return "session entry " + n + " of " + total + " (method '" + e.method() + "')";
    }
}
