package org.lamina.app.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lamina.analysis.explorer.ExplorerParameters;
import org.lamina.analysis.model.ModelLocator;
import org.lamina.analysis.session.SessionDocument;
import org.lamina.analysis.session.SessionFile;
import org.lamina.analysis.session.SessionReplay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #16 class 5 at the command line: {@code lamina replay} refuses a model whose
 * {@code model.json} changed since the session was saved (exit 2), replays it with
 * {@code --allow-changed-model} and says so on stdout and in a note beside the figures, and
 * writes nothing for a session whose 3rd entry holds a mistyped parameter.
 */
class ReplayIntegrityTest {

    @TempDir
    Path dir;

    private Path session(SessionDocument.ModelReference model, List<Map<String, Object>> entries) {
        List<SessionDocument.AnalysisEntry> list = entries.stream()
                .map(p -> new SessionDocument.AnalysisEntry("explorer", "explorer", p, Map.of())).toList();
        return SessionFile.write(dir.resolve("s" + SessionFile.SUFFIX), new SessionDocument(1, "2026-01-01T00:00:00Z", model,
                "sample:fashion-test", 42, Map.of(), list));
    }

    @Test
    void aChangedModelJsonIsExitTwoAndReplaysWithTheFlagSayingSo() throws Exception {
        Path model = Files.createDirectories(dir.resolve("model"));
        for (String f : List.of("model.json", "model.pt")) {
            Files.copy(ModelLocator.samplesDirectory().resolve("tiny-cnn").resolve(f), model.resolve(f));
        }
        Path s = session(SessionDocument.ModelReference.of(model.toString()),
                List.of(ExplorerParameters.ofDataSet("sample:fashion-test", 2, "relu2", -1).toMap()));
        String json = Files.readString(model.resolve("model.json"));
        Files.writeString(model.resolve("model.json"), json.replace("0.353", "0.5"));

        Path out = dir.resolve("figures");
        CliRun.Result refused = CliRun.run("replay", s.toString(), "--out", out.toString(), "--format", "csv", "--device", "cpu");
        assertThat(refused.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(refused.err()).contains("s.lamina.json").contains("model.json SHA-256").contains("--allow-changed-model");
        assertThat(out).doesNotExist();

        CliRun.Result allowed = CliRun.run("replay", s.toString(), "--out", out.toString(), "--format", "csv", "--device", "cpu",
                "--allow-changed-model", "--quiet");
        assertThat(allowed.code()).as(allowed.err()).isZero();
        assertThat(allowed.out()).contains("WARNING").contains("model.json SHA-256").contains(SessionReplay.NOTE_FILE);
        assertThat(out.resolve(SessionReplay.NOTE_FILE)).content().contains("model.json SHA-256");
        assertThat(out.resolve("01-explorer-top5.csv")).isRegularFile();
    }

    @Test
    void aSessionWhoseThirdEntryIsMistypedWritesNothing() {
        Map<String, Object> bad = new LinkedHashMap<>(ExplorerParameters.ofDataSet("sample:fashion-test", 12, "relu2", -1).toMap());
        bad.put("index", "12");
        Path s = session(SessionDocument.ModelReference.of("sample:tiny-cnn"), List.of(
                ExplorerParameters.ofDataSet("sample:fashion-test", 1, "relu2", -1).toMap(),
                ExplorerParameters.ofDataSet("sample:fashion-test", 2, "relu2", -1).toMap(), bad));
        Path out = dir.resolve("figures");
        CliRun.Result r = CliRun.run("replay", s.toString(), "--out", out.toString(), "--format", "csv", "--device", "cpu");
        assertThat(r.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("session entry 3 of 3").contains("'index'").contains("\"12\" (a string)");
        assertThat(out).doesNotExist();
    }
}
