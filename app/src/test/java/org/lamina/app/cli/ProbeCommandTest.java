package org.lamina.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lamina probe}: probe.json with the keys the issue names, features, figures; bad input in one line, exit 2. */
class ProbeCommandTest {

    @TempDir
    Path temp;

    @Test
    void writesProbeJsonFeaturesAndFigures() throws Exception {
        Path dir = temp.resolve("p");
        CliRun.Result r = CliRun.run("probe", "sample:tiny-vit", "--concepts", "sample:fashion-concepts", "--max-samples", "60",
                "--lens-samples", "20", "--export-features", "--quiet", "--dpi", "72", "--out", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("bright", "shirt-vs-tshirt", "threshold", "logit lens");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("probe.json").toFile());
        assertThat(json.get("model").asText()).isEqualTo("tiny-vit");
        JsonNode first = json.get("concepts").get(0);
        for (String key : new String[] {"name", "points", "acc", "f1", "auc", "depth", "selectivity"}) {
            assertThat(first.has(key)).as(key).isTrue();
        }
        assertThat(first.get("points")).hasSize(4);
        assertThat(first.get("acc")).hasSize(4);
        for (String key : new String[] {"threshold", "jump", "converge"}) {
            assertThat(first.get("depth").get(key).has("layer")).isTrue();
            assertThat(first.get("depth").get(key).has("relative")).isTrue();
        }
        assertThat(json.get("logitLens").get("kl")).hasSize(3);
        for (String f : new String[] {"probe.csv", "features-bright.npz", "features-control.npz", "accuracy-by-layer.png",
            "accuracy-by-layer.svg", "accuracy-by-layer.pdf", "accuracy-by-layer.csv", "accuracy-by-relative-depth.png",
            "depth-bars.png", "selectivity.png", "logit-lens.png", "logit-lens.csv"}) {
            assertThat(dir.resolve(f)).isNotEmptyFile();
        }
        // a second run overlays the first on relative depth
        Path second = temp.resolve("q");
        CliRun.Result o = CliRun.run("probe", "sample:tiny-cnn", "--concepts", "sample:fashion-concepts", "--max-samples", "40",
                "--points", "conv1,gap,fc", "--noise", "0.1", "--quiet", "--dpi", "72", "--overlay",
                dir.resolve("probe.json").toString(), "--out", second.toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(Files.readString(second.resolve("accuracy-by-relative-depth.csv"))).contains("tiny-vit", "tiny-cnn (σ=0.1)");
    }

    @Test
    void badConceptCsvIsOneLineWithExitCode2() throws Exception {
        Path csv = Files.writeString(temp.resolve("bad.csv"), "path_or_index,label\nnot-there.png,1\n");
        CliRun.Result r = CliRun.run("probe", "sample:tiny-cnn", "--concepts", csv.toString(), "--out", temp.resolve("x").toString());
        assertThat(r.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("bad.csv").contains("unknown path 'not-there.png'");
        CliRun.Result p = CliRun.run("probe", "sample:tiny-cnn", "--concepts", "sample:fashion-concepts", "--precision", "fp8",
                "--out", temp.resolve("y").toString());
        assertThat(p.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(p.err()).contains("--precision must be fp32, fp16 or bf16, got 'fp8'");
        CliRun.Result m = CliRun.run("probe", "sample:tiny-mlp", "--concepts", "sample:fashion-concepts", "--out",
                temp.resolve("z").toString());
        assertThat(m.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(m.err()).contains("takes inputs [12]");
    }
}
