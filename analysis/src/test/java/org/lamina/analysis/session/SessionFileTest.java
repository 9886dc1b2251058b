package org.lamina.analysis.session;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lamina.analysis.explorer.ExplorerParameters;
import org.lamina.analysis.export.ExportFormat;
import org.lamina.analysis.export.FigureExporter;
import org.lamina.analysis.job.ProgressSink;
import org.lamina.analysis.model.ModelRuntime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionFileTest {

    static SessionDocument explorerSession(String sha) {
        return explorerSession(new SessionDocument.ModelReference("sample:tiny-cnn", "tiny-cnn", sha));
    }

    static SessionDocument explorerSession(SessionDocument.ModelReference model) {
        String data = "sample:fashion-test";
        Map<String, Object> params = ExplorerParameters.ofDataSet(data, 3, "relu2", -1).toMap();
        return new SessionDocument(SessionDocument.FORMAT_VERSION, "2026-01-01T00:00:00Z", model, data, 42,
                Map.of("engine", "test"), List.of(new SessionDocument.AnalysisEntry("explorer", "explorer", params, Map.of())));
    }

    @Test
    void saveThenOpenRoundTrips(@TempDir Path dir) {
        SessionDocument s = explorerSession("abc");
        Path f = SessionFile.write(dir.resolve("a" + SessionFile.SUFFIX), s);
        SessionDocument back = SessionFile.read(f);
        assertThat(back).isEqualTo(s);
        assertThat(back.dataSet()).isEqualTo("sample:fashion-test");
        assertThat(ExplorerParameters.fromMap(back.analyses().get(0).parameters()))
                .isEqualTo(ExplorerParameters.fromMap(s.analyses().get(0).parameters()));
    }

    /** The open feature store travels with a session; a session written before it existed reads without one. */
    @Test
    void theFeatureStoreViewRoundTripsAndIsOptional(@TempDir Path dir) throws Exception {
        SessionDocument plain = explorerSession("abc");
        SessionDocument s = new SessionDocument(plain.formatVersion(), plain.created(), plain.model(), plain.dataSet(),
                plain.seed(), plain.versions(), plain.analyses(),
                new SessionDocument.FeatureStoreView("/data/stores/fashion", "label = 4"));
        SessionDocument back = SessionFile.read(SessionFile.write(dir.resolve("s" + SessionFile.SUFFIX), s));
        assertThat(back).isEqualTo(s);
        assertThat(back.featureStore().filter()).isEqualTo("label = 4");
        Path old = Files.writeString(dir.resolve("old" + SessionFile.SUFFIX),
                "{\"formatVersion\": 1, \"model\": {\"path\": \"sample:tiny-cnn\"}, \"seed\": 3}");
        assertThat(SessionFile.read(old).featureStore()).isNull();
        Path noPath = Files.writeString(dir.resolve("np" + SessionFile.SUFFIX),
                "{\"formatVersion\": 1, \"model\": {\"path\": \"x\"}, \"featureStore\": {\"filter\": \"a\"}}");
        assertThatThrownBy(() -> SessionFile.read(noPath)).isInstanceOf(SessionException.class)
                .hasMessageContaining("featureStore.path");
    }

    @Test
    void corruptAndNewerFilesGiveClearErrors(@TempDir Path dir) throws Exception {
        Path corrupt = Files.writeString(dir.resolve("c.lamina.json"), "{\"formatVersion\": 1, \"model\": {");
        assertThatThrownBy(() -> SessionFile.read(corrupt)).isInstanceOf(SessionException.class)
                .hasMessageContaining("c.lamina.json").hasMessageContaining("corrupt JSON at line 1");
        Path newer = Files.writeString(dir.resolve("n.lamina.json"), "{\"formatVersion\": 99, \"model\": {\"path\": \"x\"}}");
        assertThatThrownBy(() -> SessionFile.read(newer)).isInstanceOf(SessionException.class)
                .hasMessageContaining("version 99").hasMessageContaining("newer Lamina");
        Path notSession = Files.writeString(dir.resolve("x.lamina.json"), "[1, 2]");
        assertThatThrownBy(() -> SessionFile.read(notSession)).hasMessageContaining("expected a JSON object");
        Path noModel = Files.writeString(dir.resolve("m.lamina.json"), "{\"formatVersion\": 1}");
        assertThatThrownBy(() -> SessionFile.read(noModel)).hasMessageContaining("model.path");
    }

    @Test
    void replayRedoesTheAnalysesAndWritesTheirFigures(@TempDir Path dir) throws Exception {
        SessionDocument.ModelReference model = SessionDocument.ModelReference.of("sample:tiny-cnn");
        List<Path> files = new SessionReplay().replay(explorerSession(model), dir, new FigureExporter(),
                EnumSet.of(ExportFormat.PNG, ExportFormat.CSV), ModelRuntime.DeviceChoice.CPU, ProgressSink.none());
        assertThat(files).extracting(p -> p.getFileName().toString()).contains(
                "01-explorer-top5.png", "01-explorer-maps.png", "01-explorer-histogram.csv", "01-explorer-saliency.png");
        assertThat(ImageIO.read(dir.resolve("01-explorer-saliency.png").toFile())).isNotNull();

        assertThatThrownBy(() -> new SessionReplay().replay(explorerSession(new SessionDocument.ModelReference(
                "sample:tiny-cnn", "tiny-cnn", "0".repeat(64), model.manifestSha256())), dir, new FigureExporter(),
                EnumSet.of(ExportFormat.PNG), ModelRuntime.DeviceChoice.CPU, ProgressSink.none()))
                .isInstanceOf(SessionException.class).hasMessageContaining("has changed");
    }

    @Test
    void samplePathsArePortable() {
        java.nio.file.Path model = org.lamina.analysis.model.ModelLocator.samplesDirectory().resolve("tiny-cnn");
        assertThat(PortablePath.of(model)).isEqualTo("samples:tiny-cnn");
        assertThat(PortablePath.resolve("samples:tiny-cnn")).isEqualTo(model);
        java.nio.file.Path elsewhere = java.nio.file.Path.of("/tmp/x/model").toAbsolutePath();
        assertThat(PortablePath.resolve(PortablePath.of(elsewhere))).isEqualTo(elsewhere);
    }
}
