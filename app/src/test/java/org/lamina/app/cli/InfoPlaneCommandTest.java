package org.lamina.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lamina infoplane}: files written, bad input reported in one line with exit code 2. */
class InfoPlaneCommandTest {

    @TempDir
    Path temp;

    private static CliRun.Result run(String... args) {
        return CliRun.run(args);
    }

    @Test
    void writesJsonNpzFiguresAndCsvs() throws Exception {
        Path dir = temp.resolve("ip");
        CliRun.Result r = run("infoplane", "--epochs", "30", "--split", "contiguous", "--activation", "relu", "--estimator", "binsize",
                "--out", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("softmax", "compression");
        assertThat(r.err()).contains("infoplane [", "100%");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("infoplane.json").toFile());
        assertThat(json.get("estimator").asText()).isEqualTo("binsize");
        assertThat(json.get("parameters").get("activation").asText()).isEqualTo("RELU");
        for (String f : new String[] {"activations-final.npz", "infoplane.png", "infoplane.svg", "infoplane.pdf",
            "snr.png", "snr.svg", "snr.pdf", "mi-epochs.png", "infoplane.csv", "snr.csv", "training.csv"}) {
            assertThat(dir.resolve(f)).isNotEmptyFile();
        }
    }

    @Test
    void badInputGetsOneClearLine() {
        String out = temp.toString();
        assertThat(run("infoplane", "--net", "mlp:10,5,2", "--out", out)).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("must start at 12");
        });
        assertThat(run("infoplane", "--bins", "1", "--out", out).err()).contains("bins must be at least 2");
        assertThat(run("infoplane", "--noise-var", "0", "--out", out).err()).contains("noise variance must be positive");
        assertThat(run("infoplane", "--epochs", "0", "--out", out).err()).contains("epochs must be 1");
        assertThat(run("infoplane", "--estimator", "mine", "--out", out).err()).contains("binning, binsize, kde or ksg");
        assertThat(run("infoplane", "--net", "mlp:12,x,2", "--out", out).err()).contains("integer widths");
        assertThat(run("infoplane", "--data", "sample:cifar", "--out", out).err()).contains("sample:fashion or sample:mnist");
        assertThat(run("infoplane", "--data", "sample:fashion", "--net", "ib", "--out", out).err())
                .contains("must start at 784");
        assertThat(run("infoplane", "--data", "sample:mnist", "--train-images", "9000", "--epochs", "1", "--out", out).err())
                .contains("sample:mnist-train has 5000 images; asked for 9000");
        assertThat(run("infoplane", "--mi-on", "test", "--out", out).err()).contains("always estimated on all 4,096");
        assertThat(run("infoplane", "--binning", "wrap", "--out", out)).satisfies(r -> {
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).contains("binning must be idnn or clamp, got 'wrap'");
        });
    }

    /**
     * Issue #22: ReLU without --estimator is estimated by bin size (binning by count on [−1, 1]
     * would make growing ReLU values look like compression), and the choice is recorded; with
     * binning chosen explicitly it runs but warns on stderr. Count binning records its rule.
     */
    @Test
    void unboundedActivationsDefaultToBinningBySizeAndWarnWhenCountBinningIsChosen() throws Exception {
        Path relu = temp.resolve("relu");
        CliRun.Result r = run("infoplane", "--activation", "relu", "--epochs", "3", "--quiet", "--out", relu.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("warning");
        JsonNode json = new ObjectMapper().readTree(relu.resolve("infoplane.json").toFile());
        assertThat(json.get("estimator").asText()).isEqualTo("binsize");
        assertThat(json.get("provenance").get("estimatorChoice").asText()).startsWith("binsize: the default for relu");

        Path counted = temp.resolve("relu-binning");
        CliRun.Result w = run("infoplane", "--activation", "relu", "--estimator", "binning", "--binning", "clamp",
                "--epochs", "3", "--quiet", "--out", counted.toString());
        assertThat(w.code()).as(w.err()).isZero();
        assertThat(w.err()).contains("warning: binning by count covers only [-1, 1], but relu activations are unbounded");
        JsonNode warned = new ObjectMapper().readTree(counted.resolve("infoplane.json").toFile());
        assertThat(warned.get("estimator").asText()).isEqualTo("binning");
        assertThat(warned.get("estimatorParameters").get("binning").asText()).isEqualTo("clamp");
        assertThat(warned.get("parameters").get("binning").asText()).isEqualTo("CLAMP");
        assertThat(warned.get("provenance").get("estimatorChoice").asText()).contains("unbounded");

        CliRun.Result tanh = run("infoplane", "--epochs", "2", "--quiet", "--out", temp.resolve("tanh").toString());
        assertThat(tanh.err()).doesNotContain("warning");
        JsonNode t = new ObjectMapper().readTree(temp.resolve("tanh").resolve("infoplane.json").toFile());
        assertThat(t.get("estimator").asText()).isEqualTo("binning");
        assertThat(t.get("estimatorParameters").get("binning").asText()).isEqualTo("idnn");
    }

    /**
     * --save-activations writes every logged epoch as training goes, under the JSON's layer names,
     * and says so in the provenance and on stdout.
     */
    @Test
    void saveActivationsWritesOneNpzPerLoggedEpochWithTheJsonLayerNames() throws Exception {
        Path dir = temp.resolve("saved");
        CliRun.Result r = run("infoplane", "--epochs", "3", "--repeats", "2", "--seed", "7", "--save-activations", "--quiet",
                "--out", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("activations of every logged epoch");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("infoplane.json").toFile());
        java.util.List<String> expected = new java.util.ArrayList<>();
        json.get("layers").forEach(n -> expected.add(n.asText() + ".npy"));
        expected.add("labels.npy");
        assertThat(json.get("provenance").get("savedActivations").asText()).startsWith("activations/seed<S>/epoch<NNNNN>.npz");
        for (String seed : new String[] {"seed7", "seed8"}) {
            for (int epoch = 0; epoch <= 3; epoch++) {
                Path npz = dir.resolve("activations").resolve(seed).resolve(String.format("epoch%05d.npz", epoch));
                try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(npz.toFile())) {
                    assertThat(zip.stream().map(java.util.zip.ZipEntry::getName)).containsExactlyElementsOf(expected);
                }
            }
        }
    }

    /**
     * Saxe's image variant from the command line, tiny: the net defaults to 784-1024-20-20-20-10
     * with ReLU and KDE, the npz holds the MI rows (the 60 test images) with 784 inputs, and the
     * session replay of the same parameters gives the same figures.
     */
    @Test
    void imageDataWritesTheSaxeNetworkOnTheChosenRows() throws Exception {
        Path dir = temp.resolve("img");
        CliRun.Result r = run("infoplane", "--data", "sample:mnist", "--train-images", "100", "--test-images", "60",
                "--epochs", "2", "--quiet", "--out", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("relu 784-1024-20-20-20-10", "KDE", "MI on test", "final test accuracy");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("infoplane.json").toFile());
        assertThat(json.get("parameters").get("data").get("source").asText()).isEqualTo("sample:mnist");
        assertThat(json.get("provenance").get("miRows").asInt()).isEqualTo(60);
        assertThat(json.get("entropyY").asDouble()).isBetween(2.5, Math.log(10) / Math.log(2));
        try (java.util.zip.ZipFile npz = new java.util.zip.ZipFile(dir.resolve("activations-final.npz").toFile())) {
            // float32 [60, 784] = 188,160 bytes of data plus the .npy header
            assertThat(npz.getEntry("inputs.npy").getSize()).isBetween(60L * 784 * 4, 60L * 784 * 4 + 256);
            assertThat(npz.getEntry("layer1.npy").getSize()).isBetween(60L * 1024 * 4, 60L * 1024 * 4 + 256);
            assertThat(npz.getEntry("softmax.npy").getSize()).isBetween(60L * 10 * 4, 60L * 10 * 4 + 256);
            assertThat(npz.getEntry("labels.npy").getSize()).isBetween(60L * 8, 60L * 8 + 256);
        }
        assertThat(dir.resolve("infoplane.png")).isNotEmptyFile();

        var params = org.lamina.analysis.infoplane.InfoPlaneFigures.read(dir.resolve("infoplane.json")).parameters().toMap();
        var doc = new org.lamina.analysis.session.SessionDocument(1, "2026-01-01T00:00:00Z",
                org.lamina.analysis.session.SessionDocument.ModelReference.of("sample:tiny-mlp"),
                "sample:mnist-test", 42, java.util.Map.of(), java.util.List.of(
                        new org.lamina.analysis.session.SessionDocument.AnalysisEntry("infoplane", "infoplane", params,
                                java.util.Map.of())));
        Path session = org.lamina.analysis.session.SessionFile.write(temp.resolve("ip.lamina.json"), doc);
        Path figures = temp.resolve("replayed");
        CliRun.Result replay = run("replay", session.toString(), "--out", figures.toString(), "--format", "csv",
                "--device", "cpu");
        assertThat(replay.code()).as(replay.err()).isZero();
        java.util.List<String> original = java.nio.file.Files.readAllLines(dir.resolve("infoplane.csv"));
        java.util.List<String> again = java.nio.file.Files.readAllLines(figures.resolve("01-infoplane-infoplane.csv"));
        assertThat(again).hasSameSizeAs(original);
        for (int i = 1; i < original.size(); i++) {
            // same seeds, same numbers: I(X;T) and I(T;Y) of every (epoch, layer)
            String[] a = original.get(i).split(",");
            String[] b = again.get(i).split(",");
            assertThat(b[0]).isEqualTo(a[0]);
            assertThat(Double.parseDouble(b[2])).isCloseTo(Double.parseDouble(a[2]), org.assertj.core.api.Assertions.within(1e-3));
            assertThat(Double.parseDouble(b[3])).isCloseTo(Double.parseDouble(a[3]), org.assertj.core.api.Assertions.within(1e-3));
        }
        assertThat(figures.resolve("01-infoplane-training.csv")).isNotEmptyFile();
    }
}
