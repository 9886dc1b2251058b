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
        CliRun.Result r = CliRun.run("neuronpath", "sample:tiny-vit", "--class", "Trouser,Bag", "--images", "2", "--steps", "4",
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
        CliRun.Result steps = CliRun.run("neuronpath", "sample:tiny-vit", "--steps", "1", "--out", dir.toString());
        assertThat(steps.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(steps.err()).contains("--steps must be at least 2");
        CliRun.Result topK = CliRun.run("neuronpath", "sample:tiny-vit", "--class", "Bag", "--images", "1", "--top-k", "100",
                "--device", "cpu", "--out", dir.toString());
        assertThat(topK.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(topK.err()).contains("larger than the FFN width").contains("64");
        CliRun.Result cnn = CliRun.run("neuronpath", "sample:tiny-cnn", "--device", "cpu", "--out", dir.toString());
        assertThat(cnn.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(cnn.err()).contains("no FFN activation points").contains("lamina_export.py");
        CliRun.Result cls = CliRun.run("neuronpath", "sample:tiny-vit", "--class", "Sock", "--device", "cpu", "--out", dir.toString());
        assertThat(cls.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(cls.err()).contains("'Sock' is not a class");
        CliRun.Result base = CliRun.run("neuronpath", "sample:tiny-vit", "--baselines", "saliency", "--out", dir.toString());
        assertThat(base.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(base.err()).contains("unknown path method 'saliency'");
    }
}
