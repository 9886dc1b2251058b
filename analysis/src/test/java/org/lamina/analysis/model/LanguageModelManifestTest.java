package org.lamina.analysis.model;

import ai.djl.Device;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A causal-lm manifest is read field by field; each fault names model.json and the field. */
class LanguageModelManifestTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private Path copy(Consumer<ObjectNode> edit) throws IOException {
        Path dir = Files.createTempDirectory(temp, "lm");
        try (Stream<Path> files = Files.list(ModelLocator.resolve("sample:tiny-llama"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        ObjectNode root = (ObjectNode) JSON.readTree(dir.resolve("model.json").toFile());
        edit.accept(root);
        JSON.writeValue(dir.resolve("model.json").toFile(), root);
        return dir;
    }

    private void refused(Consumer<ObjectNode> edit, String field, String expected) throws IOException {
        Path dir = copy(edit);
        assertThatThrownBy(() -> ModelLoader.open(dir, Device.cpu())).isInstanceOf(ModelException.class)
                .hasMessageContaining("model.json").hasMessageContaining(field).hasMessageContaining(expected);
    }

    @Test
    void readsTheSample() {
        ModelManifest mf = ManifestReader.read(ModelLocator.resolve("sample:tiny-llama"));
        assertThat(mf.kind()).isEqualTo("causal-lm");
        assertThat(mf.isCausalLm()).isTrue();
        LanguageModelSpec lm = mf.languageModel();
        assertThat(lm.vocabSize()).isEqualTo(64);
        assertThat(lm.maxLength()).isEqualTo(64);
        assertThat(lm.blocks()).isEqualTo(2);
        assertThat(lm.hiddenSize()).isEqualTo(32);
        assertThat(lm.tokenizer().padId()).isZero();
        assertThat(lm.tokenizer().bosId()).hasValue(1);
        assertThat(lm.tokenizer().addBos()).isTrue();
        assertThat(mf.probePoint("blocks.1").shape()).containsExactly(-1, 32);
        assertThat(mf.probePoint("blocks.0.attn.probs").sequenceAxis()).isEqualTo(1);
        assertThat(mf.probePoint("blocks.0.attn.probs").shapeFor(5)).containsExactly(4, 5, 5);
        assertThat(mf.labels()).isEmpty();
        // Image manifests keep their kind.
        assertThat(ManifestReader.read(Fixtures.dir("tiny-cnn")).kind()).isEqualTo("image");
    }

    @Test
    void unknownKindIsRefused() throws IOException {
        refused(r -> r.put("kind", "seq2seq"), "'kind'", "causal-lm");
    }

    @Test
    void inputMustBeTokens() throws IOException {
        refused(r -> ((ObjectNode) r.get("input")).put("kind", "image"), "'input.kind'", "\"tokens\"");
        refused(r -> ((ObjectNode) r.get("input")).put("vocabSize", 0), "'input.vocabSize'", "positive integer");
        refused(r -> ((ObjectNode) r.get("input")).remove("maxLength"), "'input.maxLength'", "positive integer");
    }

    @Test
    void tokenizerFieldsAreChecked() throws IOException {
        refused(r -> r.remove("tokenizer"), "'tokenizer'", "an object");
        refused(r -> ((ObjectNode) r.get("tokenizer")).put("file", "missing.json"), "'tokenizer.file'", "does not exist");
        refused(r -> ((ObjectNode) r.get("tokenizer")).put("padId", 64), "'tokenizer.padId'", "0 … 63");
        refused(r -> ((ObjectNode) r.get("tokenizer")).putNull("bosId"), "'tokenizer.bosId'", "addBos is true");
        refused(r -> ((ObjectNode) r.get("tokenizer")).put("addBos", "yes"), "'tokenizer.addBos'", "true or false");
    }

    @Test
    void blocksAndShapesAreChecked() throws IOException {
        refused(r -> r.put("blocks", 3), "'probePoints'", "\"blocks.2\"");
        refused(r -> r.put("hiddenSize", 31), "'probePoints[", "[-1, 31]");
        refused(r -> ((ArrayNode) ((ObjectNode) r.get("probePoints").get(0)).putArray("shape")).add(-2).add(32),
                "'probePoints[0].shape'", "-1 (the sequence length)");
    }

    @Test
    void theOpenTimeCheckCatchesWhatTheNetworkDoesNotDo() throws IOException {
        refused(r -> ((ObjectNode) r.get("input")).put("vocabSize", 65), "input.vocabSize is 65", "[1, 4, 65]");
        refused(r -> ((ArrayNode) ((ObjectNode) r.get("probePoints").get(3)).putArray("shape")).add(-1).add(63),
                "probePoints[3] \"blocks.0.mlp.act\"", "for 4 tokens");
        refused(r -> ((ObjectNode) r.get("probePoints").get(2)).put("startable", true),
                "probePoints[2] \"blocks.0.attn\"", "startable");
    }
}
