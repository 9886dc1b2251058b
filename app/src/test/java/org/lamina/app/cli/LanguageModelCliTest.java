package org.lamina.app.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lamina.analysis.model.ModelLocator;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code predict --text} and {@code inspect} on the bundled tiny Llama. */
class LanguageModelCliTest {

    @TempDir
    Path temp;

    /** Softmax of the reference logits at the last real token of prompt {@code row}. */
    private static double[] referenceNext(int row) throws Exception {
        Path dir = ModelLocator.resolve("sample:tiny-llama");
        try (NDManager m = NDManager.newBaseManager(); InputStream in = Files.newInputStream(dir.resolve("reference-outputs.npz"))) {
            Map<String, NDArray> ref = new HashMap<>();
            for (NDArray a : NDList.decode(m, in)) {
                ref.put(a.getName(), a);
            }
            long len = ref.get("lengths").toLongArray()[row];
            float[] logits = ref.get("logits").get(row).get(len - 1).toFloatArray();
            double max = Double.NEGATIVE_INFINITY;
            for (float l : logits) {
                max = Math.max(max, l);
            }
            double sum = 0;
            double[] p = new double[logits.length];
            for (int i = 0; i < p.length; i++) {
                p[i] = Math.exp(logits[i] - max);
                sum += p[i];
            }
            for (int i = 0; i < p.length; i++) {
                p[i] /= sum;
            }
            return p;
        }
    }

    @Test
    void predictTextAgreesWithTheExportersReference() throws Exception {
        CliRun.Result r = CliRun.run("predict", "sample:tiny-llama", "--text", "The capital of France is",
                "--text", "The cat sat on the mat", "--top", "5", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode results = new ObjectMapper().readTree(r.out()).get("results");
        for (int row = 0; row < 2; row++) {
            double[] p = referenceNext(row);
            Integer[] order = new Integer[p.length];
            for (int i = 0; i < p.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -p[i]));
            JsonNode next = results.get(row).get("next");
            assertThat(next).hasSize(5);
            for (int k = 0; k < 5; k++) {
                assertThat(next.get(k).get("id").asInt()).as("row %d rank %d", row, k + 1).isEqualTo(order[k]);
                assertThat(next.get(k).get("probability").asDouble()).isCloseTo(p[order[k]],
                        org.assertj.core.data.Offset.offset(1e-5));
            }
        }
        assertThat(results.get(0).get("ids").toString()).isEqualTo("[1,4,5,6,7,8]");
    }

    @Test
    void predictTextPrintsATableAndWritesJsonAndCsv() throws Exception {
        Path out = temp.resolve("run");
        CliRun.Result r = CliRun.run("predict", "sample:tiny-llama", "--text", "The capital of France is", "--top", "3",
                "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("RANK", "TOKEN", "PROBABILITY", "The capital of France is");
        assertThat(Files.readString(out.resolve("predictions.json"))).contains("\"next\"", "tiny-llama");
        List<String> csv = Files.readAllLines(out.resolve("predictions.csv"));
        assertThat(csv.get(0)).isEqualTo("text,rank,token,id,probability,logit");
        assertThat(csv).hasSize(4);
        assertThat(out.resolve("lamina-run-predict.json")).exists();
    }

    @Test
    void predictRefusesWhatDoesNotFit() {
        CliRun.Result noText = CliRun.run("predict", "sample:tiny-llama");
        assertThat(noText.code()).isEqualTo(2);
        assertThat(noText.err()).contains("--text");
        CliRun.Result textForImages = CliRun.run("predict", "sample:tiny-cnn", "--text", "hello");
        assertThat(textForImages.code()).isEqualTo(2);
        assertThat(textForImages.err()).contains("language models");
        String tooLong = String.join(" ", java.util.Collections.nCopies(70, "Paris"));
        CliRun.Result refused = CliRun.run("predict", "sample:tiny-llama", "--text", tooLong);
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("takes at most 64");
        CliRun.Result cut = CliRun.run("predict", "sample:tiny-llama", "--text", tooLong, "--truncate");
        assertThat(cut.code()).as(cut.err()).isZero();
        assertThat(cut.err()).contains("warning").contains("first 64 tokens");
    }

    @Test
    void inspectShowsTheLanguageModel() throws Exception {
        CliRun.Result r = CliRun.run("inspect", "sample:tiny-llama");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("causal-lm", "64 tokens", "tokenizer.json", "bos 1", "pad 0", "blocks       2",
                "hidden size 32", "blocks.1.mlp.act", "[seq, 64]", "[4, seq, seq]");
        JsonNode j = new ObjectMapper().readTree(CliRun.run("inspect", "sample:tiny-llama", "--json").out());
        assertThat(j.get("kind").asText()).isEqualTo("causal-lm");
        assertThat(j.get("vocabSize").asInt()).isEqualTo(64);
        assertThat(j.get("tokenizer").get("padId").asInt()).isZero();
        assertThat(j.get("probePoints").get(0).get("shape").toString()).isEqualTo("[-1,32]");
        CliRun.Result models = CliRun.run("models");
        assertThat(models.out()).contains("sample:tiny-llama");
    }

    /**
     * Every image/vector analysis refuses a language model with one message naming the kind and
     * what to use instead (before: a "class 1 out of range … classes 0 … -1" or "The shape must
     * be >= -1" from deep inside the analysis, or a data-set error about a missing test set).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"craft --class 1|CRAFT",
            "chmcorr --query 0|CHM-Corr", "neuronpath --data sample:fashion-test|Neuron paths"})
    void imageAnalysesRefuseALanguageModelByKind(String caseSpec) {
        String[] parts = caseSpec.split("\\|");
        List<String> args = new java.util.ArrayList<>(Arrays.asList(parts[0].split(" ")));
        args.add(1, "sample:tiny-llama");
        args.addAll(List.of("--out", temp.resolve("o").toString()));
        CliRun.Result r = CliRun.run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(parts[1] + " works on image and vector classifiers", "'tiny-llama' is a language model",
                "lamina lens");
        // Refused before anything is written (evaluate may have created the empty folder it checked).
        Path o = temp.resolve("o");
        if (Files.exists(o)) {
            try (var files = Files.list(o)) {
                assertThat(files.toList()).isEmpty();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** {@code evaluate} on a language model scores next-token prediction on a text file. */
    @Test
    void evaluateScoresNextTokensOnText() throws Exception {
        Path text = temp.resolve("held-out.txt");
        Files.writeString(text, "The cat sat on the mat\nOne two three four five six\nThe capital of France is\n");
        CliRun.Result r = CliRun.run("evaluate", "sample:tiny-llama", "--data", text.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        // Python torch on the same model.pt and the exporter's ids of these prompts: 17 predictions, mean NLL 4.407048.
        assertThat(j.get("predictions").asLong()).isEqualTo(17);
        assertThat(j.get("meanNllNats").asDouble()).isCloseTo(4.407048, org.assertj.core.data.Offset.offset(1e-5));
        CliRun.Result none = CliRun.run("evaluate", "sample:tiny-llama");
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("language model", "--data FILE.txt");
    }
}
