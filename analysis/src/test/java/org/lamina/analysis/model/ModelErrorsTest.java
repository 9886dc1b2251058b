package org.lamina.analysis.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad input gets one clear message naming the file or field and what was expected. */
class ModelErrorsTest {

    @TempDir
    Path temp;

    private Path copyOfTinyCnn() throws IOException {
        Path dir = temp.resolve("tiny-cnn");
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(Fixtures.dir("tiny-cnn"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    private static void edit(Path manifest, String from, String to) throws IOException {
        String json = Files.readString(manifest);
        if (!json.contains(from)) {
            throw new IllegalStateException("fixture manifest changed: cannot find " + from);
        }
        Files.writeString(manifest, json.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to)));
    }

    @Test
    void missingWeightsFileIsNamed() throws IOException {
        Path dir = copyOfTinyCnn();
        Files.delete(dir.resolve("model.pt"));
        assertThatThrownBy(() -> ModelLoader.open(dir, Device.cpu()))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("model.json").hasMessageContaining("'file'").hasMessageContaining("model.pt")
                .hasMessageContaining("does not exist");
    }

    @Test
    void missingManifestIsNamed() throws IOException {
        Path dir = copyOfTinyCnn();
        Files.delete(dir.resolve("model.json"));
        assertThatThrownBy(() -> ModelLoader.open(dir, Device.cpu()))
                .isInstanceOf(ModelException.class).hasMessageContaining("model.json").hasMessageContaining("not found");
    }

    @Test
    void probePointTheModelLacksIsNamed() throws IOException {
        Path dir = copyOfTinyCnn();
        edit(dir.resolve("model.json"), "\"name\": \"conv1\"", "\"name\": \"conv9\"");
        assertThatThrownBy(() -> ModelLoader.open(dir, Device.cpu()))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("probe point 'conv9'").hasMessageContaining("not in the model file");
    }

    @Test
    void corruptTorchScriptFileIsReported() throws IOException {
        Path dir = copyOfTinyCnn();
        Files.write(dir.resolve("model.pt"), "not a zip archive".getBytes());
        assertThatThrownBy(() -> ModelLoader.open(dir, Device.cpu()))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("model.pt").hasMessageContaining("not a loadable TorchScript file");
    }

    @Test
    void invalidJsonReportsLineAndColumn() throws IOException {
        Path dir = copyOfTinyCnn();
        Files.writeString(dir.resolve("model.json"), "{\n  \"name\": \"x\",\n  oops\n}");
        assertThatThrownBy(() -> ManifestReader.read(dir))
                .isInstanceOf(ModelException.class).hasMessageContaining("not valid JSON at line 3");
    }

    @Test
    void badFieldsAreNamedWithWhatWasExpected() throws IOException {
        Path dir = copyOfTinyCnn();
        edit(dir.resolve("model.json"), "\"std\": [", "\"std\": [-1, ");
        assertThatThrownBy(() -> ManifestReader.read(dir))
                .isInstanceOf(ModelException.class).hasMessageContaining("field 'input.std'");
        Path dir2 = temp.resolve("other");
        Files.createDirectories(dir2);
        Files.writeString(dir2.resolve("model.json"), "{\"name\": \"m\", \"format\": \"onnx\"}");
        assertThatThrownBy(() -> ManifestReader.read(dir2))
                .isInstanceOf(ModelException.class).hasMessageContaining("field 'format'").hasMessageContaining("onnx");
    }

    @Test
    void wrongInputShapeSaysWhatWasExpected() {
        try (ProbeableModel model = ModelLoader.open(Fixtures.dir("tiny-cnn"), Device.cpu());
             NDManager m = NDManager.newBaseManager()) {
            var wrong = m.zeros(new Shape(2, 3, 28, 28));
            assertThatThrownBy(() -> model.run(m, RunRequest.fromInput(wrong).build()))
                    .isInstanceOf(ModelException.class)
                    .hasMessageContaining("wrong input shape").hasMessageContaining("1, 28, 28").hasMessageContaining("(2, 3, 28, 28)");
            var x = m.zeros(new Shape(2, 1, 28, 28));
            assertThatThrownBy(() -> model.run(m, RunRequest.fromInput(x).capture("nope").build()))
                    .isInstanceOf(ModelException.class).hasMessageContaining("no probe point 'nope'");
        }
    }

    @Test
    void nonStartablePointIsRefused() {
        try (ProbeableModel model = ModelLoader.open(Fixtures.dir("tiny-vit"), Device.cpu());
             NDManager m = NDManager.newBaseManager()) {
            var h = m.zeros(new Shape(1, 17, 64));
            assertThatThrownBy(() -> model.run(m, RunRequest.startingAt("blocks.0.mlp.act", h).build()))
                    .isInstanceOf(ModelException.class).hasMessageContaining("cannot start at 'blocks.0.mlp.act'");
        }
    }

    @Test
    void unknownSampleNameListsTheSamples() {
        assertThatThrownBy(() -> ModelLocator.resolve("sample:no-such-model"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("unknown sample model 'no-such-model'").hasMessageContaining("sample:tiny-cnn");
    }
}
