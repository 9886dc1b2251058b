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
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Opening a model checks its manifest against the network: each kind of lie in {@code model.json}
 * (input shape, a probe point's shape, the label count, the patch grid, a startable point, a
 * weights path outside the folder or not a regular file) is refused with a message naming the
 * field; the unedited copy opens.
 */
class ManifestCheckTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private Path copy(String sample) throws IOException {
        return copy(sample, sample);
    }

    private Path copy(String sample, String folder) throws IOException {
        Path dir = temp.resolve(folder);
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(Fixtures.dir(sample))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    private static Path edit(Path dir, Consumer<ObjectNode> change) throws IOException {
        Path manifest = dir.resolve("model.json");
        ObjectNode root = (ObjectNode) JSON.readTree(manifest.toFile());
        change.accept(root);
        JSON.writerWithDefaultPrettyPrinter().writeValue(manifest.toFile(), root);
        return dir;
    }

    private static ArrayNode ints(long... values) {
        ArrayNode a = JSON.createArrayNode();
        for (long v : values) {
            a.add(v);
        }
        return a;
    }

    private static void opens(Path dir) {
        try (ProbeableModel m = ModelLoader.open(dir, Device.cpu())) {
            assertThat(m.manifest().name()).isNotBlank();
        }
    }

    private static void refused(Path dir, String... parts) {
        assertThatThrownBy(() -> ModelLoader.open(dir, Device.cpu()).close())
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("model.json")
                .satisfies(e -> assertThat(e.getMessage()).contains(parts));
    }

    @Test
    void inputShapeTheModelDoesNotTakeIsRefused() throws IOException {
        // A CNN runs on the wrong size but gives other point shapes; an MLP and a ViT fail on it.
        refused(edit(copy("tiny-cnn"), r -> ((ObjectNode) r.get("input")).set("shape", ints(1, 20, 20))),
                "input.shape [1, 20, 20]", "probePoints[0] \"conv1\" shape [8, 28, 28]", "gives [8, 20, 20]");
        refused(edit(copy("tiny-mlp"), r -> ((ObjectNode) r.get("input")).set("shape", ints(13))), "input.shape [13]");
        refused(edit(copy("tiny-vit"), r -> ((ObjectNode) r.get("input")).set("shape", ints(1, 21, 21))),
                "input.shape [1, 21, 21]");
    }

    @Test
    void probePointShapeTheModelDoesNotGiveIsRefusedAndTheUneditedCopyOpens() throws IOException {
        for (String sample : List.of("tiny-cnn", "tiny-mlp", "tiny-vit", "fashion-cnn")) {
            opens(copy(sample, sample + "-unedited"));
        }
        refused(edit(copy("fashion-cnn"), r -> ((ObjectNode) r.get("probePoints").get(2)).set("shape", ints(128, 5, 5))),
                "probePoints[2] \"stage3\" shape [128, 5, 5] but the model gives [128, 7, 7]");
        refused(edit(copy("tiny-vit"), r -> ((ObjectNode) r.get("probePoints").get(0)).set("shape", ints(17, 31))),
                "probePoints[0] \"embed\" shape [17, 31] but the model gives [17, 32]");
        refused(edit(copy("tiny-mlp"), r -> ((ObjectNode) r.get("probePoints").get(4)).set("shape", ints(3))),
                "probePoints[4] \"fc3\" shape [3] but the model gives [2]");
    }

    @Test
    void labelCountOtherThanTheLogitsIsRefused() throws IOException {
        refused(edit(copy("tiny-cnn"), r -> ((ArrayNode) r.get("labels")).remove(9)), "labels", "9 classes", "10 logits");
        refused(edit(copy("tiny-mlp"), r -> ((ArrayNode) r.get("labels")).add("2")), "labels", "3 classes", "2 logits");
    }

    @Test
    void patchGridThatIsNotTheTokenGridIsRefused() throws IOException {
        refused(edit(copy("tiny-vit"), r -> r.set("patchGrid", ints(5, 5))), "patchGrid [5, 5]", "25 patches", "17");
    }

    @Test
    void startablePointThatCannotStartTheRunIsRefused() throws IOException {
        refused(edit(copy("tiny-vit"), r -> ((ObjectNode) r.get("probePoints").get(1)).put("startable", true)),
                "probePoints[1] \"blocks.0.attn.probs\"", "startable");
    }

    @Test
    void weightsOutsideTheModelFolderAreRefused() throws IOException {
        Path outside = Files.createDirectories(temp.resolve("elsewhere"));
        Files.copy(Fixtures.dir("tiny-cnn").resolve("model.pt"), outside.resolve("model.pt"));

        refused(edit(copy("tiny-cnn"), r -> r.put("file", "../elsewhere/model.pt")), "'file'", "outside the model directory");

        Path absolute = copy("tiny-cnn", "absolute");
        refused(edit(absolute, r -> r.put("file", outside.resolve("model.pt").toString())), "'file'", "outside the model directory");

        Path linked = copy("tiny-cnn", "linked");
        Files.delete(linked.resolve("model.pt"));
        Files.createSymbolicLink(linked.resolve("model.pt"), outside.resolve("model.pt"));
        refused(linked, "'file'", "outside the model directory");

        // Inside the folder, a detour through ../ and a link to another file of the folder are fine.
        Path inside = copy("tiny-cnn", "inside");
        Files.createDirectories(inside.resolve("sub"));
        Files.move(inside.resolve("model.pt"), inside.resolve("weights.pt"));
        Files.createSymbolicLink(inside.resolve("model.pt"), inside.resolve("weights.pt"));
        opens(edit(inside, r -> r.put("file", "sub/../model.pt")));
    }

    @Test
    void weightsThatAreNotARegularFileAreRefused() throws IOException, InterruptedException {
        Path fifo = copy("tiny-cnn");
        Files.delete(fifo.resolve("model.pt"));
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.resolve("model.pt").toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
        refused(fifo, "'file'", "model.pt", "not a regular file");

        Path folder = copy("tiny-cnn", "folder");
        Files.delete(folder.resolve("model.pt"));
        Files.createDirectories(folder.resolve("model.pt"));
        refused(folder, "'file'", "model.pt", "a directory");
    }
}
