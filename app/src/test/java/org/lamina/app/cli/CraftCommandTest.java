package org.lamina.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lamina craft}: the files and JSON keys issue #7 names, and one clear line per bad input. */
class CraftCommandTest {

    @TempDir
    Path temp;

    /**
     * Issue #20: g's activations from a CRAFT activation store ({@code extract --craft}) give the
     * result the model gives, and a store that does not fit the run is refused by field.
     */
    @Test
    void activationsStoreGivesTodaysResult() throws Exception {
        Path store = temp.resolve("craft-store");
        CliRun.Result x = CliRun.run("extract", "sample:tiny-cnn", "--device", "cpu", "--data", "sample:fashion-test", "--craft",
                "--craft-patch", "12", "--max-items", "80", "--part-rows", "25", "--quiet", "--out", store.toString());
        assertThat(x.code()).as(x.err()).isZero();
        assertThat(x.out()).contains("relu2#crops").contains("craft-crops");
        Path viaStore = temp.resolve("via-store");
        Path viaModel = temp.resolve("via-model");
        String[] common = {"craft", "sample:tiny-cnn", "--class", "Coat", "--data", "sample:fashion-test", "--images", "6",
            "--rank", "3", "--patch", "12", "--designs", "8", "--quiet", "--dpi", "72"};
        CliRun.Result a = CliRun.run(concat(common, "--activations-store", store.toString(), "--out", viaStore.toString()));
        assertThat(a.code()).as(a.err()).isZero();
        CliRun.Result b = CliRun.run(concat(common, "--out", viaModel.toString()));
        assertThat(b.code()).as(b.err()).isZero();
        JsonNode ja = new ObjectMapper().readTree(viaStore.resolve("craft.json").toFile());
        JsonNode jb = new ObjectMapper().readTree(viaModel.resolve("craft.json").toFile());
        for (String key : new String[] {"imageIndices", "importance", "reconstructionError", "nmfIterations", "concepts",
            "fidelity"}) {
            assertThat(ja.get(key)).as(key).isNotNull().isEqualTo(jb.get(key));
        }
        assertThat(ja.get("provenance").get("h")).isEqualTo(jb.get("provenance").get("h"));
        assertThat(ja.get("provenance").get("activationsStore").asText()).isEqualTo(store.toAbsolutePath().toString());
        assertThat(java.nio.file.Files.readString(viaStore.resolve("craft-importance.csv")))
                .isEqualTo(java.nio.file.Files.readString(viaModel.resolve("craft-importance.csv")));

        // Another crop grid, more class images than the store holds, a store that is not CRAFT's: refused.
        CliRun.Result patch = CliRun.run("craft", "sample:tiny-cnn", "--class", "Coat", "--data", "sample:fashion-test",
                "--images", "6", "--rank", "3", "--patch", "10", "--designs", "8", "--quiet", "--activations-store",
                store.toString(), "--out", temp.resolve("p").toString());
        assertThat(patch.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(patch.err()).contains(store.toString()).contains("extras.craft.patch is 12, expected 10");
        CliRun.Result many = CliRun.run(concat(new String[] {"craft", "sample:tiny-cnn", "--class", "Coat", "--data",
            "sample:fashion-test", "--images", "40", "--rank", "3", "--patch", "12", "--designs", "8", "--quiet"},
                "--activations-store", store.toString(), "--out", temp.resolve("m").toString()));
        assertThat(many.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(many.err()).contains(store.toString()).contains("lacks");
        Path plain = temp.resolve("plain-store");
        assertThat(CliRun.run("extract", "sample:tiny-cnn", "--device", "cpu", "--data", "sample:fashion-test", "--points",
                "relu2", "--reduce", "none", "--max-items", "20", "--quiet", "--out", plain.toString()).code()).isZero();
        CliRun.Result notCraft = CliRun.run(concat(common, "--activations-store", plain.toString(), "--out",
                temp.resolve("n").toString()));
        assertThat(notCraft.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(notCraft.err()).contains(plain.toString()).contains("extras.craft is missing").contains("--craft");
        CliRun.Result stray = CliRun.run("extract", "sample:tiny-cnn", "--craft-patch", "12", "--out",
                temp.resolve("s").toString());
        assertThat(stray.code()).isEqualTo(LaminaCli.EXIT_BAD_INPUT);
        assertThat(stray.err()).contains("--craft-patch 12 only applies with --craft");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void writesJsonNpzAndFigures() throws Exception {
        Path dir = temp.resolve("craft");
        CliRun.Result r = CliRun.run("craft", "sample:tiny-cnn", "--class", "Coat", "--data", "sample:fashion-test", "--images", "6",
                "--rank", "3", "--patch", "12", "--designs", "8", "--quiet", "--dpi", "72", "--out", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("cut point relu2", "concepts by Sobol total index", "sobol");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("craft.json").toFile());
        assertThat(json.get("rank").asInt()).isEqualTo(3);
        assertThat(json.get("layer").asText()).isEqualTo("relu2");
        assertThat(json.get("class").get("index").asInt()).isEqualTo(4);
        assertThat(json.get("class").get("label").asText()).isEqualTo("Coat");
        assertThat(json.get("importance")).hasSize(3);
        assertThat(json.get("reconstructionError").asDouble()).isBetween(0.0, 1.0);
        for (String ranking : new String[] {"sobol", "gradient-input", "occlusion", "random"}) {
            JsonNode f = json.get("fidelity").get(ranking);
            assertThat(f.get("deletionAuc").isNumber()).isTrue();
            assertThat(f.get("insertionAuc").isNumber()).isTrue();
            assertThat(f.get("deletion")).hasSize(4);
            assertThat(f.get("insertion")).hasSize(4);
        }
        assertThat(json.get("concepts")).hasSize(3);
        assertThat(json.get("concepts").get(0).get("topCrops")).hasSize(10);
        assertThat(json.get("provenance").get("weightsSha256").asText()).hasSize(64);
        // Issue #22: the NMF's choices and outcome, reference solver by default.
        JsonNode nmf = json.get("provenance").get("nmf");
        assertThat(nmf.get("solver").asText()).isEqualTo("reference");
        assertThat(nmf.get("sweepsPerHalfStep").asText()).startsWith("1 ");
        assertThat(nmf.get("maxIterations").asInt()).isEqualTo(200);
        assertThat(nmf.get("tolerance").asDouble()).isEqualTo(1e-4);
        assertThat(nmf.get("iterations").asInt()).isEqualTo(json.get("nmfIterations").asInt()).isBetween(1, 200);
        assertThat(nmf.get("relativeError").asDouble()).isEqualTo(json.get("reconstructionError").asDouble());
        assertThat(nmf.get("encoding").asText()).contains("Lawson–Hanson");
        assertThat(json.get("parameters").get("nmfSolver").asText()).isEqualTo("reference");
        for (String f : new String[] {"craft-data.npz", "craft-importance.png", "craft-importance.svg", "craft-importance.pdf",
            "craft-importance.csv", "craft-top-crops.png", "craft-composite.png", "craft-composite-gradient.png",
            "craft-fidelity.png", "craft-fidelity.csv"}) {
            assertThat(dir.resolve(f)).isNotEmptyFile();
        }
    }

    @Test
    void nmfOptionsReachTheSolverAndTheJson() throws Exception {
        Path dir = temp.resolve("accelerated");
        CliRun.Result r = CliRun.run("craft", "sample:tiny-cnn", "--class", "Coat", "--data", "sample:fashion-test", "--images", "3",
                "--rank", "2", "--patch", "12", "--designs", "4", "--no-fidelity", "--quiet", "--dpi", "72",
                "--nmf-solver", "accelerated", "--max-iter", "3", "--tol", "1e-9", "--out", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("NMF (accelerated solver)", "after 3 iterations (iteration limit)");
        JsonNode nmf = new ObjectMapper().readTree(dir.resolve("craft.json").toFile()).get("provenance").get("nmf");
        assertThat(nmf.get("solver").asText()).isEqualTo("accelerated");
        assertThat(nmf.get("sweepsPerHalfStep").asText()).startsWith("up to 2");
        assertThat(nmf.get("iterations").asInt()).isEqualTo(3);
        assertThat(nmf.get("converged").asBoolean()).isFalse();
        assertThat(nmf.get("maxIterations").asInt()).isEqualTo(3);
        assertThat(nmf.get("tolerance").asDouble()).isEqualTo(1e-9);
    }

    @Test
    void replayRedoesARecordedCraftRun() throws Exception {
        var params = new org.lamina.analysis.craft.CraftParameters("sample:fashion-test", "relu2", 4, 4, 3, 12, 4, 0, 0, 0,
                true).toMap();
        var doc = new org.lamina.analysis.session.SessionDocument(1, "2026-01-01T00:00:00Z",
                org.lamina.analysis.session.SessionDocument.ModelReference.of("sample:tiny-cnn"),
                "sample:fashion-test", 0, java.util.Map.of(), java.util.List.of(
                        new org.lamina.analysis.session.SessionDocument.AnalysisEntry("craft", "craft", params,
                                java.util.Map.of("layer", "relu2"))));
        Path session = org.lamina.analysis.session.SessionFile.write(temp.resolve("craft.lamina.json"), doc);
        Path figures = temp.resolve("replayed");
        CliRun.Result r = CliRun.run("replay", session.toString(), "--out", figures.toString(), "--format", "png,csv",
                "--device", "cpu");
        assertThat(r.code()).as(r.err()).isZero();
        for (String f : new String[] {"importance", "top-crops", "composite", "composite-gradient", "fidelity"}) {
            assertThat(figures.resolve("01-craft-craft-" + f + ".png")).isNotEmptyFile();
            assertThat(figures.resolve("01-craft-craft-" + f + ".csv")).isNotEmptyFile();
        }
        // three concepts, one importance row each (after the header)
        assertThat(java.nio.file.Files.readAllLines(figures.resolve("01-craft-craft-importance.csv"))).hasSize(4);
    }

    @Test
    void badInputGetsOneClearLine() {
        String out = temp.toString();
        String[] base = {"craft", "sample:tiny-cnn", "--data", "sample:fashion-test", "--images", "2", "--designs", "4", "--quiet",
            "--out", out};
        assertThat(run(base, "--class", "Nope")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("--class 'Nope' is not a label");
        });
        assertThat(run(base, "--class", "0", "--patch", "40").err()).contains("--patch 40 is larger than the 28×28 images");
        assertThat(run(base, "--class", "0", "--rank", "0").err()).contains("--rank must be at least 1");
        assertThat(run(base, "--class", "0", "--patch", "12", "--rank", "9").err()).contains("--rank 9 is more than the 8 crops");
        assertThat(run(base, "--class", "0", "--layer", "conv2").err()).contains("cut point 'conv2' are negative (min -");
        assertThat(run(base, "--class", "0", "--layer", "nope").err()).contains("has no probe point 'nope'");
        for (String[] bad : new String[][] {{"--nmf-solver", "fast", "--nmf-solver must be reference or accelerated, got 'fast'"},
            {"--max-iter", "0", "--max-iter must be 1 to 100000, got 0"}, {"--tol", "1", "--tol must be in (0, 1), got 1.0"},
            {"--tol", "NaN", "--tol must be in (0, 1), got NaN"}}) {
            assertThat(run(base, "--class", "0", bad[0], bad[1])).satisfies(r -> {
                assertThat(r.code()).isEqualTo(2);
                assertThat(r.err()).contains(bad[2]);
            });
        }
    }

    private static CliRun.Result run(String[] base, String... more) {
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CliRun.run(args);
    }
}
