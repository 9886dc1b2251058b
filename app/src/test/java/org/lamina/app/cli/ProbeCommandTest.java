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
        // tiny-vit's embed CLS token is the same vector for every image: said on stdout and in probe.json
        assertThat(r.out()).contains("note: point embed gives the same features for every input", "± ",
                "10 seeded splits");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("probe.json").toFile());
        assertThat(json.get("redundantPoints").get("constant").toString()).isEqualTo("[\"embed\"]");
        assertThat(json.get("parameters").get("splits").asInt()).isEqualTo(10);
        assertThat(json.get("concepts").get(0).get("splitAcc")).hasSize(10);
        assertThat(json.get("concepts").get(0).get("splitDepths")).hasSize(10);
        assertThat(json.get("concepts").get(0).get("accStd")).hasSize(4);
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

    /** A concept-depth entry in a session replays through {@code lamina replay} to the CLI's figures and numbers. */
    @Test
    void sessionReplayRedoesAConceptDepthRun() throws Exception {
        var p = org.lamina.analysis.conceptdepth.ProbeParameters.defaults().withMaxSamples(40);
        var request = new org.lamina.analysis.conceptdepth.ConceptDepthStudy.Request("sample:fashion-concepts", p,
                java.util.List.of(), null, false, 300);
        var doc = new org.lamina.analysis.session.SessionDocument(1, "2026-01-01T00:00:00Z",
                org.lamina.analysis.session.SessionDocument.ModelReference.of("sample:tiny-cnn"),
                "sample:fashion-test", 42, java.util.Map.of(), java.util.List.of(
                        new org.lamina.analysis.session.SessionDocument.AnalysisEntry("conceptdepth", "conceptdepth",
                                request.toMap(), java.util.Map.of())));
        Path session = org.lamina.analysis.session.SessionFile.write(temp.resolve("cd.lamina.json"), doc);
        Path figures = temp.resolve("replayed");
        CliRun.Result replay = CliRun.run("replay", session.toString(), "--out", figures.toString(), "--format", "png,csv",
                "--device", "cpu");
        assertThat(replay.code()).as(replay.err()).isZero();
        for (String f : new String[] {"accuracy-by-layer", "accuracy-by-relative-depth", "depth-bars", "selectivity"}) {
            assertThat(figures.resolve("01-conceptdepth-" + f + ".png")).isNotEmptyFile();
            assertThat(figures.resolve("01-conceptdepth-" + f + ".csv")).isNotEmptyFile();
        }
        assertThat(figures.resolve("01-conceptdepth-logit-lens.png")).doesNotExist();
        // the same run through `lamina probe` gives the same accuracies
        Path dir = temp.resolve("cli");
        CliRun.Result r = CliRun.run("probe", "sample:tiny-cnn", "--concepts", "sample:fashion-concepts", "--max-samples", "40",
                "--logit-lens", "off", "--quiet", "--dpi", "72", "--device", "cpu", "--out", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readAllLines(figures.resolve("01-conceptdepth-accuracy-by-layer.csv")))
                .isEqualTo(Files.readAllLines(dir.resolve("accuracy-by-layer.csv")));
    }

    @Test
    void referenceSplitsPrintEachSplitsDepthAndTheDuplicatePoint() throws Exception {
        Path dir = temp.resolve("ref");
        CliRun.Result r = CliRun.run("probe", "sample:fashion-cnn", "--concepts", "sample:fashion-concepts", "--max-samples",
                "60", "--splits", "3", "--split", "reference", "--quiet", "--dpi", "72", "--device", "cpu", "--out",
                dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("3 reference splits", "note: point gap gives the same features as stage3",
                "median layer over the splits");
        assertThat(r.out()).containsPattern("\\[[0-4],[0-4],[0-4]\\]");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("probe.json").toFile());
        assertThat(json.get("redundantPoints").get("duplicateOf").get("gap").asText()).isEqualTo("stage3");
        assertThat(json.get("provenance").get("split").asText()).contains("seeds 42 … 44", "train_test_split");
        assertThat(Files.readString(dir.resolve("accuracy-by-layer.csv"))).contains("acc_std");
    }

    @Test
    void badSplitOptionsAreOneLineWithExitCode2() throws Exception {
        String[][] cases = {
            {"--splits", "0"}, {"--splits", "101"}, {"--split", "random"}, {"--split", "reference", "--stratified"},
        };
        String[] messages = {"--splits must be in 1 … 100, got 0", "--splits must be in 1 … 100, got 101",
            "--split must be seeded or reference, got 'random'", "--split reference is not stratified"};
        for (int i = 0; i < cases.length; i++) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("probe", "sample:tiny-cnn", "--concepts",
                    "sample:fashion-concepts", "--out", temp.resolve("s" + i).toString()));
            args.addAll(java.util.List.of(cases[i]));
            CliRun.Result r = CliRun.run(args.toArray(String[]::new));
            assertThat(r.code()).as(String.join(" ", cases[i])).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
            assertThat(r.err()).contains(messages[i]);
            assertThat(temp.resolve("s" + i)).doesNotExist();
        }
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
        assertThat(p.err()).contains("--precision must be fp32, fp16, bf16 or int8, got 'fp8'");
        CliRun.Result m = CliRun.run("probe", "sample:tiny-mlp", "--concepts", "sample:fashion-concepts", "--out",
                temp.resolve("z").toString());
        assertThat(m.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(m.err()).contains("takes inputs [12]");
    }
}
