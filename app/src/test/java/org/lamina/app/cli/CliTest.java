package org.lamina.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI as a user runs it: exit codes, JSON fields, one-line errors. */
class CliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private static CliRun.Result run(String... args) {
        return CliRun.run(args);
    }

    @Test
    void helpListsTheSubcommands() {
        CliRun.Result r = run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("models", "inspect", "predict", "replay", "screenshots", "--model");
    }

    @Test
    void withoutADisplayTheWindowCommandSaysWhatToDo() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("DISPLAY") == null && System.getenv("WAYLAND_DISPLAY") == null);
        CliRun.Result r = run();
        assertThat(r.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("no display").contains("xvfb-run").contains("screenshots");
    }

    @Test
    void replayRedoesASessionAndRefusesACorruptOne() throws Exception {
        var params = org.lamina.analysis.explorer.ExplorerParameters.ofDataSet("sample:fashion-test", 1, "conv2", -1).toMap();
        var doc = new org.lamina.analysis.session.SessionDocument(1, "2026-01-01T00:00:00Z",
                org.lamina.analysis.session.SessionDocument.ModelReference.of("sample:tiny-cnn"),
                "sample:fashion-test", 42, java.util.Map.of(), java.util.List.of(
                        new org.lamina.analysis.session.SessionDocument.AnalysisEntry("explorer", "explorer", params, java.util.Map.of())));
        Path session = org.lamina.analysis.session.SessionFile.write(temp.resolve("s.lamina.json"), doc);
        Path out = temp.resolve("figures");
        CliRun.Result r = run("replay", session.toString(), "--out", out.toString(), "--format", "png,csv", "--device", "cpu");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(out.resolve("01-explorer-maps.png")).isRegularFile();
        assertThat(ImageIO.read(out.resolve("01-explorer-saliency.png").toFile()).getWidth()).isGreaterThan(900);
        assertThat(java.nio.file.Files.readAllLines(out.resolve("01-explorer-top5.csv"))).hasSize(6);
        assertThat(r.out()).contains("8 files from 1 analyses");

        Path corrupt = java.nio.file.Files.writeString(temp.resolve("c.lamina.json"), "{\"formatVersion\": ");
        CliRun.Result bad = run("replay", corrupt.toString(), "--out", out.toString());
        assertThat(bad.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(bad.err()).contains("c.lamina.json").contains("corrupt JSON");
    }

    @Test
    void modelsListsTheBundledFixtures() throws Exception {
        CliRun.Result r = run("models", "--json");
        assertThat(r.code()).isZero();
        JsonNode models = JSON.readTree(r.out()).get("models");
        assertThat(models.findValuesAsText("model")).contains("sample:tiny-cnn", "sample:tiny-vit", "sample:tiny-mlp");
    }

    @Test
    void inspectGivesProbePointsWithShapesAndParameterCount() throws Exception {
        CliRun.Result r = run("inspect", "sample:tiny-vit", "--json", "--device", "cpu");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode root = JSON.readTree(r.out());
        assertThat(root.get("parameters").asLong()).isPositive();
        assertThat(root.get("probePoints").findValuesAsText("name")).contains("blocks.0.mlp.act", "blocks.1", "norm");
        assertThat(root.get("patchGrid").toString()).isEqualTo("[4,4]");
        assertThat(root.get("device").asText()).contains("cpu");
    }

    @Test
    void predictClassifiesAPngWithProbabilitiesThatSumToOne() throws Exception {
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                img.setRGB(x, y, (x * 6) << 16 | (y * 8) << 8 | 100);
            }
        }
        Path png = temp.resolve("shirt.png");
        ImageIO.write(img, "png", png.toFile());
        CliRun.Result r = run("predict", "sample:tiny-cnn", png.toString(), "--top", "10", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode root = JSON.readTree(r.out());
        JsonNode preds = root.get("predictions");
        assertThat(preds).hasSize(10);
        double sum = 0;
        for (JsonNode p : preds) {
            sum += p.get("probability").asDouble();
            assertThat(p.has("label") && p.has("index")).isTrue();
        }
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(root.get("logits")).hasSize(10);
        assertThat(preds.get(0).get("probability").asDouble()).isGreaterThanOrEqualTo(preds.get(1).get("probability").asDouble());
    }

    @Test
    void manifestThatLiesAboutItsModelIsBadInputNamingTheField() throws Exception {
        Path dir = java.nio.file.Files.createDirectories(temp.resolve("tiny-cnn"));
        Path sample = org.lamina.analysis.model.ModelLocator.resolve("sample:tiny-cnn");
        java.nio.file.Files.copy(sample.resolve("model.pt"), dir.resolve("model.pt"));
        com.fasterxml.jackson.databind.node.ObjectNode manifest =
                (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(sample.resolve("model.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) manifest.get("probePoints").get(4)).putArray("shape").add(16).add(7).add(7);
        JSON.writeValue(dir.resolve("model.json").toFile(), manifest);

        CliRun.Result r = run("inspect", dir.toString(), "--device", "cpu");
        assertThat(r.code()).as(r.out()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("model.json: probePoints[4] \"relu2\" shape [16, 7, 7] but the model gives [16, 14, 14]");
    }

    @Test
    void errorsAreOneLineWithANonZeroExit() {
        CliRun.Result unknown = run("inspect", "sample:no-such-model");
        assertThat(unknown.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(unknown.err().strip()).startsWith("lamina: unknown sample model 'no-such-model'").doesNotContain("\n");
        CliRun.Result missing = run("predict", "sample:tiny-cnn", temp.resolve("missing.png").toString());
        assertThat(missing.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(missing.err()).contains("missing.png: file not found");
        CliRun.Result device = run("inspect", "sample:tiny-cnn", "--device", "tpu");
        assertThat(device.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(device.err()).contains("device must be auto, cpu or gpu");
    }
}
