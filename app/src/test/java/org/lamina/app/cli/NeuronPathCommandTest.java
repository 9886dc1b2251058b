package org.lamina.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code lamina neuronpath} on the tiny ViT fixture: JSON keys, figures, bad input. */
class NeuronPathCommandTest {

    @Test
    void writesJsonWithEveryMethodAndTheFigures(@TempDir Path dir) throws Exception {
        CliRun.Result r = CliRun.run("neuronpath", "sample:tiny-vit", "--data", "sample:fashion-test", "--class", "Trouser,Bag", "--images", "2", "--steps", "4",
                "--device", "cpu", "--quiet", "--dpi", "72", "--out", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(dir.resolve("neuronpath.json").toFile());
        for (String m : new String[] {"jas", "activation", "influence", "ig", "random"}) {
            assertThat(j.has(m)).as(m).isTrue();
            assertThat(j.get(m).get("paths")).hasSize(4);
            assertThat(j.get(m).get("paths").get(0)).hasSize(2); // 2 blocks × top-1: [block, neuron] pairs
            assertThat(j.get(m).get("paths").get(0).get(1).get(0).asInt()).isEqualTo(1);
            assertThat(j.get(m).get("meanJas").isNumber()).isTrue();
            assertThat(j.get(m).get("jasPerClass").has("Trouser")).isTrue();
            JsonNode man = j.get("manipulation").get(m);
            for (String k : new String[] {"removeProbDev", "enhanceProbDev", "removeAccDev", "enhanceAccDev"}) {
                assertThat(man.get(k).isNumber()).as(m + "." + k).isTrue();
            }
        }
        assertThat(j.get("classSimilarity").get("matrix")).hasSize(2);
        assertThat(j.get("provenance").get("weightsSha256").asText()).hasSize(64);
        assertThat(j.get("parameters").get("steps").asInt()).isEqualTo(4);
        for (String f : new String[] {"neuronpath-graph.png", "neuronpath-jas.svg", "neuronpath-manipulation.pdf",
            "neuronpath-class-similarity.csv"}) {
            assertThat(Files.size(dir.resolve(f))).as(f).isPositive();
        }
        assertThat(r.out()).contains("JAS (paper)").contains("mean JAS(P)");
    }

    @Test
    void badInputIsReportedWithExitCode2(@TempDir Path dir) {
        CliRun.Result steps = CliRun.run("neuronpath", "sample:tiny-vit", "--data", "sample:fashion-test", "--steps", "1", "--out", dir.toString());
        assertThat(steps.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(steps.err()).contains("--steps must be at least 2");
        CliRun.Result topK = CliRun.run("neuronpath", "sample:tiny-vit", "--data", "sample:fashion-test", "--class", "Bag", "--images", "1", "--top-k", "100",
                "--device", "cpu", "--out", dir.toString());
        assertThat(topK.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(topK.err()).contains("larger than the FFN width").contains("64");
        CliRun.Result cnn = CliRun.run("neuronpath", "sample:tiny-cnn", "--data", "sample:fashion-test", "--device", "cpu", "--out", dir.toString());
        assertThat(cnn.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(cnn.err()).contains("no FFN activation points").contains("lamina_export.py");
        CliRun.Result cls = CliRun.run("neuronpath", "sample:tiny-vit", "--data", "sample:fashion-test", "--class", "Sock", "--device", "cpu", "--out", dir.toString());
        assertThat(cls.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(cls.err()).contains("'Sock' is not a class");
        CliRun.Result base = CliRun.run("neuronpath", "sample:tiny-vit", "--data", "sample:fashion-test", "--baselines", "saliency", "--out", dir.toString());
        assertThat(base.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(base.err()).contains("unknown path method 'saliency'");
        CliRun.Result mem = CliRun.run("neuronpath", "sample:tiny-vit", "--data", "sample:fashion-test", "--memory", "4x", "--out", dir.toString());
        assertThat(mem.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(mem.err()).contains("--memory must be a size such as 4g");
    }

    /** A session with one neuron-path run (as the panel records it) replays into the CLI's figures. */
    @Test
    void sessionEntryReplaysIntoTheFigures(@TempDir Path dir) throws Exception {
        var p = new org.lamina.analysis.neuronpath.NeuronPathParameters("sample:fashion-test", java.util.List.of("Trouser", "Bag"),
                1, 4, 1, java.util.List.of(org.lamina.analysis.neuronpath.PathMethod.ACTIVATION,
                        org.lamina.analysis.neuronpath.PathMethod.RANDOM), 42,
                org.lamina.analysis.neuronpath.TokenMode.CLS, java.util.List.of());
        var doc = new org.lamina.analysis.session.SessionDocument(1, "2026-01-01T00:00:00Z",
                org.lamina.analysis.session.SessionDocument.ModelReference.of("sample:tiny-vit"),
                "sample:fashion-test", 42, java.util.Map.of(), java.util.List.of(
                        new org.lamina.analysis.session.SessionDocument.AnalysisEntry("neuronpath",
                                org.lamina.analysis.neuronpath.NeuronPathReplay.METHOD, p.toMap(), java.util.Map.of())));
        Path session = org.lamina.analysis.session.SessionFile.write(dir.resolve("np.lamina.json"), doc);
        Path figures = dir.resolve("replayed");
        CliRun.Result replay = CliRun.run("replay", session.toString(), "--out", figures.toString(), "--format", "png,csv",
                "--device", "cpu");
        assertThat(replay.code()).as(replay.err()).isZero();
        for (String f : new String[] {"path-graph", "jas-boxplot", "manipulation", "class-similarity"}) {
            assertThat(figures.resolve("01-neuronpath-" + f + ".png")).as(f).isNotEmptyFile();
            assertThat(figures.resolve("01-neuronpath-" + f + ".csv")).as(f).isNotEmptyFile();
        }
        // the JAS box plot's data: one row per method and class (jas, activation, random × Trouser, Bag)
        java.util.List<String> jas = Files.readAllLines(figures.resolve("01-neuronpath-jas-boxplot.csv"));
        assertThat(jas).hasSize(1 + 3 * 2);
        assertThat(jas.subList(1, jas.size()).stream().map(l -> l.split(",")[0]).distinct().toList())
                .containsExactly("jas", "activation", "random");
    }
}
