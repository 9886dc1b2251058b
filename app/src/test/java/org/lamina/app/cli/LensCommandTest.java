package org.lamina.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lamina lens} on the bundled tiny Llama; refusals before anything is computed. */
class LensCommandTest {

    @TempDir
    Path temp;

    @Test
    void writesFigureDataAndJsonAndPrintsTheGrid() throws Exception {
        Path out = temp.resolve("lens");
        CliRun.Result r = CliRun.run("lens", "sample:tiny-llama", "--text", "The capital of France is", "--color", "kl",
                "--dpi", "100", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("embed", "blocks.0", "blocks.1", "'France'");
        for (String f : new String[] {"logit-lens.png", "logit-lens.svg", "logit-lens.pdf", "logit-lens.csv", "logit-lens.json",
                "lamina-run-lens.json"}) {
            assertThat(out.resolve(f)).as(f).isRegularFile();
            assertThat(Files.size(out.resolve(f))).as(f).isGreaterThan(0);
        }
        // 3 layers x 6 tokens + header.
        assertThat(Files.readAllLines(out.resolve("logit-lens.csv"))).hasSize(19);
        JsonNode doc = new ObjectMapper().readTree(out.resolve("logit-lens.json").toFile());
        JsonNode last = doc.get("layers").get(2);
        assertThat(last.get("layer").asText()).isEqualTo("blocks.1");
        for (JsonNode kl : last.get("klNats")) {
            assertThat(kl.asDouble()).isLessThan(1e-5);
        }
        // Matches predict's next token after the whole prompt.
        CliRun.Result p = CliRun.run("predict", "sample:tiny-llama", "--text", "The capital of France is", "--top", "1", "--json");
        JsonNode next = new ObjectMapper().readTree(p.out()).get("results").get(0).get("next").get(0);
        assertThat(last.get("topIds").get(5).asInt()).isEqualTo(next.get("id").asInt());
    }

    @Test
    void imageModelIsRefusedWithExitTwo() {
        Path out = temp.resolve("never");
        CliRun.Result r = CliRun.run("lens", "sample:tiny-mlp", "--text", "hello", "--out", out.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("image model", "causal-lm");
        assertThat(out).doesNotExist();
    }

    @Test
    void badOptionsAreRefusedBeforeLoading() {
        assertThat(CliRun.run("lens", "sample:tiny-llama", "--text", "x", "--color", "rainbow").code()).isEqualTo(2);
        CliRun.Result blank = CliRun.run("lens", "sample:tiny-llama", "--text", "  ");
        assertThat(blank.code()).isEqualTo(2);
        assertThat(blank.err()).contains("--text is empty");
        CliRun.Result dpi = CliRun.run("lens", "sample:tiny-llama", "--text", "x", "--dpi", "5");
        assertThat(dpi.code()).isEqualTo(2);
    }
}
