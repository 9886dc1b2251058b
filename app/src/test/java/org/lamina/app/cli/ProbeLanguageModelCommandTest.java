package org.lamina.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lamina probe} on a decoder language model (issue #19): text rule file, plain text CSV, refusals. */
class ProbeLanguageModelCommandTest {

    @TempDir
    Path temp;

    static Path fixture() throws Exception {
        return Path.of(ProbeLanguageModelCommandTest.class.getResource("/lm-concepts-fixture/lm-concepts.json").toURI());
    }

    @Test
    void probesTinyLlamaOnATextRuleFileEndToEnd() throws Exception {
        Path dir = temp.resolve("cd");
        CliRun.Result r = CliRun.run("probe", "sample:tiny-llama", "--concepts", fixture().toString(), "--export-features",
                "--quiet", "--dpi", "72", "--out", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("simple", "fact", "control", "logit lens");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("probe.json").toFile());
        assertThat(json.get("model").asText()).isEqualTo("tiny-llama");
        assertThat(json.get("parameters").get("pooling").asText()).isEqualToIgnoringCase("last");
        assertThat(json.get("concepts").get(0).get("points").toString()).isEqualTo("[\"embed\",\"blocks.0\",\"blocks.1\"]");
        assertThat(json.get("provenance").get("textFeatures").asText()).contains("last real token");
        for (String f : new String[] {"probe.csv", "features-simple.npz", "features-control.npz", "accuracy-by-layer.png",
            "accuracy-by-relative-depth.png", "depth-bars.png", "selectivity.png", "logit-lens.png"}) {
            assertThat(dir.resolve(f)).isNotEmptyFile();
        }
        // a noise variant overlaid on the clean run
        Path noisy = temp.resolve("noisy");
        CliRun.Result o = CliRun.run("probe", "sample:tiny-llama", "--concepts", fixture().toString(), "--noise", "0.3",
                "--precision", "int8", "--quiet", "--dpi", "72", "--overlay", dir.resolve("probe.json").toString(),
                "--out", noisy.toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(Files.readString(noisy.resolve("accuracy-by-relative-depth.csv"))).contains("int8");
    }

    @Test
    void aPlainTextCsvWorksAndMismatchesAreRefused() throws Exception {
        Path csv = fixture().resolveSibling("simple.csv");
        CliRun.Result r = CliRun.run("probe", "sample:tiny-llama", "--concepts", csv.toString(), "--quiet", "--dpi", "72",
                "--out", temp.resolve("csv").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("simple");
        CliRun.Result data = CliRun.run("probe", "sample:tiny-llama", "--concepts", csv.toString(), "--data",
                "sample:fashion-test", "--quiet", "--out", temp.resolve("x").toString());
        assertThat(data.code()).isEqualTo(2);
        assertThat(data.err()).contains("--data", "language model", "Leave out --data");
        CliRun.Result image = CliRun.run("probe", "sample:tiny-llama", "--concepts", "sample:fashion-concepts", "--quiet",
                "--out", temp.resolve("y").toString());
        assertThat(image.code()).isEqualTo(2);
        assertThat(image.err()).contains("is an image concept set", "causal-lm");
        CliRun.Result text = CliRun.run("probe", "sample:tiny-cnn", "--concepts", fixture().toString(), "--quiet",
                "--out", temp.resolve("z").toString());
        assertThat(text.code()).isEqualTo(2);
        assertThat(text.err()).contains("is a text concept set", "image model 'tiny-cnn'");
        CliRun.Result cls = CliRun.run("probe", "sample:tiny-llama", "--concepts", csv.toString(), "--token", "cls",
                "--quiet", "--out", temp.resolve("w").toString());
        assertThat(cls.code()).isEqualTo(2);
        assertThat(cls.err()).contains("no class token");
    }
}
