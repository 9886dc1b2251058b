package org.lamina.samples;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.lamina.analysis.data.Dataset;
import org.lamina.analysis.data.SampleData;
import org.lamina.analysis.evaluate.Evaluation;
import org.lamina.analysis.model.ModelLoader;
import org.lamina.analysis.model.ModelLocator;
import org.lamina.analysis.model.ProbeableModel;
import org.lamina.analysis.model.RunRequest;
import org.lamina.analysis.model.Trace;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every bundled model opens, reproduces the logits PyTorch recorded at export time, and — for
 * trained models — reaches on this machine exactly the test accuracy its training script measured
 * in Python on the same committed images.
 */
class BundledModelsTest {

    static List<String> samples() {
        return ModelLocator.sampleNames();
    }

    /**
     * Trained image classifiers. The trained language models (kind causal-lm, sample-models/lm-training)
     * record a next-token accuracy on held-out text instead: {@link #languageModelsReachTheirRecordedAccuracy}.
     */
    static List<String> trainedSamples() {
        return trained(false);
    }

    /** Trained language models (sample-models/lm-training). */
    static List<String> trainedLanguageModels() {
        return trained(true);
    }

    private static List<String> trained(boolean languageModels) {
        return samples().stream().filter(n -> {
            try (var in = Files.newInputStream(ModelLocator.resolve("sample:" + n).resolve("model.json"))) {
                String json = new String(in.readAllBytes());
                return json.contains("\"testAccuracy\"") && json.contains("\"causal-lm\"") == languageModels;
            } catch (java.io.IOException e) {
                return false;
            }
        }).toList();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void reproducesTheExportTimeLogits(String name) throws Exception {
        Path dir = ModelLocator.resolve("sample:" + name);
        try (ProbeableModel model = ModelLoader.open(dir, Device.cpu()); NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> ref = new HashMap<>();
            try (InputStream in = Files.newInputStream(dir.resolve("reference-outputs.npz"))) {
                for (NDArray a : NDList.decode(m, in)) {
                    ref.put(a.getName(), a);
                }
            }
            float diff;
            if (model.manifest().isCausalLm()) {
                // A language model's reference: right-padded ids; logits compared at real positions.
                Trace t = model.run(m, RunRequest.fromInput(ref.get("ids")).build());
                long[] lengths = ref.get("lengths").toLongArray();
                diff = 0;
                for (int i = 0; i < lengths.length; i++) {
                    ai.djl.ndarray.index.NDIndex real = new ai.djl.ndarray.index.NDIndex("{}, :{}", i, lengths[i]);
                    diff = Math.max(diff, t.logits().get(real).sub(ref.get("logits").get(real)).abs().max().getFloat());
                }
            } else {
                Trace t = model.run(m, RunRequest.fromInput(ref.get("input")).build());
                diff = t.logits().sub(ref.get("logits").toType(DataType.FLOAT32, false)).abs().max().getFloat();
            }
            assertThat(diff).as(name + ": max |Java - PyTorch| of the logits").isLessThanOrEqualTo(1e-4f);
        }
    }

    /**
     * The accuracy train_lm.py recorded (Python, its own forward and tokenizer) is what Lamina's
     * {@code evaluate} measures on the same held-out text (Java, DJL tokenizer, exported TorchScript):
     * the same number of right next tokens, and at least 80 % (the models were trained, not random).
     */
    @ParameterizedTest
    @MethodSource("trainedLanguageModels")
    void languageModelsReachTheirRecordedAccuracy(String name) {
        try (ProbeableModel model = ModelLoader.open(ModelLocator.resolve("sample:" + name), Device.cpu());
             org.lamina.analysis.lm.LanguageModelTokenizer tok = org.lamina.analysis.lm.LanguageModelTokenizer.open(
                     model.manifest())) {
            String testData = org.lamina.analysis.data.ModelDataSets.test(model.manifest()).orElseThrow();
            var texts = org.lamina.analysis.data.TextDataset.read(Path.of(testData));
            var e = org.lamina.analysis.lm.NextTokenEvaluation.run(model, tok, texts.texts(),
                    org.lamina.analysis.lm.LanguageModelTokenizer.Truncation.REFUSE,
                    org.lamina.analysis.lm.NextTokenEvaluation.DEFAULT_BUDGET_BYTES,
                    org.lamina.analysis.job.ProgressSink.none());
            double recorded = model.manifest().recordedTestAccuracy().orElseThrow();
            assertThat(e.correct()).as(name + " right next tokens of " + e.predictions())
                    .isEqualTo(Math.round(recorded * e.predictions()));
            assertThat(e.accuracy()).isGreaterThan(0.8);
        }
    }

    @ParameterizedTest
    @MethodSource("trainedSamples")
    void reachesTheRecordedTestAccuracy(String name) {
        try (ProbeableModel model = ModelLoader.open(ModelLocator.resolve("sample:" + name), Device.cpu())) {
            String testData = String.valueOf(model.manifest().training().get("testData")).split(" ")[0];
            Dataset data = SampleData.open(testData, model.manifest().input().shape());
            Evaluation e = Evaluation.run(model, data, done -> { });
            double recorded = model.manifest().recordedTestAccuracy().orElseThrow();
            // Same images, same normalisation: the same number of correct answers.
            assertThat(Math.round(e.accuracy() * data.size())).as(name + " correct answers on " + testData)
                    .isEqualTo(Math.round(recorded * data.size()));
            if (name.equals("fashion-cnn")) {
                // Top-5 hits from PyTorch on the same 2000 images (torch.topk of model.pt's logits,
                // /usr/bin/python3 with torch 1.13, 2026-12-05): 1999 of 2000.
                assertThat(Math.round(e.top5Accuracy().orElseThrow() * data.size())).as("fashion-cnn top-5 hits")
                        .isEqualTo(1999);
            }
        }
    }
}
