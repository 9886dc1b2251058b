package org.lamina.analysis.session;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lamina.analysis.explorer.ExplorerParameters;
import org.lamina.analysis.export.ExportFormat;
import org.lamina.analysis.export.FigureExporter;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelLocator;
import org.lamina.analysis.model.ModelRuntime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue #16 class 5: a replay reproduces what was saved or refuses. The model is pinned by the
 * SHA-256 of its weights and of its {@code model.json}; a changed manifest (mean/std, labels) or a
 * session without hashes is refused unless explicitly allowed, and then the output says so; and a
 * bad entry anywhere in the session stops it before the first figure is written.
 */
class SessionReplayIntegrityTest {

    private static final EnumSet<ExportFormat> FORMATS = EnumSet.of(ExportFormat.CSV);

    private static SessionDocument session(SessionDocument.ModelReference model, List<Map<String, Object>> entries) {
        List<SessionDocument.AnalysisEntry> list = new ArrayList<>();
        for (Map<String, Object> p : entries) {
            list.add(new SessionDocument.AnalysisEntry("explorer", "explorer", p, Map.of()));
        }
        return new SessionDocument(SessionDocument.FORMAT_VERSION, "2026-01-01T00:00:00Z", model, "sample:fashion-test", 42,
                Map.of(), list);
    }

    private static Map<String, Object> explorer(int index) {
        return ExplorerParameters.ofDataSet("sample:fashion-test", index, "relu2", -1).toMap();
    }

    private static Path copyOfTinyCnn(Path dir) throws IOException {
        Path src = ModelLocator.samplesDirectory().resolve("tiny-cnn");
        Path dst = Files.createDirectories(dir.resolve("tiny-cnn-copy"));
        for (String f : List.of("model.json", "model.pt")) {
            Files.copy(src.resolve(f), dst.resolve(f));
        }
        return dst;
    }

    private static List<Path> filesIn(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void aChangedModelJsonIsRefusedAndReplaysOnlyWhenAllowedWithANote(@TempDir Path dir) throws Exception {
        // A changed normalisation and a changed label list: same weights, different numbers.
        Map<String, String> edits = Map.of("\"mean\": [\n      0.286\n    ]", "\"mean\": [\n      0.5\n    ]",
                "\"Coat\"", "\"Jacket\"");
        int n = 0;
        for (Map.Entry<String, String> edit : edits.entrySet()) {
            Path model = copyOfTinyCnn(dir.resolve("m" + n));
            SessionDocument doc = session(SessionDocument.ModelReference.of(model.toString()), List.of(explorer(3)));
            if (n == 0) {
                // The unchanged model replays without a note.
                SessionReplay.Result same = new SessionReplay().replay(doc, dir.resolve("same"), new FigureExporter(), FORMATS,
                        ModelRuntime.DeviceChoice.CPU, false, ProgressSink.none());
                assertThat(same.notes()).isEmpty();
                assertThat(dir.resolve("same").resolve(SessionReplay.NOTE_FILE)).doesNotExist();
            }
            String json = Files.readString(model.resolve("model.json"));
            assertThat(json).contains(edit.getKey());
            Files.writeString(model.resolve("model.json"), json.replace(edit.getKey(), edit.getValue()));

            Path refused = dir.resolve("refused" + n);
            assertThatThrownBy(() -> new SessionReplay().replay(doc, refused, new FigureExporter(), FORMATS,
                    ModelRuntime.DeviceChoice.CPU, false, ProgressSink.none()))
                    .isInstanceOf(SessionException.class).hasMessageContaining("model.json SHA-256")
                    .hasMessageContaining("has changed").hasMessageContaining("--allow-changed-model");
            assertThat(filesIn(refused)).isEmpty();

            Path allowed = dir.resolve("allowed" + n);
            SessionReplay.Result r = new SessionReplay().replay(doc, allowed, new FigureExporter(), FORMATS,
                    ModelRuntime.DeviceChoice.CPU, true, ProgressSink.none());
            assertThat(r.notes()).hasSize(1).allMatch(s -> s.contains("model.json SHA-256"));
            assertThat(allowed.resolve(SessionReplay.NOTE_FILE)).content().contains("--allow-changed-model")
                    .contains("model.json SHA-256");
            assertThat(r.files()).contains(allowed.resolve(SessionReplay.NOTE_FILE)).hasSizeGreaterThan(1);
            n++;
        }
    }

    @Test
    void aSessionWithoutHashesIsRefusedUnlessAllowed(@TempDir Path dir) throws Exception {
        for (SessionDocument.ModelReference ref : List.of(new SessionDocument.ModelReference("sample:tiny-cnn", "tiny-cnn", null),
                new SessionDocument.ModelReference("sample:tiny-cnn", "tiny-cnn",
                        SessionDocument.ModelReference.of("sample:tiny-cnn").weightsSha256(), null))) {
            SessionDocument doc = ReplayParameterTypesTest.roundTrip(dir, session(ref, List.of(explorer(1))));
            Path out = dir.resolve("refused");
            assertThatThrownBy(() -> new SessionReplay().replay(doc, out, new FigureExporter(), FORMATS,
                    ModelRuntime.DeviceChoice.CPU, ProgressSink.none()))
                    .isInstanceOf(SessionException.class).hasMessageContaining("records no SHA-256");
            assertThat(filesIn(out)).isEmpty();
            SessionReplay.Result r = new SessionReplay().replay(doc, dir.resolve("allowed"), new FigureExporter(), FORMATS,
                    ModelRuntime.DeviceChoice.CPU, true, ProgressSink.none());
            assertThat(r.notes()).isNotEmpty().allMatch(s -> s.contains("records no SHA-256"));
        }
    }

    @Test
    void aBadThirdEntryWritesNoFigureAtAll(@TempDir Path dir) throws Exception {
        SessionDocument.ModelReference model = SessionDocument.ModelReference.of("sample:tiny-cnn");
        // "index": "12" once replayed image 0; "targetClass": "Coat" once became the predicted class.
        // The others read well but do not fit the model or its data: found before anything runs.
        Map<String, Object[]> bad = new LinkedHashMap<>();
        bad.put("index", new Object[] {"12", "'index' must be a number, got \"12\" (a string)"});
        bad.put("targetClass", new Object[] {"Coat", "'targetClass' must be a number, got \"Coat\" (a string)"});
        bad.put("probePoint", new Object[] {"relu9", "no probe point 'relu9'"});
        bad.put("targetClass ", new Object[] {10, "'targetClass' is 10"});
        bad.put("index ", new Object[] {5000, "'index' is 5000"});
        for (Map.Entry<String, Object[]> b : bad.entrySet()) {
            Map<String, Object> third = new LinkedHashMap<>(explorer(12));
            third.put(b.getKey().trim(), b.getValue()[0]);
            SessionDocument doc = ReplayParameterTypesTest.roundTrip(dir,
                    session(model, List.of(explorer(1), explorer(2), third)));
            Path out = dir.resolve("out-" + b.getKey().trim() + b.getValue()[0]);
            assertThatThrownBy(() -> new SessionReplay().replay(doc, out, new FigureExporter(), FORMATS,
                    ModelRuntime.DeviceChoice.CPU, ProgressSink.none())).as(b.getKey() + " = " + b.getValue()[0])
                    .isInstanceOf(SessionException.class).hasMessageContaining("session entry 3 of 3 (method 'explorer')")
                    .hasMessageContaining((String) b.getValue()[1]);
            assertThat(filesIn(out)).as("nothing written for a session whose 3rd entry is bad").isEmpty();
        }
    }
}
